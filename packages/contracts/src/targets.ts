import { type Static, Type } from '@sinclair/typebox';

const Url = Type.String({ minLength: 1, maxLength: 2000 });

/** A NATS server or cluster the monitor watches. Credentials are write-only: never returned. */
export const Target = Type.Object({
  id: Type.String(),
  name: Type.String(),
  natsUrls: Type.Array(Type.String()),
  monitorUrls: Type.Array(Type.String()),
  embedded: Type.Boolean(),
  hasCredentials: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type Target = Static<typeof Target>;

export const TargetCredentials = Type.Object({
  token: Type.Optional(Type.String({ maxLength: 4000 })),
  user: Type.Optional(Type.String({ maxLength: 1000 })),
  pass: Type.Optional(Type.String({ maxLength: 1000 })),
  /** An NKey user seed (`SU…`). */
  nkeySeed: Type.Optional(Type.String({ maxLength: 200 })),
  /** The contents of a `.creds` file (user JWT and NKey seed). */
  creds: Type.Optional(Type.String({ maxLength: 20_000 })),
});
export type TargetCredentials = Static<typeof TargetCredentials>;

export const CreateTargetRequest = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9 ._-]*$' }),
  natsUrls: Type.Array(Url, { minItems: 0, maxItems: 32, default: [] }),
  monitorUrls: Type.Array(Url, { minItems: 1, maxItems: 32 }),
  credentials: Type.Optional(TargetCredentials),
  /** Skip the reachability check (the target is saved even when it does not answer). */
  skipValidation: Type.Optional(Type.Boolean()),
});
export type CreateTargetRequest = Static<typeof CreateTargetRequest>;

export const TargetsResponse = Type.Object({ targets: Type.Array(Target) });
export type TargetsResponse = Static<typeof TargetsResponse>;
