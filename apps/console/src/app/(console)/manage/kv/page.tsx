import type { Metadata } from 'next';
import { Suspense } from 'react';
import '@/components/manage/manage.css';
import { KvPage } from '@/components/manage/KvPage';
import { LoadingState } from '@/components/states';

export const metadata: Metadata = { title: 'Key/value' };

export default function Page() {
  return (
    <Suspense fallback={<LoadingState />}>
      <KvPage />
    </Suspense>
  );
}
