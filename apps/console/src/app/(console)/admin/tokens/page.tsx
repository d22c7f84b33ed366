import type { Metadata } from 'next';
import { Suspense } from 'react';
import '@/components/manage/manage.css';
import { TokensPage } from '@/components/manage/TokensPage';
import { LoadingState } from '@/components/states';

export const metadata: Metadata = { title: 'API tokens' };

export default function Page() {
  return (
    <Suspense fallback={<LoadingState />}>
      <TokensPage />
    </Suspense>
  );
}
