import { Objm } from '@nats-io/obj';
import type { ObjectStoreSummary, ObjectSummary } from '@tern/contracts';
import { jsApi } from '../nats/api.js';
import { type Change, NotFoundObject } from './change.js';
import type { JetStreamAdmin } from './jetstream.js';

export const OBJ_PREFIX = 'OBJ_';
/** Downloads are read into memory; larger objects are refused rather than exhausting the monitor. */
export const MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024;

/** Object stores: list, browse, download; delete an object or a whole store. */
export class ObjectsAdmin {
  constructor(readonly js: JetStreamAdmin) {}

  async #store(targetId: string, bucket: string) {
    if (!(await this.js.streamInfo(targetId, `${OBJ_PREFIX}${bucket}`))) {
      throw new NotFoundObject('Object store', bucket);
    }
    return new Objm(await this.js.nc(targetId)).open(bucket);
  }

  async listStores(targetId: string): Promise<ObjectStoreSummary[]> {
    const streams = await this.js.listStreams(targetId);
    return streams
      .filter((s) => s.config.name.startsWith(OBJ_PREFIX))
      .map((s) => ({
        bucket: s.config.name.slice(OBJ_PREFIX.length),
        ...(s.config.description ? { description: s.config.description } : {}),
        size: s.state.bytes,
        storage: s.config.storage ?? 'file',
        sealed: s.config.sealed === true,
        stream: s.config.name,
      }));
  }

  async listObjects(targetId: string, bucket: string): Promise<ObjectSummary[]> {
    const os = await this.#store(targetId, bucket);
    const infos = await os.list();
    return infos
      .filter((i) => !i.deleted)
      .map((i) => ({
        name: i.name,
        ...(i.description ? { description: i.description } : {}),
        size: i.size,
        chunks: i.chunks,
        mtime: i.mtime,
        digest: i.digest,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async download(
    targetId: string,
    bucket: string,
    name: string,
  ): Promise<{ data: Uint8Array; size: number }> {
    const os = await this.#store(targetId, bucket);
    const info = await os.info(name);
    if (!info || info.deleted) throw new NotFoundObject('Object', `${bucket}/${name}`);
    if (info.size > MAX_DOWNLOAD_BYTES) {
      throw new NotFoundObject('Downloadable object (under 256 MiB)', `${bucket}/${name}`);
    }
    const data = await os.getBlob(name);
    if (!data) throw new NotFoundObject('Object', `${bucket}/${name}`);
    return { data, size: info.size };
  }

  async planDeleteObject(targetId: string, bucket: string, name: string): Promise<Change> {
    const os = await this.#store(targetId, bucket);
    const info = await os.info(name);
    if (!info || info.deleted) throw new NotFoundObject('Object', `${bucket}/${name}`);
    return {
      action: 'object.delete',
      objectType: 'object',
      objectId: `${bucket}/${name}`,
      targetId,
      before: {
        name: info.name,
        size: info.size,
        chunks: info.chunks,
        digest: info.digest,
        mtime: info.mtime,
      },
      after: null,
      destructive: true,
      confirmText: name,
      warnings: ['The object data is deleted and cannot be restored.'],
      run: async () => {
        await os.delete(name);
        return null;
      },
    };
  }

  async planDeleteStore(targetId: string, bucket: string): Promise<Change> {
    const info = await this.js.streamInfo(targetId, `${OBJ_PREFIX}${bucket}`);
    if (!info) throw new NotFoundObject('Object store', bucket);
    return {
      action: 'object-store.delete',
      objectType: 'object-store',
      objectId: bucket,
      targetId,
      before: {
        bucket,
        description: info.config.description ?? null,
        storage: info.config.storage,
        bytes: info.state.bytes,
      },
      after: null,
      destructive: true,
      warnings: ['Every object in the store is deleted and cannot be restored.'],
      run: async () => {
        await jsApi(await this.js.nc(targetId), `STREAM.DELETE.${info.config.name}`);
        return null;
      },
      done: () => this.js.known.set(targetId, 'stream', info.config.name, null),
    };
  }
}
