import { type Static, Type } from '@sinclair/typebox';

export const Role = Type.Union([Type.Literal('admin'), Type.Literal('operator'), Type.Literal('viewer')]);
export type Role = Static<typeof Role>;

export const LoginRequest = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 200 }),
  password: Type.String({ minLength: 1, maxLength: 1000 }),
});
export type LoginRequest = Static<typeof LoginRequest>;

export const SessionUser = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: Role,
});
export type SessionUser = Static<typeof SessionUser>;

/** Returned by login and `GET /api/auth/me`. The CSRF token goes in the `x-csrf-token` header of every mutation. */
export const SessionResponse = Type.Object({ user: SessionUser, csrfToken: Type.String() });
export type SessionResponse = Static<typeof SessionResponse>;
