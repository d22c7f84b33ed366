import type { Metadata } from 'next';
import { StreamsPage } from '@/components/observability/streams/StreamsPage';

export const metadata: Metadata = { title: 'Streams' };

export default function Page() {
  return <StreamsPage />;
}
