import { natsJwt } from '@tern/broker';
import type {
  AccountLimits,
  AccountSpec,
  ConfigSnippetRequest,
  SubjectPermission,
  UserPermissions,
  UserSpec,
} from '@tern/contracts';

type AccountNats = Omit<natsJwt.AccountNats, 'type' | 'version'>;
type UserNats = Omit<natsJwt.UserNats, 'type' | 'version'>;

/** The limits an account gets when the spec leaves them out: unlimited, JetStream enabled and unlimited. */
export const DEFAULT_LIMITS: Required<AccountLimits> = {
  connections: -1,
  leafnodes: -1,
  subscriptions: -1,
  payload: -1,
  imports: -1,
  exports: -1,
  memStorage: -1,
  diskStorage: -1,
  streams: -1,
  consumers: -1,
};

export const effectiveLimits = (spec: AccountSpec): Required<AccountLimits> => ({
  ...DEFAULT_LIMITS,
  ...spec.limits,
});

const perm = (p: SubjectPermission | undefined): natsJwt.JwtPermission | undefined => {
  if (!p || (!p.allow?.length && !p.deny?.length)) return undefined;
  return { ...(p.allow?.length ? { allow: p.allow } : {}), ...(p.deny?.length ? { deny: p.deny } : {}) };
};

function jwtPermissions(p: UserPermissions | undefined): natsJwt.JwtPermissions {
  const pub = perm(p?.pub);
  const sub = perm(p?.sub);
  return { ...(pub ? { pub } : {}), ...(sub ? { sub } : {}) };
}

/**
 * The `nats` section of account claims for `spec`. Imports name their exporter by managed account name
 * (resolved with `keyOf`) or by public key; `revocations` carries revoked users (public key → Unix seconds).
 */
export function accountNats(
  spec: AccountSpec,
  keyOf: (nameOrKey: string) => string | undefined,
  revocations: Record<string, number> = {},
): AccountNats {
  const l = effectiveLimits(spec);
  const limits: natsJwt.JwtAccountLimits = {
    ...natsJwt.defaultAccountLimits(),
    conn: l.connections,
    leaf: l.leafnodes,
    subs: l.subscriptions,
    payload: l.payload,
    imports: l.imports,
    exports: l.exports,
    mem_storage: l.memStorage,
    disk_storage: l.diskStorage,
    streams: l.streams,
    consumer: l.consumers,
  };
  const exports = (spec.exports ?? []).map(
    (e): natsJwt.JwtExport => ({
      ...(e.name ? { name: e.name } : {}),
      subject: e.subject,
      type: e.type,
      ...(e.type === 'service' && e.responseType ? { response_type: e.responseType } : {}),
    }),
  );
  const imports = (spec.imports ?? []).map((i): natsJwt.JwtImport => {
    const account = keyOf(i.account);
    if (!account) throw new Error(`import from unknown account "${i.account}"`);
    const local = i.localSubject && i.localSubject !== i.subject ? i.localSubject : undefined;
    return {
      name: i.name || i.subject,
      subject: i.subject,
      account,
      type: i.type,
      ...(local ? { local_subject: local } : {}),
    };
  });
  const defaults = jwtPermissions(spec.defaultPermissions);
  return {
    limits,
    ...(exports.length ? { exports } : {}),
    ...(imports.length ? { imports } : {}),
    ...(Object.keys(defaults).length ? { default_permissions: defaults } : {}),
    ...(Object.keys(revocations).length ? { revocations } : {}),
    ...(spec.description ? { description: spec.description } : {}),
  };
}

/** The `nats` section of user claims for `spec`. */
export function userNats(spec: UserSpec): UserNats {
  return { ...jwtPermissions(spec.permissions), ...(spec.bearer ? { bearer_token: true } : {}) };
}

/** Problems the server would reject the account for, in plain words (empty when fine). */
export function accountProblems(
  spec: AccountSpec,
  keyOf: (nameOrKey: string) => string | undefined,
): string[] {
  const problems: string[] = [];
  for (const i of spec.imports ?? []) {
    if (!keyOf(i.account)) problems.push(`Import of "${i.subject}" names an unknown account "${i.account}"`);
  }
  const seen = new Set<string>();
  for (const e of spec.exports ?? []) {
    if (seen.has(e.subject)) problems.push(`"${e.subject}" is exported twice`);
    seen.add(e.subject);
  }
  const l = effectiveLimits(spec);
  if (l.exports >= 0 && (spec.exports?.length ?? 0) > l.exports)
    problems.push('More exports than the limit allows');
  if (l.imports >= 0 && (spec.imports?.length ?? 0) > l.imports)
    problems.push('More imports than the limit allows');
  return problems;
}

/** A spec with empty parts left out, so previews and stored specs compare cleanly. */
export function normaliseSpec(spec: AccountSpec): AccountSpec {
  return {
    ...(spec.description ? { description: spec.description } : {}),
    limits: effectiveLimits(spec),
    exports: spec.exports ?? [],
    imports: spec.imports ?? [],
    ...(spec.defaultPermissions && Object.keys(jwtPermissions(spec.defaultPermissions)).length
      ? { defaultPermissions: spec.defaultPermissions }
      : {}),
  };
}

// ---------------------------------------------------------------- config snippets (file-configured servers)

const q = (s: string): string => JSON.stringify(s);
const list = (xs: string[]): string => `[${xs.map(q).join(', ')}]`;

function permBlock(p: UserPermissions | undefined, indent: string): string[] {
  const lines: string[] = [];
  for (const [key, name] of [
    ['pub', 'publish'],
    ['sub', 'subscribe'],
  ] as const) {
    const s = p?.[key];
    if (!s || (!s.allow?.length && !s.deny?.length)) continue;
    const parts = [
      ...(s.allow?.length ? [`allow: ${list(s.allow)}`] : []),
      ...(s.deny?.length ? [`deny: ${list(s.deny)}`] : []),
    ];
    lines.push(`${indent}${name}: { ${parts.join(', ')} }`);
  }
  return lines;
}

const size = (n: number): string => (n < 0 ? '-1' : String(n));

/**
 * The `accounts { … }` entry for a file-configured nats-server (or Tern) that makes the change:
 * users (passwords left for the operator of the file to fill in), exports, imports, JetStream limits.
 */
export function configSnippet(req: ConfigSnippetRequest): string {
  const { spec } = req;
  const l = effectiveLimits(spec);
  const lines: string[] = [`accounts {`, `  ${q(req.account)}: {`];
  const users = req.users ?? [];
  if (users.length) {
    lines.push('    users: [');
    for (const u of users) {
      const perms = permBlock(u.permissions, '        ');
      lines.push(`      { user: ${q(u.user)}, password: "<set a password>"${perms.length ? ',' : ''}`);
      if (perms.length) lines.push('        permissions: {', ...perms.map((p) => `  ${p}`), '        }');
      lines.push('      }');
    }
    lines.push('    ]');
  }
  if (spec.exports?.length) {
    lines.push('    exports: [');
    for (const e of spec.exports) {
      const kind = e.type === 'stream' ? 'stream' : 'service';
      const rt =
        e.type === 'service' && e.responseType ? `, response_type: ${e.responseType.toLowerCase()}` : '';
      lines.push(`      { ${kind}: ${q(e.subject)}${rt} }`);
    }
    lines.push('    ]');
  }
  if (spec.imports?.length) {
    lines.push('    imports: [');
    for (const i of spec.imports) {
      const kind = i.type === 'stream' ? 'stream' : 'service';
      const to = i.localSubject && i.localSubject !== i.subject ? `, to: ${q(i.localSubject)}` : '';
      lines.push(`      { ${kind}: { account: ${q(i.account)}, subject: ${q(i.subject)} }${to} }`);
    }
    lines.push('    ]');
  }
  const js = [l.memStorage, l.diskStorage, l.streams, l.consumers];
  if (js.every((v) => v === 0)) lines.push('    # JetStream disabled for this account');
  else if (js.every((v) => v === -1)) lines.push('    jetstream: enabled');
  else {
    lines.push(
      '    jetstream: {',
      `      max_memory: ${size(l.memStorage)}`,
      `      max_file: ${size(l.diskStorage)}`,
      `      max_streams: ${size(l.streams)}`,
      `      max_consumers: ${size(l.consumers)}`,
      '    }',
    );
  }
  if (l.connections >= 0) lines.push(`    max_connections: ${l.connections}`);
  if (l.subscriptions >= 0) lines.push(`    max_subscriptions: ${l.subscriptions}`);
  if (l.payload >= 0) lines.push(`    max_payload: ${l.payload}`);
  if (l.leafnodes >= 0) lines.push(`    max_leafnodes: ${l.leafnodes}`);
  lines.push('  }', '}');
  return `${lines.join('\n')}\n`;
}

/**
 * nats-server configuration for an operator: trust its JWT, use `SYS` as system account, keep account
 * JWTs in a full resolver that accepts `$SYS.REQ.CLAIMS.UPDATE`, with the system account preloaded.
 */
export function operatorServerConfig(op: {
  name: string;
  jwt: string;
  systemAccount: string;
  systemJwt: string;
}): string {
  return [
    `# Operator ${op.name}: managed by Tern's monitor`,
    `operator: ${op.jwt}`,
    `system_account: ${op.systemAccount}`,
    'resolver: {',
    '  type: full',
    '  dir: "./jwt"',
    '  allow_delete: false',
    '  interval: "2m"',
    '}',
    'resolver_preload: {',
    `  ${op.systemAccount}: ${op.systemJwt}`,
    '}',
    '',
  ].join('\n');
}
