import { type Static, Type } from '@sinclair/typebox';

/** The body of every error the monitor API returns. `code` is stable; `message` is for people. */
export const ApiError = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine-readable code, e.g. TARGET_UNREACHABLE' }),
      message: Type.String(),
      statusCode: Type.Integer(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'ApiError' },
);
export type ApiError = Static<typeof ApiError>;

export const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
export type IdParams = Static<typeof IdParams>;

export const OkResponse = Type.Object({ ok: Type.Literal(true) });
export type OkResponse = Static<typeof OkResponse>;
