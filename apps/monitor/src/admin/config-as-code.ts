import createError from '@fastify/error';
import { Value } from '@sinclair/typebox/value';
import {
  type ConfigChangeOp,
  ConfigDocument,
  type ConfigFormat,
  type ConfigImportPreview,
  type ConfigObjectChange,
  type ConsumerConfig,
  type DriftReport,
  type KvBucketConfig,
  type StreamConfig,
} from '@tern/contracts';
import type { Change } from './change.js';
import { diff } from './diff.js';
import type { JetStreamAdmin } from './jetstream.js';
import { KV_PREFIX, type KvAdmin } from './kv.js';
import { OBJ_PREFIX } from './objects.js';
import { parseYaml, toYaml } from './yaml.js';

export const InvalidDocument = createError(
  'INVALID_DOCUMENT',
  'The configuration document is invalid: %s',
  400,
);

const isManagedStream = (name: string) => !name.startsWith(KV_PREFIX) && !name.startsWith(OBJ_PREFIX);
const consumerName = (c: ConsumerConfig) => c.durable_name ?? c.name ?? '';

/** Serialises a document. */
export function formatDocument(doc: ConfigDocument, format: ConfigFormat): string {
  return format === 'yaml' ? toYaml(doc) : `${JSON.stringify(doc, null, 2)}\n`;
}

/** Parses and validates a document (format given, or detected: JSON starts with `{`). */
export function parseDocument(text: string, format?: ConfigFormat): ConfigDocument {
  const fmt = format ?? (text.trimStart().startsWith('{') ? 'json' : 'yaml');
  let raw: unknown;
  try {
    raw = fmt === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new InvalidDocument((err as Error).message);
  }
  const withDefaults = Value.Default(ConfigDocument, raw);
  const first = Value.Errors(ConfigDocument, withDefaults).First();
  if (first) throw new InvalidDocument(`${first.path || '(root)'}: ${first.message}`);
  const doc = withDefaults as ConfigDocument;
  const seen = new Set<string>();
  for (const s of doc.streams) {
    if (seen.has(`s:${s.config.name}`)) throw new InvalidDocument(`stream ${s.config.name} appears twice`);
    seen.add(`s:${s.config.name}`);
    if (!isManagedStream(s.config.name)) {
      throw new InvalidDocument(`stream ${s.config.name}: KV and object-store streams belong under kv`);
    }
    for (const c of s.consumers) {
      if (!consumerName(c)) throw new InvalidDocument(`a consumer of ${s.config.name} has no durable_name`);
    }
  }
  return doc;
}

/** Compares only the fields the document sets: omitted fields mean "whatever the server has". */
function docDiff(live: Record<string, unknown>, wanted: Record<string, unknown>) {
  const picked: Record<string, unknown> = {};
  for (const k of Object.keys(wanted)) picked[k] = live[k];
  return diff(picked, wanted);
}

interface Planned extends ConfigObjectChange {
  plan: (() => Promise<Change>) | null;
  order: number;
}

/** Export, import (preview/apply) and drift of a target's streams, durable consumers and KV buckets. */
export class ConfigAsCode {
  constructor(
    private readonly js: JetStreamAdmin,
    private readonly kv: KvAdmin,
  ) {}

  async export(targetId: string, targetName: string): Promise<ConfigDocument> {
    const streams = (await this.js.listStreams(targetId)).filter((s) => isManagedStream(s.config.name));
    const out: ConfigDocument = {
      apiVersion: 'tern.dev/v1',
      kind: 'JetStreamConfig',
      target: targetName,
      exportedAt: new Date().toISOString(),
      streams: [],
      kv: (await this.kv.listBuckets(targetId)).map((b) => b.config),
    };
    for (const s of streams) {
      const consumers = (await this.js.listConsumers(targetId, s.config.name))
        .filter((c) => c.config.durable_name)
        .map((c) => c.config);
      out.streams.push({ config: s.config, consumers });
    }
    return out;
  }

  /** Per-object changes that would bring the target to the document; with `prune`, extras are deleted. */
  async plan(targetId: string, doc: ConfigDocument, prune: boolean): Promise<Planned[]> {
    const js = this.js;
    const kv = this.kv;
    const out: Planned[] = [];
    const liveStreams = await js.listStreams(targetId);
    const liveByName = new Map(liveStreams.map((s) => [s.config.name, s.config]));
    const entry = (
      kind: Planned['kind'],
      name: string,
      op: ConfigChangeOp,
      before: unknown,
      after: unknown,
      d: Planned['diff'],
      order: number,
      plan: Planned['plan'],
      warnings: string[] = [],
    ): Planned => ({
      kind,
      name,
      op,
      before: before ?? null,
      after: after ?? null,
      diff: d,
      warnings,
      order,
      plan,
    });

    for (const s of doc.streams) {
      const name = s.config.name;
      const live = liveByName.get(name);
      if (!live) {
        out.push(
          entry('stream', name, 'create', null, s.config, diff({}, s.config), 0, () =>
            js.planStreamCreate(targetId, name, s.config),
          ),
        );
      } else {
        const d = docDiff(live, s.config);
        out.push(
          entry(
            'stream',
            name,
            d.length ? 'update' : 'unchanged',
            live,
            { ...live, ...s.config },
            d,
            1,
            d.length ? () => js.planStreamUpdate(targetId, name, s.config) : null,
          ),
        );
      }
      const liveConsumers = live ? await js.listConsumers(targetId, name) : [];
      const liveC = new Map(liveConsumers.map((c) => [c.name, c.config]));
      for (const c of s.consumers) {
        const cname = consumerName(c);
        const id = `${name}/${cname}`;
        const lc = liveC.get(cname);
        if (!lc) {
          out.push(
            entry('consumer', id, 'create', null, c, diff({}, c), 2, () =>
              js.planConsumerCreate(targetId, name, cname, c),
            ),
          );
        } else {
          const d = docDiff(lc, c);
          out.push(
            entry(
              'consumer',
              id,
              d.length ? 'update' : 'unchanged',
              lc,
              { ...lc, ...c },
              d,
              3,
              d.length ? () => js.planConsumerUpdate(targetId, name, cname, c) : null,
            ),
          );
        }
      }
      if (prune) {
        const wanted = new Set(s.consumers.map(consumerName));
        for (const lc of liveConsumers) {
          if (!lc.config.durable_name || wanted.has(lc.name)) continue;
          out.push(
            entry('consumer', `${name}/${lc.name}`, 'delete', lc.config, null, diff(lc.config, {}), 5, () =>
              js.planConsumerDelete(targetId, name, lc.name),
            ),
          );
        }
      }
    }

    const liveKv = new Map((await kv.listBuckets(targetId)).map((b) => [b.config.bucket, b.config]));
    for (const b of doc.kv) {
      const live = liveKv.get(b.bucket);
      if (!live) {
        out.push(
          entry('kv', b.bucket, 'create', null, b, diff({}, b), 0, () =>
            kv.planCreate(targetId, b.bucket, b),
          ),
        );
      } else {
        const d = docDiff(live as Record<string, unknown>, b as Record<string, unknown>);
        out.push(
          entry(
            'kv',
            b.bucket,
            d.length ? 'update' : 'unchanged',
            live,
            { ...live, ...b },
            d,
            1,
            d.length ? () => kv.planUpdate(targetId, b.bucket, b as KvBucketConfig) : null,
          ),
        );
      }
    }

    if (prune) {
      const wantedStreams = new Set(doc.streams.map((s) => s.config.name));
      for (const s of liveStreams) {
        const name = s.config.name;
        if (!isManagedStream(name) || wantedStreams.has(name)) continue;
        out.push(
          entry('stream', name, 'delete', s.config, null, diff(s.config as StreamConfig, {}), 6, () =>
            js.planStreamDelete(targetId, name),
          ),
        );
      }
      const wantedKv = new Set(doc.kv.map((b) => b.bucket));
      for (const [bucket, cfg] of liveKv) {
        if (wantedKv.has(bucket)) continue;
        out.push(
          entry('kv', bucket, 'delete', cfg, null, diff(cfg, {}), 6, () => kv.planDelete(targetId, bucket)),
        );
      }
    }
    return out.sort((a, b) => a.order - b.order);
  }

  static preview(planned: Planned[], targetName: string): ConfigImportPreview {
    const summary = { create: 0, update: 0, delete: 0, unchanged: 0 };
    for (const p of planned) summary[p.op]++;
    return {
      changes: planned.map(({ plan: _plan, order: _order, ...c }) => c),
      summary,
      confirmText: summary.delete > 0 ? targetName : null,
    };
  }

  static drift(planned: Planned[]): DriftReport {
    const status = { create: 'missing', delete: 'extra', update: 'changed', unchanged: 'same' } as const;
    const items = planned.map((p) => ({ kind: p.kind, name: p.name, status: status[p.op], diff: p.diff }));
    return { inSync: items.every((i) => i.status === 'same'), items };
  }
}

export type { Planned };
