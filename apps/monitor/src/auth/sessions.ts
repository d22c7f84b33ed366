import { randomBytes } from 'node:crypto';
import type { Role, SessionUser } from '@tern/contracts';
import type { PrismaClient } from '@tern/db';
import { sha256Hex } from '../crypto.js';

/** A live session: its user and the CSRF token mutations must echo. */
export interface AuthSession {
  id: string;
  csrfToken: string;
  user: SessionUser;
  /** Authenticated by an API token rather than a session cookie. */
  viaToken?: boolean;
}

const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

/** Unknown role strings in the database get the least privilege. */
export const toRole = (value: string): Role => (ROLES.includes(value as Role) ? (value as Role) : 'viewer');

/** True when `role` grants at least `required`. */
export const hasRole = (role: Role, required: Role): boolean =>
  ROLES.indexOf(role) >= ROLES.indexOf(required);

/** Sessions live in the database keyed by the SHA-256 of the cookie token, so a database leak yields no cookies. */
export class Sessions {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly ttlMs: number,
  ) {}

  async create(userId: string): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.ttlMs);
    await this.prisma.session.create({ data: { id: sha256Hex(token), userId, csrfToken, expiresAt } });
    return { token, csrfToken, expiresAt };
  }

  async lookup(token: string): Promise<AuthSession | null> {
    const id = sha256Hex(token);
    const row = await this.prisma.session.findUnique({ where: { id }, include: { user: true } });
    if (!row) return null;
    if (row.expiresAt.getTime() <= Date.now()) {
      await this.prisma.session.deleteMany({ where: { id } });
      return null;
    }
    return {
      id,
      csrfToken: row.csrfToken,
      user: { id: row.user.id, username: row.user.username, role: toRole(row.user.role) },
    };
  }

  /**
   * Resolves an API token (`Authorization: Bearer <secret>`): it acts as its user with the lesser of the
   * token's and the user's role. Tokens need no CSRF token (no cookie is involved).
   */
  async lookupApiToken(secret: string): Promise<AuthSession | null> {
    const row = await this.prisma.apiToken.findUnique({
      where: { tokenHash: sha256Hex(secret) },
      include: { user: true },
    });
    if (!row) return null;
    if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return null;
    const userRole = toRole(row.user.role);
    const tokenRole = toRole(row.role);
    // lastUsedAt is informative: update at most once a minute per token.
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
      await this.prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
    }
    return {
      id: `token:${row.id}`,
      csrfToken: '',
      viaToken: true,
      user: {
        id: row.user.id,
        username: row.user.username,
        role: hasRole(userRole, tokenRole) ? tokenRole : userRole,
      },
    };
  }

  /** Ends every session of a user (password reset, role change, deletion). */
  async destroyForUser(userId: string): Promise<void> {
    await this.prisma.session.deleteMany({ where: { userId } });
  }

  async destroy(id: string): Promise<void> {
    await this.prisma.session.deleteMany({ where: { id } });
  }
}
