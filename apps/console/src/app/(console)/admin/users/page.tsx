import type { Metadata } from 'next';
import { Suspense } from 'react';
import '@/components/manage/manage.css';
import { UsersPage } from '@/components/manage/UsersPage';
import { LoadingState } from '@/components/states';

export const metadata: Metadata = { title: 'Users' };

export default function Page() {
  return (
    <Suspense fallback={<LoadingState />}>
      <UsersPage />
    </Suspense>
  );
}
