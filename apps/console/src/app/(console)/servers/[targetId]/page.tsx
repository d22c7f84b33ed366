import type { Metadata } from 'next';
import { segment } from '@/components/observability/params';
import { ServerDetailPage } from '@/components/observability/servers/ServerDetailPage';

export const metadata: Metadata = { title: 'Server' };

export default async function Page({ params }: { params: Promise<{ targetId: string }> }) {
  const { targetId } = await params;
  return <ServerDetailPage targetId={segment(targetId)} />;
}
