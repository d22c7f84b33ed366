import type { Role } from '@tern/contracts';
import type { FastifyInstance } from 'fastify';
import { type AuthSession, hasRole, type Sessions } from '../auth/sessions.js';
import { safeEqual } from '../crypto.js';
import { CsrfMismatch, Forbidden, Unauthenticated } from '../errors.js';

export const SESSION_COOKIE = 'tern_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's session; set on every route that is not `auth: 'public'`. */
    auth: AuthSession | null;
  }
  interface FastifyContextConfig {
    /** Who may call the route: `public`, or the least role. Default: viewer for reads, admin for mutations. */
    auth?: 'public' | Role;
  }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Adds authentication, CSRF and role checks to every route of the instance it is called on
 * (401 before 403 CSRF before 403 role, all before body validation).
 */
export function addAuthHooks(app: FastifyInstance, sessions: Sessions): void {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    const mutating = MUTATING.has(request.method);
    const required = request.routeOptions.config.auth ?? (mutating ? 'admin' : 'viewer');
    if (required === 'public') return;
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const token = request.cookies[SESSION_COOKIE];
    const session = bearer
      ? await sessions.lookupApiToken(bearer)
      : token
        ? await sessions.lookup(token)
        : null;
    if (!session) throw new Unauthenticated();
    // CSRF rides on cookies; a bearer token is never sent by a browser on its own.
    if (mutating && !session.viaToken) {
      const header = request.headers[CSRF_HEADER];
      if (typeof header !== 'string' || !safeEqual(header, session.csrfToken)) throw new CsrfMismatch();
    }
    if (!hasRole(session.user.role, required)) {
      throw new Forbidden(session.user.role, `${request.method} ${request.routeOptions.url ?? request.url}`);
    }
    request.auth = session;
  });
}
