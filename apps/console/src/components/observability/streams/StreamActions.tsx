import type { StreamSummary } from '@tern/contracts';

/**
 * The header actions of a stream's page (edit, purge, delete, …). Management actions plug in here;
 * the observability view has none of its own.
 */
export function StreamActions(_props: { stream: StreamSummary }) {
  return null;
}
