import type { Metadata } from 'next';
import { Suspense } from 'react';
import '@/components/manage/manage.css';
import { AuditPage } from '@/components/audit/AuditPage';
import { LoadingState } from '@/components/states';

export const metadata: Metadata = { title: 'Audit log' };

export default function Audit() {
  return (
    <Suspense fallback={<LoadingState label="Loading audit records…" />}>
      <AuditPage />
    </Suspense>
  );
}
