import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AdminTargetParams,
  BucketParams,
  ConfirmRequest,
  KvBucketChangeRequest,
  KvBucketConfig,
  KvBucketsResponse,
  KvHistoryResponse,
  KvKeyParams,
  KvKeysQuery,
  KvKeysResponse,
  KvPutRequest,
  ObjectParams,
  ObjectStoresResponse,
  ObjectsResponse,
} from '@tern/contracts';
import { NotFoundObject } from '../admin/change.js';
import type { KvAdmin } from '../admin/kv.js';
import type { ObjectsAdmin } from '../admin/objects.js';
import type { AuditLog } from '../audit/log.js';
import { changeRoutes } from './admin-change.js';
import { errorResponses } from './schemas.js';

export interface AdminKvOptions {
  audit: AuditLog;
  kv: KvAdmin;
  objects: ObjectsAdmin;
}

const BASE = '/api/targets/:targetId/jetstream';

/** KV buckets and object stores. */
export const adminKvRoutes: FastifyPluginAsyncTypebox<AdminKvOptions> = async (app, opts) => {
  const { audit, kv, objects } = opts;
  const tags = ['kv'];

  app.get(
    `${BASE}/kv`,
    { schema: { tags, params: AdminTargetParams, response: { 200: KvBucketsResponse, ...errorResponses } } },
    async (request) => ({ buckets: await kv.listBuckets(request.params.targetId) }),
  );
  app.get(
    `${BASE}/kv/:bucket`,
    { schema: { tags, params: BucketParams, response: { 200: KvBucketConfig, ...errorResponses } } },
    async (request) => {
      const cfg = await kv.bucketConfig(request.params.targetId, request.params.bucket);
      if (!cfg) throw new NotFoundObject('KV bucket', request.params.bucket);
      return cfg;
    },
  );
  app.get(
    `${BASE}/kv/:bucket/keys`,
    {
      schema: {
        tags,
        params: BucketParams,
        querystring: KvKeysQuery,
        response: { 200: KvKeysResponse, ...errorResponses },
      },
    },
    async (request) =>
      kv.keys(
        request.params.targetId,
        request.params.bucket,
        request.query.filter,
        request.query.limit ?? 1000,
      ),
  );
  app.get(
    `${BASE}/kv/:bucket/keys/:key`,
    { schema: { tags, params: KvKeyParams, response: { 200: KvHistoryResponse, ...errorResponses } } },
    async (request) => {
      const { targetId, bucket, key } = request.params;
      const history = await kv.history(targetId, bucket, key);
      if (history.length === 0) throw new NotFoundObject('Key', `${bucket}/${key}`);
      return { key, history };
    },
  );

  const bucketId = (action: string) => (p: { targetId: string; bucket: string }) => ({
    action,
    objectType: 'kv',
    objectId: p.bucket,
    targetId: p.targetId,
  });
  const keyId = (action: string) => (p: { targetId: string; bucket: string; key: string }) => ({
    action,
    objectType: 'kv-key',
    objectId: `${p.bucket}/${p.key}`,
    targetId: p.targetId,
  });
  const B = `${BASE}/kv/:bucket`;
  changeRoutes(app, audit, `${B}/create`, {
    tags,
    params: BucketParams,
    body: KvBucketChangeRequest,
    identify: bucketId('kv.create'),
    plan: (p, b) => kv.planCreate(p.targetId, p.bucket, b.config),
  });
  changeRoutes(app, audit, `${B}/update`, {
    tags,
    params: BucketParams,
    body: KvBucketChangeRequest,
    identify: bucketId('kv.update'),
    plan: (p, b) => kv.planUpdate(p.targetId, p.bucket, b.config),
  });
  changeRoutes(app, audit, `${B}/delete`, {
    tags,
    params: BucketParams,
    body: ConfirmRequest,
    identify: bucketId('kv.delete'),
    plan: (p) => kv.planDelete(p.targetId, p.bucket),
  });
  changeRoutes(app, audit, `${B}/keys/:key/put`, {
    tags,
    params: KvKeyParams,
    body: KvPutRequest,
    identify: keyId('kv.put'),
    plan: (p, b) => kv.planPut(p.targetId, p.bucket, p.key, b.value, b.encoding ?? 'utf8'),
  });
  changeRoutes(app, audit, `${B}/keys/:key/delete`, {
    tags,
    params: KvKeyParams,
    body: ConfirmRequest,
    identify: keyId('kv.delete-key'),
    plan: (p) => kv.planDeleteKey(p.targetId, p.bucket, p.key, false),
  });
  changeRoutes(app, audit, `${B}/keys/:key/purge`, {
    tags,
    params: KvKeyParams,
    body: ConfirmRequest,
    identify: keyId('kv.purge'),
    plan: (p) => kv.planDeleteKey(p.targetId, p.bucket, p.key, true),
  });

  // ---------------------------------------------------------------- object stores

  const otags = ['objects'];
  app.get(
    `${BASE}/objects`,
    {
      schema: {
        tags: otags,
        params: AdminTargetParams,
        response: { 200: ObjectStoresResponse, ...errorResponses },
      },
    },
    async (request) => ({ buckets: await objects.listStores(request.params.targetId) }),
  );
  app.get(
    `${BASE}/objects/:bucket`,
    { schema: { tags: otags, params: BucketParams, response: { 200: ObjectsResponse, ...errorResponses } } },
    async (request) => ({
      objects: await objects.listObjects(request.params.targetId, request.params.bucket),
    }),
  );
  app.get(
    `${BASE}/objects/:bucket/objects/:name/download`,
    { schema: { tags: otags, params: ObjectParams } },
    async (request, reply) => {
      const { targetId, bucket, name } = request.params;
      const { data } = await objects.download(targetId, bucket, name);
      const file = name.split('/').at(-1) ?? name;
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file)}`)
        .send(Buffer.from(data));
    },
  );
  changeRoutes(app, audit, `${BASE}/objects/:bucket/delete`, {
    tags: otags,
    params: BucketParams,
    body: ConfirmRequest,
    identify: (p) => ({
      action: 'object-store.delete',
      objectType: 'object-store',
      objectId: p.bucket,
      targetId: p.targetId,
    }),
    plan: (p) => objects.planDeleteStore(p.targetId, p.bucket),
  });
  changeRoutes(app, audit, `${BASE}/objects/:bucket/objects/:name/delete`, {
    tags: otags,
    params: ObjectParams,
    body: ConfirmRequest,
    identify: (p) => ({
      action: 'object.delete',
      objectType: 'object',
      objectId: `${p.bucket}/${p.name}`,
      targetId: p.targetId,
    }),
    plan: (p) => objects.planDeleteObject(p.targetId, p.bucket, p.name),
  });
};
