import createError from '@fastify/error';

// Errors of the message features, each with a stable code (mapped to the ApiError body by errors.ts).
export const NoNatsUrl = createError(
  'TARGET_HAS_NO_NATS_URL',
  'Target %s has no NATS URL: add one to browse or publish messages',
  422,
);
export const NatsUnavailable = createError(
  'NATS_UNAVAILABLE',
  'Cannot reach the NATS server of target %s: %s',
  502,
);
export const JetStreamUnavailable = createError(
  'JETSTREAM_UNAVAILABLE',
  'JetStream is not enabled on this server (no responders for %s)',
  422,
);
export const JetStreamApiError = createError('JETSTREAM_ERROR', 'JetStream refused: %s', 400);
export const StreamNotFound = createError('STREAM_NOT_FOUND', 'No stream named %s', 404);
export const MessageNotFound = createError('MESSAGE_NOT_FOUND', 'No message %s in stream %s', 404);
export const InvalidSubject = createError('INVALID_SUBJECT', '%s', 400);
export const InvalidRange = createError('INVALID_RANGE', '%s', 400);
export const InvalidHeader = createError('INVALID_HEADER', '%s', 400);
export const ReplayJobNotFound = createError('REPLAY_JOB_NOT_FOUND', 'No replay job with id %s', 404);
export const ReplayStateConflict = createError('REPLAY_STATE_CONFLICT', 'Cannot %s a job that is %s', 409);
