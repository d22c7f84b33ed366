import type { Metadata } from 'next';
import { Suspense } from 'react';
import { PublishPage } from '@/components/messages/PublishPage';
import { LoadingState } from '@/components/states';

export const metadata: Metadata = { title: 'Publish' };

export default function Page() {
  return (
    <Suspense fallback={<LoadingState />}>
      <PublishPage />
    </Suspense>
  );
}
