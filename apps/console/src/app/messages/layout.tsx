import type { ReactNode } from 'react';
import { Shell } from '@/components/shell/Shell';
import '@/components/messages/messages.css';

export default function MessagesLayout({ children }: { children: ReactNode }) {
  return <Shell>{children}</Shell>;
}
