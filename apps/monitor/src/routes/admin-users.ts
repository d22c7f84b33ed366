import { randomBytes } from 'node:crypto';
import createError from '@fastify/error';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ApiTokensResponse,
  CreateApiTokenRequest,
  CreateApiTokenResponse,
  CreateUserRequest,
  IdParams,
  OkResponse,
  ResetPasswordRequest,
  type Role,
  UpdateUserRequest,
  UsersResponse,
  UserWithPasswordResponse,
} from '@tern/contracts';
import type { PrismaClient, User } from '@tern/db';
import type { AuditLog } from '../audit/log.js';
import { hashPassword } from '../auth/password.js';
import { hasRole, type Sessions, toRole } from '../auth/sessions.js';
import { sha256Hex } from '../crypto.js';
import { errorResponses } from './schemas.js';
import { actorOf } from './targets.js';

const UserNotFound = createError('USER_NOT_FOUND', 'No user with id %s', 404);
const UsernameTaken = createError('USERNAME_TAKEN', 'A user named "%s" already exists', 409);
const LastAdmin = createError('LAST_ADMIN', 'This is the last admin: make another admin first', 409);
const NotYourself = createError('NOT_YOURSELF', 'You cannot %s yourself', 409);
const TokenNotFound = createError('TOKEN_NOT_FOUND', 'No API token with id %s', 404);
const RoleTooHigh = createError('ROLE_TOO_HIGH', 'A token cannot have a higher role (%s) than you (%s)', 403);

export interface AdminUsersOptions {
  prisma: PrismaClient;
  audit: AuditLog;
  sessions: Sessions;
}

type ApiToken = Awaited<ReturnType<PrismaClient['apiToken']['findUniqueOrThrow']>>;

const toUserDto = (u: User) => ({
  id: u.id,
  username: u.username,
  role: toRole(u.role),
  createdAt: u.createdAt.toISOString(),
});

const toTokenDto = (t: ApiToken & { user: User }) => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  role: toRole(t.role),
  userId: t.userId,
  username: t.user.username,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt?.toISOString() ?? null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
});

const newPassword = () => randomBytes(18).toString('base64url');

/** User management (admin only) and API tokens (each user their own; admins see all). All changes audited. */
export const adminUsersRoutes: FastifyPluginAsyncTypebox<AdminUsersOptions> = async (app, opts) => {
  const { prisma, audit, sessions } = opts;
  const tags = ['users'];

  app.get(
    '/api/users',
    { config: { auth: 'admin' }, schema: { tags, response: { 200: UsersResponse, ...errorResponses } } },
    async () => ({ users: (await prisma.user.findMany({ orderBy: { username: 'asc' } })).map(toUserDto) }),
  );

  app.post(
    '/api/users',
    {
      config: { auth: 'admin' },
      schema: {
        tags,
        body: CreateUserRequest,
        response: { 201: UserWithPasswordResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { username, role } = request.body;
      const generated = request.body.password ? null : newPassword();
      const passwordHash = await hashPassword(request.body.password ?? (generated as string));
      const user = await audit.write(async (tx) => {
        if (await tx.user.findUnique({ where: { username } })) throw new UsernameTaken(username);
        const row = await tx.user.create({ data: { username, role, passwordHash } });
        return { value: row, entry: userEntry(request, 'user.create', row.id, null, toUserDto(row)) };
      });
      return reply.status(201).send({ user: toUserDto(user), password: generated });
    },
  );

  app.patch(
    '/api/users/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags,
        params: IdParams,
        body: UpdateUserRequest,
        response: { 200: UserWithPasswordResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params;
      const user = await audit.write(async (tx) => {
        const before = await tx.user.findUnique({ where: { id } });
        if (!before) throw new UserNotFound(id);
        if (before.role === 'admin' && request.body.role !== 'admin') {
          if ((await tx.user.count({ where: { role: 'admin' } })) <= 1) throw new LastAdmin();
        }
        const row = await tx.user.update({ where: { id }, data: { role: request.body.role } });
        return {
          value: row,
          entry: userEntry(request, 'user.update', id, toUserDto(before), toUserDto(row)),
        };
      });
      // A lowered role must not linger in open sessions.
      await sessions.destroyForUser(id);
      return { user: toUserDto(user), password: null };
    },
  );

  app.post(
    '/api/users/:id/password',
    {
      config: { auth: 'admin' },
      schema: {
        tags,
        params: IdParams,
        body: ResetPasswordRequest,
        response: { 200: UserWithPasswordResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params;
      const generated = request.body.password ? null : newPassword();
      const passwordHash = await hashPassword(request.body.password ?? (generated as string));
      const user = await audit.write(async (tx) => {
        const before = await tx.user.findUnique({ where: { id } });
        if (!before) throw new UserNotFound(id);
        const row = await tx.user.update({ where: { id }, data: { passwordHash } });
        // The password itself is never recorded.
        return {
          value: row,
          entry: userEntry(request, 'user.password-reset', id, toUserDto(before), toUserDto(row)),
        };
      });
      await sessions.destroyForUser(id);
      return { user: toUserDto(user), password: generated };
    },
  );

  app.delete(
    '/api/users/:id',
    {
      config: { auth: 'admin' },
      schema: { tags, params: IdParams, response: { 200: OkResponse, ...errorResponses } },
    },
    async (request) => {
      const { id } = request.params;
      if (request.auth?.user.id === id) throw new NotYourself('delete');
      await audit.write(async (tx) => {
        const before = await tx.user.findUnique({ where: { id } });
        if (!before) throw new UserNotFound(id);
        if (before.role === 'admin' && (await tx.user.count({ where: { role: 'admin' } })) <= 1) {
          throw new LastAdmin();
        }
        await tx.user.delete({ where: { id } });
        return { value: undefined, entry: userEntry(request, 'user.delete', id, toUserDto(before), null) };
      });
      return { ok: true as const };
    },
  );

  // ---------------------------------------------------------------- API tokens

  app.get(
    '/api/tokens',
    {
      config: { auth: 'viewer' },
      schema: { tags: ['tokens'], response: { 200: ApiTokensResponse, ...errorResponses } },
    },
    async (request) => {
      const me = request.auth!.user;
      const rows = await prisma.apiToken.findMany({
        where: me.role === 'admin' ? {} : { userId: me.id },
        include: { user: true },
        orderBy: { createdAt: 'desc' },
      });
      return { tokens: rows.map(toTokenDto) };
    },
  );

  app.post(
    '/api/tokens',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['tokens'],
        body: CreateApiTokenRequest,
        response: { 201: CreateApiTokenResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const me = request.auth!.user;
      const role: Role = request.body.role ?? me.role;
      if (!hasRole(me.role, role)) throw new RoleTooHigh(role, me.role);
      const secret = `tern_${randomBytes(30).toString('base64url')}`;
      const expiresAt = request.body.expiresInDays
        ? new Date(Date.now() + request.body.expiresInDays * 86_400_000)
        : null;
      const row = await audit.write(async (tx) => {
        const created = await tx.apiToken.create({
          data: {
            name: request.body.name,
            tokenHash: sha256Hex(secret),
            prefix: secret.slice(0, 9),
            role,
            userId: me.id,
            expiresAt,
          },
          include: { user: true },
        });
        return {
          value: created,
          entry: {
            ...actorOf(request),
            action: 'token.create',
            objectType: 'token',
            objectId: created.id,
            before: null,
            after: toTokenDto(created),
            result: 'ok' as const,
          },
        };
      });
      return reply.status(201).send({ token: toTokenDto(row), secret });
    },
  );

  app.delete(
    '/api/tokens/:id',
    {
      config: { auth: 'viewer' },
      schema: { tags: ['tokens'], params: IdParams, response: { 200: OkResponse, ...errorResponses } },
    },
    async (request) => {
      const me = request.auth!.user;
      const { id } = request.params;
      await audit.write(async (tx) => {
        const row = await tx.apiToken.findUnique({ where: { id }, include: { user: true } });
        if (!row || (me.role !== 'admin' && row.userId !== me.id)) throw new TokenNotFound(id);
        await tx.apiToken.delete({ where: { id } });
        return {
          value: undefined,
          entry: {
            ...actorOf(request),
            action: 'token.delete',
            objectType: 'token',
            objectId: id,
            before: toTokenDto(row),
            after: null,
            result: 'ok' as const,
          },
        };
      });
      return { ok: true as const };
    },
  );
};

function userEntry(
  request: Parameters<typeof actorOf>[0],
  action: string,
  id: string,
  before: unknown,
  after: unknown,
) {
  return {
    ...actorOf(request),
    action,
    objectType: 'user',
    objectId: id,
    before,
    after,
    result: 'ok' as const,
  };
}
