import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ReplayPage } from '@/components/messages/ReplayPage';
import { LoadingState } from '@/components/states';

export const metadata: Metadata = { title: 'Replay' };

export default function Page() {
  return (
    <Suspense fallback={<LoadingState />}>
      <ReplayPage />
    </Suspense>
  );
}
