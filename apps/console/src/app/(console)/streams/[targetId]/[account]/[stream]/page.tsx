import type { Metadata } from 'next';
import { segment } from '@/components/observability/params';
import { StreamDetailPage } from '@/components/observability/streams/StreamDetailPage';

export const metadata: Metadata = { title: 'Stream' };

export default async function Page({
  params,
}: {
  params: Promise<{ targetId: string; account: string; stream: string }>;
}) {
  const p = await params;
  return (
    <StreamDetailPage
      streamRef={{ targetId: segment(p.targetId), account: segment(p.account), stream: segment(p.stream) }}
    />
  );
}
