import createError from '@fastify/error';
import type { AuditRecord, ConsumerConfig, KvBucketConfig, StreamConfig } from '@tern/contracts';
import { type Change, UnsupportedByServer } from './change.js';
import type { JetStreamAdmin } from './jetstream.js';
import type { KvAdmin } from './kv.js';

export const NotRollbackable = createError('NOT_ROLLBACKABLE', 'Record %s cannot be rolled back: %s', 409);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Plans the change that restores a record's before-state, through the same planners as any change. */
export async function planRollback(record: AuditRecord, js: JetStreamAdmin, kv: KvAdmin): Promise<Change> {
  const refuse = (why: string): never => {
    throw new NotRollbackable(record.id, why);
  };
  if (record.result !== 'ok') refuse('the change it records failed, so nothing changed');
  const targetId = record.targetId ?? refuse('it names no target');
  const before = record.before;
  const [first, ...rest] = record.objectId.split('/');
  const second = rest.join('/');

  switch (`${record.objectType}:${record.action}`) {
    case 'stream:stream.create':
      return js.planStreamDelete(targetId, record.objectId);
    case 'stream:stream.update':
    case 'stream:stream.seal':
      if (!isObject(before)) return refuse('its before-state is unknown');
      return js.planStreamUpdate(targetId, record.objectId, before as StreamConfig, 'replace');
    case 'stream:stream.delete':
      if (!isObject(before)) return refuse('its before-state is unknown');
      return js.planStreamCreate(targetId, record.objectId, before as StreamConfig);
    case 'consumer:consumer.create':
      return js.planConsumerDelete(targetId, first ?? '', second);
    case 'consumer:consumer.update':
      if (!isObject(before)) return refuse('its before-state is unknown');
      return js.planConsumerUpdate(targetId, first ?? '', second, before as ConsumerConfig, 'replace');
    case 'consumer:consumer.delete':
      if (!isObject(before)) return refuse('its before-state is unknown');
      return js.planConsumerCreate(targetId, first ?? '', second, before as ConsumerConfig);
    case 'consumer:consumer.pause':
      return js.planConsumerPause(targetId, first ?? '', second, null);
    case 'kv:kv.create':
      return kv.planDelete(targetId, record.objectId);
    case 'kv:kv.update':
      if (!isObject(before)) return refuse('its before-state is unknown');
      return kv.planUpdate(targetId, record.objectId, before as KvBucketConfig, 'replace');
    case 'kv:kv.delete':
      if (!isObject(before)) return refuse('its before-state is unknown');
      return kv.planCreate(targetId, record.objectId, before as KvBucketConfig);
    case 'kv-key:kv.put':
    case 'kv-key:kv.delete-key':
    case 'kv-key:kv.purge': {
      if (isObject(before) && typeof before.value === 'string') {
        const encoding = before.encoding === 'base64' ? 'base64' : 'utf8';
        return kv.planPut(targetId, first ?? '', second, before.value, encoding);
      }
      if (record.action === 'kv.put') return kv.planDeleteKey(targetId, first ?? '', second, false);
      return refuse('the key had no value before');
    }
    case 'stream:stream.purge':
      return refuse('purged messages cannot be restored');
    default:
      throw new UnsupportedByServer(
        `Rolling back "${record.action}" on a ${record.objectType} is not supported`,
      );
  }
}
