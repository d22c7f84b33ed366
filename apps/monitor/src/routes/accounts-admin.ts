import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import {
  AccountChangePreview,
  AccountChangeRequest,
  AccountChangeResult,
  AccountParams,
  AccountsTargetParams,
  AccountUserParams,
  BindOperatorRequest,
  ConfigSnippetRequest,
  ConfigSnippetResponse,
  CreateOperatorRequest,
  OperatorIdParams,
  OperatorsResponse,
  TargetAccountsResponse,
  UserChangeRequest,
} from '@tern/contracts';
import type { PrismaClient } from '@tern/db';
import type { FastifyInstance } from 'fastify';
import { configSnippet } from '../accounts/claims.js';
import { AccountsService } from '../accounts/service.js';
import { applyChange, type Change, preview } from '../admin/change.js';
import type { AuditLog } from '../audit/log.js';
import type { SecretBox } from '../crypto.js';
import { type ChangeIdentity, recordFailure } from './admin-change.js';
import { errorResponses } from './schemas.js';
import { actorOf } from './targets.js';

export interface AccountsAdminOptions {
  prisma: PrismaClient;
  audit: AuditLog;
  secretBox: SecretBox;
}

const tags = ['accounts'];
const T = '/api/targets/:targetId/accounts';
const Text = Type.String();

/**
 * Account administration (operator mode: signed JWTs pushed to the servers; file mode: config snippets).
 * Mutations are admin-only and go through preview → apply → audit. Usage is GET /api/accounts.
 */
export const accountsAdminRoutes: FastifyPluginAsyncTypebox<AccountsAdminOptions> = async (app, opts) => {
  const { prisma, audit } = opts;
  const svc = new AccountsService(prisma, opts.secretBox);
  const base = app as unknown as FastifyInstance;

  app.get(
    '/api/operator',
    { schema: { tags, response: { 200: OperatorsResponse, ...errorResponses } } },
    async () => ({ operators: await svc.listOperators() }),
  );
  accountChange(base, audit, '/api/operator/create', {
    params: Type.Object({}),
    body: CreateOperatorRequest,
    identify: (_p, b) => ({
      action: 'operator.create',
      objectType: 'operator',
      objectId: b.name,
      targetId: '',
    }),
    plan: (_p, b) => svc.planCreateOperator(b.name),
  });
  app.get(
    '/api/operator/:operatorId/server-config',
    {
      config: { auth: 'admin' },
      schema: { tags, params: OperatorIdParams, response: { 200: Text, ...errorResponses } },
    },
    async (request, reply) => {
      const text = await svc.serverConfig(request.params.operatorId);
      return reply.type('text/plain; charset=utf-8').send(text);
    },
  );
  app.get(
    '/api/operator/:operatorId/system-creds',
    {
      config: { auth: 'admin' },
      schema: { tags, params: OperatorIdParams, response: { 200: Text, ...errorResponses } },
    },
    async (request, reply) => {
      const { name, creds } = await svc.systemCreds(request.params.operatorId);
      await audit.append({
        ...actorOf(request),
        action: 'operator.system-creds.download',
        objectType: 'user',
        objectId: name,
        targetId: null,
        before: null,
        after: null,
        result: 'ok',
      });
      return credsReply(reply, name, creds);
    },
  );

  app.get(
    T,
    {
      schema: {
        tags,
        params: AccountsTargetParams,
        response: { 200: TargetAccountsResponse, ...errorResponses },
      },
    },
    async (request) => svc.view(request.params.targetId),
  );
  app.post(
    `${T}/snippet`,
    {
      config: { auth: 'viewer' },
      schema: {
        tags,
        params: AccountsTargetParams,
        body: ConfigSnippetRequest,
        response: { 200: ConfigSnippetResponse, ...errorResponses },
      },
    },
    async (request) => ({ snippet: configSnippet(request.body) }),
  );
  accountChange(base, audit, `${T}/operator`, {
    params: AccountsTargetParams,
    body: BindOperatorRequest,
    identify: (p) => ({
      action: 'accounts.bind',
      objectType: 'account-binding',
      objectId: p.targetId,
      targetId: p.targetId,
    }),
    plan: (p, b) => svc.planBind(p.targetId, b.operatorId),
  });

  const account = (action: string) => (p: { targetId: string; account: string }) => ({
    action,
    objectType: 'account',
    objectId: p.account,
    targetId: p.targetId,
  });
  const user = (action: string) => (p: { targetId: string; account: string; user: string }) => ({
    action,
    objectType: 'user',
    objectId: `${p.account}/${p.user}`,
    targetId: p.targetId,
  });
  accountChange(base, audit, `${T}/:account/create`, {
    params: AccountParams,
    body: AccountChangeRequest,
    identify: account('account.create'),
    plan: (p, b) => svc.planAccountCreate(p.targetId, p.account, b.spec),
  });
  accountChange(base, audit, `${T}/:account/update`, {
    params: AccountParams,
    body: AccountChangeRequest,
    identify: account('account.update'),
    plan: (p, b) => svc.planAccountUpdate(p.targetId, p.account, b.spec),
  });
  accountChange(base, audit, `${T}/:account/users/:user/create`, {
    params: AccountUserParams,
    body: UserChangeRequest,
    identify: user('account.user.create'),
    plan: (p, b) => svc.planUserCreate(p.targetId, p.account, p.user, b.spec),
  });
  accountChange(base, audit, `${T}/:account/users/:user/update`, {
    params: AccountUserParams,
    body: UserChangeRequest,
    identify: user('account.user.update'),
    plan: (p, b) => svc.planUserUpdate(p.targetId, p.account, p.user, b.spec),
  });
  accountChange(base, audit, `${T}/:account/users/:user/revoke`, {
    params: AccountUserParams,
    body: Type.Object({ confirm: Type.Optional(Type.String()) }),
    identify: user('account.user.revoke'),
    plan: (p) => svc.planUserRevoke(p.targetId, p.account, p.user),
  });
  app.get(
    `${T}/:account/users/:user/creds`,
    {
      config: { auth: 'admin' },
      schema: { tags, params: AccountUserParams, response: { 200: Text, ...errorResponses } },
    },
    async (request, reply) => {
      const { targetId, account: acc, user: name } = request.params;
      const creds = await svc.userCreds(targetId, acc, name);
      // Who took a copy of a secret is worth knowing later.
      await audit.append({
        ...actorOf(request),
        action: 'account.user.creds.download',
        objectType: 'user',
        objectId: `${acc}/${name}`,
        targetId,
        before: null,
        after: null,
        result: 'ok',
      });
      return credsReply(reply, `${acc}-${name}`, creds);
    },
  );
};

function credsReply(reply: import('fastify').FastifyReply, name: string, creds: string) {
  return reply
    .type('text/plain; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.creds"`)
    .header('cache-control', 'no-store')
    .send(creds);
}

/** `POST <path>/preview` and `<path>/apply` for one account change; admin only, audited like admin changes. */
function accountChange<P extends TSchema, B extends TSchema>(
  app: FastifyInstance,
  audit: AuditLog,
  path: string,
  opts: {
    params: P;
    body: B;
    identify: (params: Static<P>, body: Static<B>) => ChangeIdentity;
    plan: (params: Static<P>, body: Static<B>) => Promise<Change>;
  },
): void {
  const config = { auth: 'admin' as const };
  app.post(
    `${path}/preview`,
    {
      config,
      schema: {
        tags,
        params: opts.params,
        body: opts.body,
        response: { 200: AccountChangePreview, ...errorResponses },
      },
    },
    async (request) => preview(await opts.plan(request.params as Static<P>, request.body as Static<B>)),
  );
  app.post(
    `${path}/apply`,
    {
      config,
      schema: {
        tags,
        params: opts.params,
        body: opts.body,
        response: { 200: AccountChangeResult, ...errorResponses },
      },
    },
    async (request) => {
      const params = request.params as Static<P>;
      const body = request.body as Static<B> & { confirm?: string };
      let change: Change;
      try {
        change = await opts.plan(params, body);
      } catch (err) {
        await recordFailure(request, audit, opts.identify(params, body), body, err);
        throw err;
      }
      return applyChange(audit, actorOf(request), change, body.confirm);
    },
  );
}
