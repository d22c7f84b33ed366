import type { Metadata } from 'next';
import { SubjectsPage } from '@/components/observability/subjects/SubjectsPage';

export const metadata: Metadata = { title: 'Subjects' };

export default function Page() {
  return <SubjectsPage />;
}
