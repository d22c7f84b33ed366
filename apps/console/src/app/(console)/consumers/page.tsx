import type { Metadata } from 'next';
import { ConsumersPage } from '@/components/observability/consumers/ConsumersPage';

export const metadata: Metadata = { title: 'Consumers' };

export default function Page() {
  return <ConsumersPage />;
}
