import createError from '@fastify/error';
import type { ApiError } from '@tern/contracts';
import type { FastifyError, FastifyInstance } from 'fastify';

// Every error the API returns has a stable code; the status comes with the code.
export const Unauthenticated = createError('UNAUTHENTICATED', 'You must log in first', 401);
export const InvalidCredentials = createError('INVALID_CREDENTIALS', 'Wrong username or password', 401);
export const CsrfMismatch = createError(
  'CSRF_MISMATCH',
  'Missing or wrong x-csrf-token header for this session',
  403,
);
export const Forbidden = createError('FORBIDDEN', 'Your role (%s) may not %s', 403);
export const NotFound = createError('NOT_FOUND', 'No route %s %s', 404);
export const TargetNotFound = createError('TARGET_NOT_FOUND', 'No target with id %s', 404);
export const TargetNameTaken = createError('TARGET_NAME_TAKEN', 'A target named "%s" already exists', 409);
export const InvalidTargetUrl = createError('INVALID_TARGET_URL', '%s', 400);
export const TargetUnreachable = createError('TARGET_UNREACHABLE', '%s', 422);
export const RateLimited = createError('RATE_LIMITED', 'Too many requests, retry in %s', 429);

/** Maps every thrown error to the `ApiError` body; unexpected errors become a logged 500 without details. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    let body: ApiError;
    if (err.validation) {
      body = {
        error: {
          code: 'VALIDATION_FAILED',
          message: `Invalid request: ${err.message}`,
          statusCode: 400,
          details: err.validation,
        },
      };
    } else if (err.statusCode && err.statusCode < 500 && err.code) {
      const details = (err as { details?: unknown }).details;
      body = {
        error: {
          code: err.code,
          message: err.message,
          statusCode: err.statusCode,
          ...(details === undefined ? {} : { details }),
        },
      };
    } else {
      request.log.error({ err }, 'unhandled error');
      body = { error: { code: 'INTERNAL', message: 'Internal server error', statusCode: 500 } };
    }
    return reply.status(body.error.statusCode).send(body);
  });
  app.setNotFoundHandler((request) => {
    throw new NotFound(request.method, request.url.split('?')[0]);
  });
}
