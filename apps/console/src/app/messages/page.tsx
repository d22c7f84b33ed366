import type { Metadata } from 'next';
import { Suspense } from 'react';
import { BrowserPage } from '@/components/messages/BrowserPage';
import { LoadingState } from '@/components/states';

export const metadata: Metadata = { title: 'Messages' };

export default function Page() {
  return (
    <Suspense fallback={<LoadingState />}>
      <BrowserPage />
    </Suspense>
  );
}
