import createError from '@fastify/error';
import { createAccount, createOperator, createUser, fromSeed, type KeyPair } from '@nats-io/nkeys';
import { natsJwt } from '@tern/broker';
import type {
  AccountSpec,
  ConfiguredAccount,
  ManagedAccount,
  OperatorDto,
  TargetAccountsResponse,
  UserSpec,
} from '@tern/contracts';
import type { Prisma, PrismaClient } from '@tern/db';
import { AlreadyExists, BadChange, type Change, NotFoundObject } from '../admin/change.js';
import type { SecretBox } from '../crypto.js';
import { TargetNotFound } from '../errors.js';
import { fetchMonitorJson } from '../scrape/fetch.js';
import {
  accountNats,
  accountProblems,
  effectiveLimits,
  normaliseSpec,
  operatorServerConfig,
  userNats,
} from './claims.js';
import { pushAccountJwt } from './push.js';

export const OperatorNotFound = createError('OPERATOR_NOT_FOUND', 'No operator with id %s', 404);
export const AccountsNotManaged = createError(
  'ACCOUNTS_NOT_MANAGED',
  'Target %s is not in operator mode under an operator the monitor holds: bind one first, or use the config snippet',
  409,
);
export const SystemAccountReadOnly = createError(
  'SYSTEM_ACCOUNT_READ_ONLY',
  'The system account is managed by the monitor and cannot be changed here',
  400,
);

/** The system account's name and its user's, as `nsc add operator --sys` names them. */
export const SYS_ACCOUNT = 'SYS';
export const SYS_USER = 'sys';

const enc = new TextEncoder();
const dec = new TextDecoder();
const seedOf = (kp: KeyPair): string => dec.decode(kp.getSeed());

type NatsOperator = Prisma.NatsOperatorGetPayload<object>;
type AccountRow = Prisma.NatsAccountGetPayload<{ include: { users: true } }>;

/**
 * Account administration for servers in operator mode: the monitor holds operator, account and user
 * seeds (encrypted with the secret key), signs JWTs with them and pushes account JWTs to the target.
 * Every mutation is planned as a {@link Change} so it goes through preview → apply → audit.
 */
export class AccountsService {
  readonly #prisma: PrismaClient;
  readonly #box: SecretBox;
  readonly #timeoutMs: number;

  constructor(prisma: PrismaClient, box: SecretBox, timeoutMs = 3000) {
    this.#prisma = prisma;
    this.#box = box;
    this.#timeoutMs = timeoutMs;
  }

  #kp(sealed: string): KeyPair {
    return fromSeed(enc.encode(this.#box.decrypt(sealed)));
  }

  async listOperators(): Promise<OperatorDto[]> {
    const rows = await this.#prisma.natsOperator.findMany({
      orderBy: { name: 'asc' },
      include: { accounts: { where: { system: true }, select: { publicKey: true } } },
    });
    return rows.map((r) => toOperatorDto(r, r.accounts[0]?.publicKey ?? ''));
  }

  async #operator(id: string): Promise<NatsOperator & { accounts: AccountRow[] }> {
    const op = await this.#prisma.natsOperator.findUnique({
      where: { id },
      include: { accounts: { include: { users: true } } },
    });
    if (!op) throw new OperatorNotFound(id);
    return op;
  }

  /** Creates an operator with its system account and system user (`SYS`/`sys`). */
  async planCreateOperator(name: string): Promise<Change> {
    if (await this.#prisma.natsOperator.findUnique({ where: { name }, select: { id: true } })) {
      throw new AlreadyExists('Operator', name);
    }
    return {
      action: 'operator.create',
      objectType: 'operator',
      objectId: name,
      targetId: '',
      before: null,
      after: { name, systemAccount: SYS_ACCOUNT, systemUser: SYS_USER, keys: 'generated on apply' },
      destructive: false,
      warnings: [
        'Start the servers with the configuration from "Server config" and add them as targets with the system user credentials.',
      ],
      run: async () => {
        const okp = createOperator();
        const akp = createAccount();
        const ukp = createUser();
        const sysPub = akp.getPublicKey();
        const opJwt = natsJwt.encodeOperator(okp, { system_account: sysPub }, { name });
        const sysSpec: AccountSpec = { limits: { memStorage: 0, diskStorage: 0, streams: 0, consumers: 0 } };
        const sysJwt = natsJwt.encodeAccount(
          okp,
          sysPub,
          accountNats(sysSpec, () => undefined),
          { name: SYS_ACCOUNT },
        );
        const userJwt = natsJwt.encodeUser(akp, ukp.getPublicKey(), {}, { name: SYS_USER });
        const op = await this.#prisma.natsOperator.create({
          data: {
            name,
            publicKey: okp.getPublicKey(),
            seed: this.#box.encrypt(seedOf(okp)),
            jwt: opJwt,
            targetIds: [],
            accounts: {
              create: {
                name: SYS_ACCOUNT,
                publicKey: sysPub,
                seed: this.#box.encrypt(seedOf(akp)),
                jwt: sysJwt,
                spec: normaliseSpec(sysSpec),
                system: true,
                users: {
                  create: {
                    name: SYS_USER,
                    publicKey: ukp.getPublicKey(),
                    seed: this.#box.encrypt(seedOf(ukp)),
                    jwt: userJwt,
                    spec: {},
                  },
                },
              },
            },
          },
        });
        return { id: op.id, name, publicKey: op.publicKey, systemAccount: sysPub };
      },
    };
  }

  /** nats-server configuration trusting the operator (full resolver, system account preloaded). */
  async serverConfig(operatorId: string): Promise<string> {
    const op = await this.#operator(operatorId);
    const sys = op.accounts.find((a) => a.system);
    if (!sys) throw new NotFoundObject('System account of operator', op.name);
    return operatorServerConfig({
      name: op.name,
      jwt: op.jwt,
      systemAccount: sys.publicKey,
      systemJwt: sys.jwt,
    });
  }

  /** The operator's system user `.creds` (what a target's credentials must be to push account JWTs). */
  async systemCreds(operatorId: string): Promise<{ name: string; creds: string }> {
    const op = await this.#operator(operatorId);
    const user = op.accounts.find((a) => a.system)?.users.find((u) => u.name === SYS_USER);
    if (!user) throw new NotFoundObject('System user of operator', op.name);
    return {
      name: `${op.name}-${SYS_USER}`,
      creds: natsJwt.formatCreds(user.jwt, this.#box.decrypt(user.seed)),
    };
  }

  /** Manages the target's accounts with the operator's keys (the target must trust that operator). */
  async planBind(targetId: string, operatorId: string): Promise<Change> {
    const target = await this.#prisma.target.findUnique({ where: { id: targetId }, select: { name: true } });
    if (!target) throw new TargetNotFound(targetId);
    const op = await this.#operator(operatorId);
    const current = await this.#prisma.natsOperator.findFirst({ where: { targetIds: { has: targetId } } });
    return {
      action: 'accounts.bind',
      objectType: 'account-binding',
      objectId: target.name,
      targetId,
      before: current ? { operator: current.name, operatorKey: current.publicKey } : null,
      after: { operator: op.name, operatorKey: op.publicKey },
      destructive: false,
      warnings:
        current && current.id !== op.id
          ? [`The target is no longer managed with operator ${current.name}.`]
          : [],
      run: async () => {
        await this.#prisma.$transaction(async (tx) => {
          if (current && current.id !== op.id) {
            await tx.natsOperator.update({
              where: { id: current.id },
              data: { targetIds: current.targetIds.filter((t) => t !== targetId) },
            });
          }
          if (!op.targetIds.includes(targetId)) {
            await tx.natsOperator.update({
              where: { id: op.id },
              data: { targetIds: [...op.targetIds, targetId] },
            });
          }
        });
        return { operator: op.name, operatorKey: op.publicKey };
      },
    };
  }

  async #managed(targetId: string): Promise<(NatsOperator & { accounts: AccountRow[] }) | null> {
    const op = await this.#prisma.natsOperator.findFirst({ where: { targetIds: { has: targetId } } });
    return op ? this.#operator(op.id) : null;
  }

  async #requireManaged(targetId: string): Promise<NatsOperator & { accounts: AccountRow[] }> {
    const op = await this.#managed(targetId);
    if (op) return op;
    const target = await this.#prisma.target.findUnique({ where: { id: targetId }, select: { name: true } });
    if (!target) throw new TargetNotFound(targetId);
    throw new AccountsNotManaged(target.name);
  }

  /** Everything the Accounts page shows for one target, except usage (GET /api/accounts). */
  async view(targetId: string): Promise<TargetAccountsResponse> {
    const target = await this.#prisma.target.findUnique({ where: { id: targetId } });
    if (!target) throw new TargetNotFound(targetId);
    const op = await this.#managed(targetId);
    let configured: ConfiguredAccount[] = [];
    let configuredError: string | null = null;
    try {
      configured = await this.#accountz(target.monitorUrls);
    } catch (err) {
      configuredError = (err as Error).message;
    }
    const accounts = op ? op.accounts.map(toManagedAccount).sort(bySystemThenName) : [];
    const sys = op?.accounts.find((a) => a.system);
    return {
      targetId,
      mode: op ? 'operator' : 'config',
      operator: op ? toOperatorDto(op, sys?.publicKey ?? '') : null,
      accounts,
      configured,
      configuredError,
    };
  }

  async #accountz(monitorUrls: string[]): Promise<ConfiguredAccount[]> {
    const base = monitorUrls[0];
    if (!base) throw new Error('the target has no monitoring URL');
    const list = (await fetchMonitorJson(base, '/accountz', this.#timeoutMs)) as {
      accounts?: string[];
      system_account?: string;
    };
    const names = (list.accounts ?? []).slice(0, 100);
    return Promise.all(
      names.map(async (name): Promise<ConfiguredAccount> => {
        const body = (await fetchMonitorJson(
          base,
          `/accountz?acc=${encodeURIComponent(name)}`,
          this.#timeoutMs,
        )) as {
          account_detail?: {
            is_system?: boolean;
            jetstream_enabled?: boolean;
            name_tag?: string;
            exports?: Array<{ subject: string; type: string }>;
            imports?: Array<{
              subject: string;
              account: string;
              type: string;
              local_subject?: string;
              to?: string;
            }>;
          };
        };
        const d = body.account_detail ?? {};
        const system = name === list.system_account || d.is_system === true;
        return {
          name,
          system,
          jetstream: d.jetstream_enabled === true,
          exports: (d.exports ?? []).map((e) => ({ subject: e.subject, type: e.type })),
          // The system imports every account gets ($SYS.REQ.ACCOUNT.PING.*) are noise here.
          imports: (d.imports ?? [])
            .filter((i) => i.account !== list.system_account || system)
            .map((i) => {
              // /accountz reports a service import by its local subject, the exporter's in `to`.
              const service = i.type === 'service';
              const theirs = service ? (i.to ?? i.subject) : i.subject;
              const local = service ? i.subject : (i.local_subject ?? i.to ?? i.subject);
              return { subject: theirs, account: i.account, type: i.type, localSubject: local };
            }),
        };
      }),
    );
  }

  #keyOf(op: NatsOperator & { accounts: AccountRow[] }): (nameOrKey: string) => string | undefined {
    return (v) => {
      const byName = op.accounts.find((a) => a.name === v);
      if (byName) return byName.publicKey;
      return natsJwt.keyKind(v) === 'account' ? v : undefined;
    };
  }

  // Claim updates must come from the system account: the monitor holds its user, so it signs in as that.
  #sysCreds(op: { accounts: AccountRow[] }): string | undefined {
    const user = op.accounts.find((a) => a.system)?.users.find((u) => u.name === SYS_USER);
    return user ? natsJwt.formatCreds(user.jwt, this.#box.decrypt(user.seed)) : undefined;
  }

  #revocations(acc: AccountRow): Record<string, number> {
    const out: Record<string, number> = {};
    for (const u of acc.users) if (u.revokedAt) out[u.publicKey] = Math.floor(u.revokedAt.getTime() / 1000);
    return out;
  }

  /** Creates an account: keys, JWT signed by the operator, pushed to the target. */
  async planAccountCreate(targetId: string, name: string, spec: AccountSpec): Promise<Change> {
    const op = await this.#requireManaged(targetId);
    if (op.accounts.some((a) => a.name === name)) throw new AlreadyExists('Account', name);
    const keyOf = this.#keyOf(op);
    const problems = accountProblems(spec, keyOf);
    if (problems.length) throw new BadChange(problems.join('; '));
    const normal = normaliseSpec(spec);
    return {
      action: 'account.create',
      objectType: 'account',
      objectId: name,
      targetId,
      before: null,
      after: { name, operator: op.name, ...normal },
      destructive: false,
      warnings: [],
      run: async () => {
        const akp = createAccount();
        const jwt = natsJwt.encodeAccount(this.#kp(op.seed), akp.getPublicKey(), accountNats(spec, keyOf), {
          name,
        });
        const message = await pushAccountJwt(this.#prisma, this.#box, targetId, jwt, this.#sysCreds(op));
        await this.#prisma.natsAccount.create({
          data: {
            operatorId: op.id,
            name,
            publicKey: akp.getPublicKey(),
            seed: this.#box.encrypt(seedOf(akp)),
            jwt,
            spec: normal,
          },
        });
        return { name, operator: op.name, publicKey: akp.getPublicKey(), ...normal, server: message };
      },
    };
  }

  /** Replaces an account's limits, exports, imports and default permissions; re-signs and pushes. */
  async planAccountUpdate(targetId: string, name: string, spec: AccountSpec): Promise<Change> {
    const op = await this.#requireManaged(targetId);
    const acc = op.accounts.find((a) => a.name === name);
    if (!acc) throw new NotFoundObject('Account', name);
    if (acc.system) throw new SystemAccountReadOnly();
    const keyOf = this.#keyOf(op);
    const problems = accountProblems(spec, keyOf);
    if (problems.length) throw new BadChange(problems.join('; '));
    const normal = normaliseSpec(spec);
    const before = { name, publicKey: acc.publicKey, ...(acc.spec as AccountSpec) };
    const removedExports = ((acc.spec as AccountSpec).exports ?? []).filter(
      (e) => !normal.exports?.some((n) => n.subject === e.subject && n.type === e.type),
    );
    const importers = op.accounts.filter((a) =>
      ((a.spec as AccountSpec).imports ?? []).some(
        (i) =>
          (i.account === name || i.account === acc.publicKey) &&
          removedExports.some((e) => e.subject === i.subject),
      ),
    );
    return {
      action: 'account.update',
      objectType: 'account',
      objectId: name,
      targetId,
      before,
      after: { name, publicKey: acc.publicKey, ...normal },
      destructive: false,
      warnings: importers.map((a) => `Account ${a.name} imports a subject this change stops exporting.`),
      run: async () => {
        const jwt = natsJwt.encodeAccount(
          this.#kp(op.seed),
          acc.publicKey,
          accountNats(spec, keyOf, this.#revocations(acc)),
          { name },
        );
        const message = await pushAccountJwt(this.#prisma, this.#box, targetId, jwt, this.#sysCreds(op));
        await this.#prisma.natsAccount.update({ where: { id: acc.id }, data: { jwt, spec: normal } });
        return { name, publicKey: acc.publicKey, ...normal, server: message };
      },
    };
  }

  /** Creates a user signed by the account's key. Nothing is pushed: the account trusts what it signs. */
  async planUserCreate(targetId: string, account: string, user: string, spec: UserSpec): Promise<Change> {
    const op = await this.#requireManaged(targetId);
    const acc = op.accounts.find((a) => a.name === account);
    if (!acc) throw new NotFoundObject('Account', account);
    if (acc.system) throw new SystemAccountReadOnly();
    if (acc.users.some((u) => u.name === user)) throw new AlreadyExists('User', `${account}/${user}`);
    const after = { account, user, ...spec };
    return {
      action: 'account.user.create',
      objectType: 'user',
      objectId: `${account}/${user}`,
      targetId,
      before: null,
      after,
      destructive: false,
      warnings: spec.bearer
        ? ['A bearer JWT authenticates without its seed: treat the .creds as a password.']
        : [],
      run: async () => {
        const ukp = createUser();
        const jwt = natsJwt.encodeUser(this.#kp(acc.seed), ukp.getPublicKey(), userNats(spec), {
          name: user,
        });
        await this.#prisma.natsUser.create({
          data: {
            accountId: acc.id,
            name: user,
            publicKey: ukp.getPublicKey(),
            seed: this.#box.encrypt(seedOf(ukp)),
            jwt,
            spec,
          },
        });
        return { ...after, publicKey: ukp.getPublicKey() };
      },
    };
  }

  /**
   * Re-signs a user's JWT with new permissions. The JWT it had stays valid until it expires or the user
   * is revoked (as with `nsc edit user`): the new `.creds` carry the new permissions.
   */
  async planUserUpdate(targetId: string, account: string, user: string, spec: UserSpec): Promise<Change> {
    const op = await this.#requireManaged(targetId);
    const acc = op.accounts.find((a) => a.name === account);
    if (!acc) throw new NotFoundObject('Account', account);
    if (acc.system) throw new SystemAccountReadOnly();
    const u = acc.users.find((x) => x.name === user);
    if (!u) throw new NotFoundObject('User', `${account}/${user}`);
    if (u.revokedAt) throw new BadChange(`User ${account}/${user} is revoked`);
    return {
      action: 'account.user.update',
      objectType: 'user',
      objectId: `${account}/${user}`,
      targetId,
      before: { account, user, ...(u.spec as UserSpec) },
      after: { account, user, ...spec },
      destructive: false,
      warnings: [
        'Credentials downloaded before keep their old permissions: hand out the new .creds, and revoke the user to lock the old ones out.',
      ],
      run: async () => {
        const jwt = natsJwt.encodeUser(this.#kp(acc.seed), u.publicKey, userNats(spec), { name: user });
        await this.#prisma.natsUser.update({ where: { id: u.id }, data: { jwt, spec } });
        return { account, user, ...spec, publicKey: u.publicKey };
      },
    };
  }

  /** Revokes a user: the account JWT gets a revocation for the user's key and is pushed again. */
  async planUserRevoke(targetId: string, account: string, user: string): Promise<Change> {
    const op = await this.#requireManaged(targetId);
    const acc = op.accounts.find((a) => a.name === account);
    if (!acc) throw new NotFoundObject('Account', account);
    if (acc.system) throw new SystemAccountReadOnly();
    const u = acc.users.find((x) => x.name === user);
    if (!u) throw new NotFoundObject('User', `${account}/${user}`);
    if (u.revokedAt) throw new BadChange(`User ${account}/${user} is already revoked`);
    const keyOf = this.#keyOf(op);
    return {
      action: 'account.user.revoke',
      objectType: 'user',
      objectId: `${account}/${user}`,
      targetId,
      before: { account, user, publicKey: u.publicKey, revoked: false },
      after: { account, user, publicKey: u.publicKey, revoked: true },
      destructive: true,
      confirmText: user,
      warnings: ['Connections of this user are closed and its credentials stop working for good.'],
      run: async () => {
        const now = new Date(Math.floor(Date.now() / 1000) * 1000);
        const revocations = { ...this.#revocations(acc), [u.publicKey]: now.getTime() / 1000 };
        const jwt = natsJwt.encodeAccount(
          this.#kp(op.seed),
          acc.publicKey,
          accountNats(acc.spec as AccountSpec, keyOf, revocations),
          { name: account },
        );
        await pushAccountJwt(this.#prisma, this.#box, targetId, jwt, this.#sysCreds(op));
        await this.#prisma.$transaction([
          this.#prisma.natsAccount.update({ where: { id: acc.id }, data: { jwt } }),
          this.#prisma.natsUser.update({ where: { id: u.id }, data: { revokedAt: now } }),
        ]);
        return { account, user, publicKey: u.publicKey, revoked: true };
      },
    };
  }

  /** A user's `.creds` file (JWT plus seed). */
  async userCreds(targetId: string, account: string, user: string): Promise<string> {
    const op = await this.#requireManaged(targetId);
    const u = op.accounts.find((a) => a.name === account)?.users.find((x) => x.name === user);
    if (!u) throw new NotFoundObject('User', `${account}/${user}`);
    if (u.revokedAt) throw new BadChange(`User ${account}/${user} is revoked`);
    return natsJwt.formatCreds(u.jwt, this.#box.decrypt(u.seed));
  }
}

const bySystemThenName = (a: ManagedAccount, b: ManagedAccount): number =>
  Number(a.system) - Number(b.system) || a.name.localeCompare(b.name);

function toOperatorDto(op: NatsOperator, systemAccount: string): OperatorDto {
  return {
    id: op.id,
    name: op.name,
    publicKey: op.publicKey,
    systemAccount,
    targetIds: op.targetIds,
    createdAt: op.createdAt.toISOString(),
  };
}

function toManagedAccount(a: AccountRow): ManagedAccount {
  const spec = a.spec as AccountSpec;
  return {
    name: a.name,
    publicKey: a.publicKey,
    system: a.system,
    spec,
    limits: effectiveLimits(spec),
    users: a.users
      .slice()
      .sort((x, y) => x.name.localeCompare(y.name))
      .map((u) => ({
        name: u.name,
        publicKey: u.publicKey,
        spec: u.spec as UserSpec,
        revoked: u.revokedAt !== null,
        createdAt: u.createdAt.toISOString(),
        revokedAt: u.revokedAt?.toISOString() ?? null,
      })),
    updatedAt: a.updatedAt.toISOString(),
  };
}
