import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LoginRequest, OkResponse, SessionResponse } from '@tern/contracts';
import type { PrismaClient } from '@tern/db';
import { dummyHash, verifyPassword } from '../auth/password.js';
import { type Sessions, toRole } from '../auth/sessions.js';
import { InvalidCredentials } from '../errors.js';
import { SESSION_COOKIE } from '../plugins/auth.js';
import { errorResponses } from './schemas.js';

export interface AuthRoutesOptions {
  prisma: PrismaClient;
  sessions: Sessions;
  loginRateLimit: { max: number; timeWindowMs: number };
}

/** Login (rate-limited per client IP), logout and the current session. */
export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, opts) => {
  const { prisma, sessions } = opts;

  app.post(
    '/api/auth/login',
    {
      config: {
        auth: 'public',
        rateLimit: { max: opts.loginRateLimit.max, timeWindow: opts.loginRateLimit.timeWindowMs },
      },
      schema: { tags: ['auth'], body: LoginRequest, response: { 200: SessionResponse, ...errorResponses } },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const user = await prisma.user.findUnique({ where: { username } });
      const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
      if (!user || !ok) throw new InvalidCredentials();
      const session = await sessions.create(user.id);
      reply.setCookie(SESSION_COOKIE, session.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        expires: session.expiresAt,
      });
      return {
        user: { id: user.id, username: user.username, role: toRole(user.role) },
        csrfToken: session.csrfToken,
      };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { auth: 'viewer' },
      schema: { tags: ['auth'], response: { 200: OkResponse, ...errorResponses } },
    },
    async (request, reply) => {
      if (request.auth) await sessions.destroy(request.auth.id);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true as const };
    },
  );

  app.get(
    '/api/auth/me',
    { schema: { tags: ['auth'], response: { 200: SessionResponse, ...errorResponses } } },
    async (request) => {
      const auth = request.auth!;
      return { user: auth.user, csrfToken: auth.csrfToken };
    },
  );
};
