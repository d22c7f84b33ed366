'use client';

import { canOperate, isAdmin } from '@/lib/roles';
import { useSession } from '@/queries/session';

/** The signed-in user's role and what it allows; nothing is allowed until the session is known. */
export function useRole() {
  const session = useSession();
  const role = session.data?.user.role ?? null;
  return {
    role,
    username: session.data?.user.username ?? null,
    canOperate: canOperate(role),
    isAdmin: isAdmin(role),
  };
}
