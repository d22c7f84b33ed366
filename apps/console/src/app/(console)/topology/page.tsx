import type { Metadata } from 'next';
import { TopologyPage } from '@/components/observability/servers/TopologyPage';

export const metadata: Metadata = { title: 'Topology' };

export default function Page() {
  return <TopologyPage />;
}
