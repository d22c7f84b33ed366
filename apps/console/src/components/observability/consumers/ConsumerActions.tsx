import type { ConsumerSummary } from '@tern/contracts';

/**
 * The header actions of a consumer's page (pause, edit, delete, …). Management actions plug in here;
 * the observability view has none of its own.
 */
export function ConsumerActions(_props: { consumer: ConsumerSummary }) {
  return null;
}
