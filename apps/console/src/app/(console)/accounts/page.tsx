import type { Metadata } from 'next';
import { Suspense } from 'react';
import '@/components/manage/manage.css';
import '@/components/accounts/accounts.css';
import { AccountsPage } from '@/components/accounts/AccountsPage';
import { LoadingState } from '@/components/states';

export const metadata: Metadata = { title: 'Accounts' };

export default function Accounts() {
  return (
    <Suspense fallback={<LoadingState />}>
      <AccountsPage />
    </Suspense>
  );
}
