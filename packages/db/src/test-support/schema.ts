// A deliberately small reader of prisma/schema.prisma for the drift test: models, scalar fields,
// @unique/@@index/@@unique and @relation(fields: ...). Fails loudly on anything it does not know.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const schemaPath = fileURLToPath(new URL('../../../../prisma/schema.prisma', import.meta.url));

export interface ScalarField {
  name: string;
  column: string;
  type: string;
  optional: boolean;
  list: boolean;
}

export interface ModelInfo {
  name: string;
  table: string;
  fields: ScalarField[];
  /** Expected index names (Prisma's default naming) with whether they are unique. */
  indexes: { name: string; unique: boolean }[];
  /** Expected foreign-key constraint names. */
  foreignKeys: string[];
}

const mapped = (attrs: string): string | undefined => /@map\("([^"]+)"\)/.exec(attrs)?.[1];

export function readSchemaModels(text = readFileSync(schemaPath, 'utf8')): ModelInfo[] {
  const blocks = [...text.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)];
  const modelNames = new Set(blocks.map((b) => b[1]!));
  return blocks.map(([, name, body]) => {
    const model: ModelInfo = { name: name!, table: name!, fields: [], indexes: [], foreignKeys: [] };
    const columnOf = new Map<string, string>();
    const blockAttrs: string[] = [];
    for (const raw of body!.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('//')) continue;
      if (line.startsWith('@@')) {
        blockAttrs.push(line);
        continue;
      }
      const m = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
      if (!m) throw new Error(`drift test cannot read line in model ${name}: ${line}`);
      const [, field, type, list, optional, attrs] = m;
      if (modelNames.has(type!)) {
        const fk = /@relation\([^)]*fields:\s*\[([^\]]+)\]/.exec(attrs!);
        if (fk)
          model.foreignKeys.push(
            `${name}_${fk[1]!
              .split(',')
              .map((s) => s.trim())
              .join('_')}_fkey`,
          );
        continue;
      }
      const column = mapped(attrs!) ?? field!;
      columnOf.set(field!, column);
      model.fields.push({ name: field!, column, type: type!, optional: !!optional, list: !!list });
      if (/@unique\b/.test(attrs!)) model.indexes.push({ name: `${name}_${column}_key`, unique: true });
    }
    for (const attr of blockAttrs) {
      const map = /^@@map\("([^"]+)"\)/.exec(attr);
      if (map) {
        model.table = map[1]!;
        continue;
      }
      const idx = /^@@(index|unique)\(\[([^\]]+)\]/.exec(attr);
      if (idx) {
        const cols = idx[2]!.split(',').map((s) => columnOf.get(s.trim()) ?? s.trim());
        const unique = idx[1] === 'unique';
        model.indexes.push({ name: `${name}_${cols.join('_')}_${unique ? 'key' : 'idx'}`, unique });
        continue;
      }
      if (!/^@@id\(/.test(attr)) throw new Error(`drift test does not know ${attr} in model ${name}`);
    }
    return model;
  });
}

// Prisma scalar type -> PostgreSQL udt_name for Prisma's default native types.
const UDT: Record<string, string> = {
  String: 'text',
  Boolean: 'bool',
  Int: 'int4',
  BigInt: 'int8',
  Float: 'float8',
  Decimal: 'numeric',
  DateTime: 'timestamp',
  Json: 'jsonb',
  Bytes: 'bytea',
};

/** The column shape Prisma's migrations produce for a field: udt name, nullability, precision. */
export function expectedColumn(f: ScalarField): { udt: string; nullable: boolean; precision?: number } {
  const udt = UDT[f.type];
  if (!udt) throw new Error(`drift test does not know Prisma type ${f.type} (field ${f.name})`);
  // Prisma creates scalar lists as nullable arrays (`TEXT[]`) and enforces presence in the client.
  return {
    udt: f.list ? `_${udt}` : udt,
    nullable: f.optional || f.list,
    ...(f.type === 'DateTime' ? { precision: 3 } : {}),
  };
}
