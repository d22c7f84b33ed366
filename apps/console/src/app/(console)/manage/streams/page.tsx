import type { Metadata } from 'next';
import { Suspense } from 'react';
import '@/components/manage/manage.css';
import { StreamsPage } from '@/components/manage/StreamsPage';
import { LoadingState } from '@/components/states';

export const metadata: Metadata = { title: 'Streams' };

export default function Streams() {
  return (
    <Suspense fallback={<LoadingState />}>
      <StreamsPage />
    </Suspense>
  );
}
