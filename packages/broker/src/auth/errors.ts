import { goQuote } from './subject.js';

/** `-ERR` text for a failed CONNECT (nats-server client.go `authViolation`). */
export const AUTHORIZATION_VIOLATION = 'Authorization Violation';
/** `-ERR` text when no valid CONNECT arrives within the auth timeout. */
export const AUTHENTICATION_TIMEOUT = 'Authentication Timeout';

/** `Permissions Violation for Publish to "<subject>"` (Go `%q` quoting). */
export function pubPermissionViolation(subject: string): string {
  return `Permissions Violation for Publish to ${goQuote(subject)}`;
}

/** `Permissions Violation for Subscription to "<subject>"`, with `using queue "<q>"` for queue subscriptions. */
export function subPermissionViolation(subject: string, queue?: string): string {
  const base = `Permissions Violation for Subscription to ${goQuote(subject)}`;
  return queue ? `${base} using queue ${goQuote(queue)}` : base;
}

/** `Permissions Violation for Publish with Reply of "<reply>"` (reserved reply prefixes such as `$GNR.`). */
export function replyPermissionViolation(reply: string): string {
  return `Permissions Violation for Publish with Reply of ${goQuote(reply)}`;
}
