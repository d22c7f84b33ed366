import createError from '@fastify/error';
import type { NatsErrorDetails } from '@tern/contracts';

export const NoNatsUrl = createError(
  'TARGET_HAS_NO_NATS_URL',
  'Target "%s" has no NATS URL: add one to manage its JetStream',
  422,
);
export const TargetNatsUnreachable = createError(
  'TARGET_UNREACHABLE',
  'Cannot connect to the NATS server at %s: %s',
  422,
);
export const NatsTimeout = createError('NATS_TIMEOUT', 'The NATS server did not answer %s in time', 504);
export const JetStreamDisabled = createError(
  'JETSTREAM_DISABLED',
  'JetStream is not enabled on this target (or not for its account)',
  422,
);

const NatsErrorBase = createError('NATS_ERROR', '%s', 400);

/** A JetStream API rejection: plain words plus the server's err_code, and the raw error in `details`. */
export class NatsApiError extends NatsErrorBase {
  readonly details: NatsErrorDetails;
  constructor(details: NatsErrorDetails) {
    super(`${explain(details)} (NATS error ${details.errCode}: ${details.description})`);
    this.details = details;
    // Map the server's own status onto ours: 404 stays 404, conflicts 409, the rest 400.
    (this as { statusCode: number }).statusCode =
      details.status === 404 ? 404 : details.status === 409 ? 409 : 400;
  }
}

// The err_codes a user meets most, in plain words (server/errors.json of nats-server).
const PLAIN: Record<number, string> = {
  10058: 'A stream with this name already exists with a different configuration',
  10059: 'No such stream',
  10014: 'No such consumer',
  10065: 'Another stream already listens on one of these subjects',
  10052: 'The stream configuration is invalid',
  10012: 'The consumer configuration is invalid',
  10013: 'A consumer with this name already exists with a different configuration',
  10039: 'JetStream is not enabled for this account',
  10077: 'The server does not allow deleting this kind of data here',
  10109: 'This stream is sealed',
  10074: 'The server does not allow changing this field',
  10055: 'The stream cannot be updated this way',
  10027: 'Account resource limits would be exceeded',
  10028: 'Maximum number of streams reached',
  10026: 'Maximum number of consumers reached',
  10047: 'Not enough storage resources',
  10023: 'Insufficient resources',
  10076: 'This server version does not support the request',
};

function explain(d: NatsErrorDetails): string {
  const plain = PLAIN[d.errCode];
  if (plain) return `${plain}`;
  const text = d.description.replace(/^[a-z]/, (c) => c.toUpperCase());
  return text;
}
