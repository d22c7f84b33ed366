// Accounts: NATS multi-tenancy. For servers in operator mode the monitor holds an operator's keys
// (encrypted), signs account and user JWTs and pushes account JWTs to the servers over
// `$SYS.REQ.CLAIMS.UPDATE`; for servers configured by file it shows a read-only view plus a config snippet.
//
// Every change has `POST <path>/preview` and `POST <path>/apply` with the same body, as in admin.ts;
// previews and results have the `AccountChangePreview` / `AccountChangeResult` shapes (objectType
// `operator`, `account`, `user` or `account-binding`).
//
// Routes (T = /api/targets/:targetId/accounts; roles: V viewer, A admin)
//   GET  /api/operator                                      V OperatorsResponse
//   POST /api/operator/create/{preview,apply}               A CreateOperatorRequest
//   GET  /api/operator/:operatorId/server-config            A text: nats-server config for the operator
//   GET  /api/operator/:operatorId/system-creds             A text: `.creds` of the system user (audited)
//   GET  T                                                  V TargetAccountsResponse
//   POST T/operator/{preview,apply}                         A BindOperatorRequest (manage target's accounts)
//   POST T/snippet                                          V ConfigSnippetRequest → ConfigSnippetResponse
//   POST T/:account/{create,update}/{preview,apply}         A AccountChangeRequest
//   POST T/:account/users/:user/{create,update}/...         A UserChangeRequest (update re-signs the JWT)
//   POST T/:account/users/:user/revoke/...                  A { confirm }
//   GET  T/:account/users/:user/creds                       A text: the user's `.creds` (audited)
// Usage (connections, subscriptions, JetStream) comes from GET /api/accounts.
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { DiffEntry } from './admin.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** Account and user names: what nsc accepts and is safe in a subject token and a file name. */
export const NATS_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]*$';
const Name = Type.String({ minLength: 1, maxLength: 64, pattern: NATS_NAME_PATTERN });
const Subject = Type.String({ minLength: 1, maxLength: 512, pattern: '^[^\\s]+$' });
/** -1 is unlimited. */
const Limit = Type.Integer({ minimum: -1 });

export const OperatorDto = Type.Object({
  id: Type.String(),
  name: Type.String(),
  publicKey: Type.String(),
  /** Public key of the system account (`SYS`) the monitor created with the operator. */
  systemAccount: Type.String(),
  /** Targets whose accounts are managed with this operator's keys. */
  targetIds: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
});
export type OperatorDto = Static<typeof OperatorDto>;

export const OperatorsResponse = Type.Object({ operators: Type.Array(OperatorDto) });
export type OperatorsResponse = Static<typeof OperatorsResponse>;

export const CreateOperatorRequest = Type.Object({ name: Name });
export type CreateOperatorRequest = Static<typeof CreateOperatorRequest>;

export const OperatorIdParams = Type.Object({ operatorId: Type.String({ minLength: 1 }) });
export type OperatorIdParams = Static<typeof OperatorIdParams>;

export const AccountsTargetParams = Type.Object({ targetId: Type.String({ minLength: 1 }) });
export type AccountsTargetParams = Static<typeof AccountsTargetParams>;
export const AccountParams = Type.Object({ targetId: Type.String({ minLength: 1 }), account: Name });
export type AccountParams = Static<typeof AccountParams>;
export const AccountUserParams = Type.Object({
  targetId: Type.String({ minLength: 1 }),
  account: Name,
  user: Name,
});
export type AccountUserParams = Static<typeof AccountUserParams>;

export const BindOperatorRequest = Type.Object({ operatorId: Type.String({ minLength: 1 }) });
export type BindOperatorRequest = Static<typeof BindOperatorRequest>;

/** Account limits; -1 is unlimited. JetStream is enabled when any JetStream limit is not 0. */
export const AccountLimits = Type.Object({
  connections: Type.Optional(Limit),
  leafnodes: Type.Optional(Limit),
  subscriptions: Type.Optional(Limit),
  /** Bytes per message. */
  payload: Type.Optional(Limit),
  imports: Type.Optional(Limit),
  exports: Type.Optional(Limit),
  /** JetStream memory storage, bytes. */
  memStorage: Type.Optional(Limit),
  /** JetStream file storage, bytes. */
  diskStorage: Type.Optional(Limit),
  streams: Type.Optional(Limit),
  consumers: Type.Optional(Limit),
});
export type AccountLimits = Static<typeof AccountLimits>;

export const SubjectPermission = Type.Object({
  allow: Type.Optional(Type.Array(Subject, { maxItems: 100 })),
  deny: Type.Optional(Type.Array(Subject, { maxItems: 100 })),
});
export type SubjectPermission = Static<typeof SubjectPermission>;

export const UserPermissions = Type.Object({
  pub: Type.Optional(SubjectPermission),
  sub: Type.Optional(SubjectPermission),
});
export type UserPermissions = Static<typeof UserPermissions>;

export const ExportKind = Type.Union([Type.Literal('stream'), Type.Literal('service')]);
export type ExportKind = Static<typeof ExportKind>;

export const AccountExport = Type.Object({
  subject: Subject,
  type: ExportKind,
  name: Type.Optional(Type.String({ maxLength: 100 })),
  /** Services only. */
  responseType: Type.Optional(
    Type.Union([Type.Literal('Singleton'), Type.Literal('Stream'), Type.Literal('Chunked')]),
  ),
});
export type AccountExport = Static<typeof AccountExport>;

export const AccountImport = Type.Object({
  /** The exporting account: a managed account's name, or an account public key (`A…`). */
  account: Type.String({ minLength: 1, maxLength: 100 }),
  /** The exporter's subject. */
  subject: Subject,
  type: ExportKind,
  /** Subject in the importing account (default: the exporter's subject). */
  localSubject: Type.Optional(Subject),
  name: Type.Optional(Type.String({ maxLength: 100 })),
});
export type AccountImport = Static<typeof AccountImport>;

/** Everything about an account the console edits; the monitor turns it into account claims. */
export const AccountSpec = Type.Object({
  description: Type.Optional(Type.String({ maxLength: 500 })),
  limits: Type.Optional(AccountLimits),
  exports: Type.Optional(Type.Array(AccountExport, { maxItems: 200 })),
  imports: Type.Optional(Type.Array(AccountImport, { maxItems: 200 })),
  defaultPermissions: Type.Optional(UserPermissions),
});
export type AccountSpec = Static<typeof AccountSpec>;

export const AccountChangeRequest = Type.Object({
  spec: AccountSpec,
  confirm: Type.Optional(Type.String()),
});
export type AccountChangeRequest = Static<typeof AccountChangeRequest>;

export const UserSpec = Type.Object({
  permissions: Type.Optional(UserPermissions),
  /** Bearer token: the JWT alone authenticates (no nonce signature). */
  bearer: Type.Optional(Type.Boolean()),
});
export type UserSpec = Static<typeof UserSpec>;

export const UserChangeRequest = Type.Object({ spec: UserSpec, confirm: Type.Optional(Type.String()) });
export type UserChangeRequest = Static<typeof UserChangeRequest>;

export const ManagedUser = Type.Object({
  name: Type.String(),
  publicKey: Type.String(),
  spec: UserSpec,
  revoked: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Nullable(Type.String({ format: 'date-time' })),
});
export type ManagedUser = Static<typeof ManagedUser>;

export const ManagedAccount = Type.Object({
  name: Type.String(),
  publicKey: Type.String(),
  system: Type.Boolean(),
  spec: AccountSpec,
  /** The limits as signed (defaults filled in). */
  limits: AccountLimits,
  users: Type.Array(ManagedUser),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type ManagedAccount = Static<typeof ManagedAccount>;

/** An account as a file-configured server reports it (`/accountz`). */
export const ConfiguredAccount = Type.Object({
  name: Type.String(),
  system: Type.Boolean(),
  jetstream: Type.Boolean(),
  exports: Type.Array(Type.Object({ subject: Type.String(), type: Type.String() })),
  imports: Type.Array(
    Type.Object({
      subject: Type.String(),
      account: Type.String(),
      type: Type.String(),
      localSubject: Type.Optional(Type.String()),
    }),
  ),
});
export type ConfiguredAccount = Static<typeof ConfiguredAccount>;

export const TargetAccountsResponse = Type.Object({
  targetId: Type.String(),
  /** `operator`: accounts managed with the monitor's keys; `config`: read-only (accounts from the config file). */
  mode: Type.Union([Type.Literal('operator'), Type.Literal('config')]),
  operator: Nullable(OperatorDto),
  accounts: Type.Array(ManagedAccount),
  /** What the server's monitoring endpoint reports (both modes); empty when it cannot be reached. */
  configured: Type.Array(ConfiguredAccount),
  /** Why `configured` is empty, when the server could not be asked. */
  configuredError: Nullable(Type.String()),
});
export type TargetAccountsResponse = Static<typeof TargetAccountsResponse>;

export const ConfigSnippetRequest = Type.Object({
  account: Name,
  spec: AccountSpec,
  users: Type.Optional(
    Type.Array(Type.Object({ user: Name, permissions: Type.Optional(UserPermissions) }), { maxItems: 100 }),
  ),
});
export type ConfigSnippetRequest = Static<typeof ConfigSnippetRequest>;

export const ConfigSnippetResponse = Type.Object({
  /** nats-server configuration text to merge into the `accounts { … }` block. */
  snippet: Type.String(),
});
export type ConfigSnippetResponse = Static<typeof ConfigSnippetResponse>;

/** A dry run, shaped as admin.ts `ChangePreview` with account object types. */
export const AccountChangePreview = Type.Object({
  action: Type.String(),
  objectType: Type.String(),
  objectId: Type.String(),
  targetId: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
  diff: Type.Array(DiffEntry),
  destructive: Type.Boolean(),
  confirmText: Nullable(Type.String()),
  warnings: Type.Array(Type.String()),
});
export type AccountChangePreview = Static<typeof AccountChangePreview>;

export const AccountChangeResult = Type.Object({
  ok: Type.Literal(true),
  auditId: Type.String(),
  action: Type.String(),
  objectType: Type.String(),
  objectId: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
  diff: Type.Array(DiffEntry),
});
export type AccountChangeResult = Static<typeof AccountChangeResult>;
