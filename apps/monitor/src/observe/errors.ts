import createError from '@fastify/error';

// Errors of the observability routes (mapped to HTTP by errors.ts' handler like every other).
export const ObservedTargetNotFound = createError('TARGET_NOT_FOUND', 'No monitored target with id %s', 404);
export const StreamNotFound = createError(
  'STREAM_NOT_FOUND',
  'No stream %s in account %s of target %s (as of the last scrape)',
  404,
);
export const ConsumerNotFound = createError(
  'CONSUMER_NOT_FOUND',
  'No consumer %s on stream %s of target %s (as of the last scrape)',
  404,
);
export const InvalidSeriesQuery = createError('INVALID_SERIES_QUERY', '%s', 400);
export const LiveFull = createError('LIVE_FULL', '%s', 503);
export const MetricsForbidden = createError(
  'METRICS_FORBIDDEN',
  '/metrics is readable from loopback, with the metrics token (Authorization: Bearer …) or a session',
  401,
);
