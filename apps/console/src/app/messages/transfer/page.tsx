import type { Metadata } from 'next';
import { Suspense } from 'react';
import { TransferPage } from '@/components/messages/TransferPage';
import { LoadingState } from '@/components/states';

export const metadata: Metadata = { title: 'Export and import' };

export default function Page() {
  return (
    <Suspense fallback={<LoadingState />}>
      <TransferPage />
    </Suspense>
  );
}
