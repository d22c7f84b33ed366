// What each console role may do; the API enforces the same rules, the UI only hides what would be refused.

export type ConsoleRole = 'admin' | 'operator' | 'viewer';

/** Operators and admins manage streams, consumers, KV and object stores, and roll changes back. */
export function canOperate(role: string | null | undefined): boolean {
  return role === 'operator' || role === 'admin';
}

/** Only admins manage targets, users and other people's API tokens. */
export function isAdmin(role: string | null | undefined): boolean {
  return role === 'admin';
}
