import type { Metadata } from 'next';
import { Suspense } from 'react';
import { TailPage } from '@/components/messages/TailPage';
import { LoadingState } from '@/components/states';

export const metadata: Metadata = { title: 'Live tail' };

export default function Page() {
  return (
    <Suspense fallback={<LoadingState />}>
      <TailPage />
    </Suspense>
  );
}
