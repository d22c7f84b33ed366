/** Where a key or value came from in a configuration file. Lines and columns are 1-based. */
export interface SourcePosition {
  file?: string;
  line: number;
  column: number;
}

/** A configuration error with the location nats-server would report (`file:line:col: reason`). */
export class ConfigError extends Error {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly reason: string;

  constructor(reason: string, pos?: Partial<SourcePosition>) {
    super(formatLocation(pos) + reason);
    this.name = 'ConfigError';
    this.reason = reason;
    this.file = pos?.file;
    this.line = pos?.line;
    this.column = pos?.column;
  }
}

function formatLocation(pos: Partial<SourcePosition> | undefined): string {
  if (!pos || pos.line === undefined) return pos?.file ? `${pos.file}: ` : '';
  const where = `${pos.line}:${pos.column ?? 0}`;
  return pos.file ? `${pos.file}:${where}: ` : `${where}: `;
}

// Side tables filled by the parser, so later validation can point at the offending key
// without polluting the plain objects it returns.
const keyPositions = new WeakMap<object, Map<string | number, SourcePosition>>();
const usedVariables = new WeakMap<object, Set<string>>();

/** @internal Records where `key` of `container` was defined. */
export function recordPosition(container: object, key: string | number, pos: SourcePosition): void {
  let m = keyPositions.get(container);
  if (!m) {
    m = new Map();
    keyPositions.set(container, m);
  }
  m.set(key, pos);
}

/** Position of a key (or array index) in a parsed configuration object, when known. */
export function positionOf(container: unknown, key: string | number): SourcePosition | undefined {
  if (typeof container !== 'object' || container === null) return undefined;
  return keyPositions.get(container)?.get(key);
}

/** @internal Marks `key` of `container` as referenced through `$key`. */
export function markUsedVariable(container: object, key: string): void {
  let s = usedVariables.get(container);
  if (!s) {
    s = new Set();
    usedVariables.set(container, s);
  }
  s.add(key);
}

/** True when the key was referenced as a `$variable` elsewhere in the file (nats-server then tolerates it). */
export function isUsedVariable(container: unknown, key: string): boolean {
  if (typeof container !== 'object' || container === null) return false;
  return usedVariables.get(container)?.has(key) ?? false;
}
