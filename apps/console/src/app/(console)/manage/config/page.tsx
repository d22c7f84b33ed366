import type { Metadata } from 'next';
import { Suspense } from 'react';
import '@/components/manage/manage.css';
import { ConfigPage } from '@/components/manage/ConfigPage';
import { LoadingState } from '@/components/states';

export const metadata: Metadata = { title: 'Configuration as code' };

export default function Page() {
  return (
    <Suspense fallback={<LoadingState />}>
      <ConfigPage />
    </Suspense>
  );
}
