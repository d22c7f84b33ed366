import { type Static, Type } from '@sinclair/typebox';

export const AuditSource = Type.Union([Type.Literal('tern'), Type.Literal('external')]);
export type AuditSource = Static<typeof AuditSource>;

/** One change, as recorded: who, what, before/after, the outcome. */
export const AuditRecord = Type.Object({
  id: Type.String(),
  time: Type.String({ format: 'date-time' }),
  actor: Type.String(),
  role: Type.Union([Type.String(), Type.Null()]),
  sourceIp: Type.Union([Type.String(), Type.Null()]),
  source: AuditSource,
  action: Type.String(),
  objectType: Type.String(),
  objectId: Type.String(),
  targetId: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown(),
  after: Type.Unknown(),
  result: Type.Union([Type.Literal('ok'), Type.Literal('error')]),
  error: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  hash: Type.String(),
});
export type AuditRecord = Static<typeof AuditRecord>;

export const AuditQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  /** Records with an id below this one (for paging backwards in time). */
  before: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  action: Type.Optional(Type.String()),
  actor: Type.Optional(Type.String()),
  objectType: Type.Optional(Type.String()),
});
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditResponse = Type.Object({
  records: Type.Array(AuditRecord),
  nextBefore: Type.Union([Type.String(), Type.Null()]),
});
export type AuditResponse = Static<typeof AuditResponse>;

export const AuditVerifyResponse = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer(),
  firstBrokenId: Type.Union([Type.String(), Type.Null()]),
});
export type AuditVerifyResponse = Static<typeof AuditVerifyResponse>;
