import type { Metadata } from 'next';
import { ConsumerDetailPage } from '@/components/observability/consumers/ConsumerDetailPage';
import { segment } from '@/components/observability/params';

export const metadata: Metadata = { title: 'Consumer' };

export default async function Page({
  params,
}: {
  params: Promise<{ targetId: string; account: string; stream: string; consumer: string }>;
}) {
  const p = await params;
  return (
    <ConsumerDetailPage
      consumerRef={{
        targetId: segment(p.targetId),
        account: segment(p.account),
        stream: segment(p.stream),
        consumer: segment(p.consumer),
      }}
    />
  );
}
