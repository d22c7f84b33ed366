import type { Metadata } from 'next';
import { Suspense } from 'react';
import '@/components/manage/manage.css';
import { ObjectsPage } from '@/components/manage/ObjectsPage';
import { LoadingState } from '@/components/states';

export const metadata: Metadata = { title: 'Object stores' };

export default function Page() {
  return (
    <Suspense fallback={<LoadingState />}>
      <ObjectsPage />
    </Suspense>
  );
}
