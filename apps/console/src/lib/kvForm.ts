// KV bucket and key forms. KV durations are milliseconds in the API (the @nats-io/kv options).

import { parseBytes, parseDuration } from './units';

export interface KvBucketFormValues {
  bucket: string;
  description: string;
  history: string;
  ttl: string;
  maxBytes: string;
  maxValueSize: string;
  storage: 'file' | 'memory';
  replicas: string;
}

export const emptyKvBucketForm: KvBucketFormValues = {
  bucket: '',
  description: '',
  history: '1',
  ttl: '',
  maxBytes: '',
  maxValueSize: '',
  storage: 'file',
  replicas: '1',
};

/** Bucket names: letters, digits, `-` and `_` (the KV client's rule). */
export const BUCKET_PATTERN = /^[-\w]+$/;
/** Keys: letters, digits and `-/_=.`, not starting or ending with a dot (the KV client's rule). */
export const KEY_PATTERN = /^[-/_=.a-zA-Z0-9]+$/;

export type KvBucketFormErrors = Partial<Record<keyof KvBucketFormValues, string>>;

export function validateKvBucketForm(v: KvBucketFormValues): KvBucketFormErrors {
  const e: KvBucketFormErrors = {};
  if (!v.bucket.trim()) e.bucket = 'A bucket needs a name.';
  else if (!BUCKET_PATTERN.test(v.bucket.trim())) e.bucket = 'Letters, digits, - and _ only.';
  const h = Number(v.history);
  if (!/^\d+$/.test(v.history.trim()) || h < 1 || h > 64) e.history = 'Between 1 and 64.';
  if (parseDuration(v.ttl) === undefined) e.ttl = 'A duration such as 1h, or empty for forever.';
  if (parseBytes(v.maxBytes) === undefined) e.maxBytes = 'A size such as 1GiB, or empty for unlimited.';
  if (parseBytes(v.maxValueSize) === undefined)
    e.maxValueSize = 'A size such as 1MiB, or empty for unlimited.';
  const r = Number(v.replicas);
  if (!/^\d+$/.test(v.replicas.trim()) || r < 1 || r > 5) e.replicas = 'Between 1 and 5.';
  return e;
}

/** The KvBucketConfig the API takes (ttl in milliseconds). */
export function kvFormToConfig(v: KvBucketFormValues): {
  bucket: string;
  description?: string;
  history: number;
  ttl: number;
  max_bytes: number;
  max_value_size: number;
  storage: 'file' | 'memory';
  replicas: number;
} {
  return {
    bucket: v.bucket.trim(),
    ...(v.description.trim() ? { description: v.description.trim() } : {}),
    history: Number(v.history),
    ttl: Math.round((parseDuration(v.ttl) ?? 0) / 1e6),
    max_bytes: parseBytes(v.maxBytes) ?? -1,
    max_value_size: parseBytes(v.maxValueSize) ?? -1,
    storage: v.storage,
    replicas: Number(v.replicas),
  };
}

/** Why a key cannot be used, or null. */
export function kvKeyError(key: string): string | null {
  if (!key) return 'A key.';
  if (!KEY_PATTERN.test(key)) return 'Letters, digits and - / _ = . only.';
  if (key.startsWith('.') || key.endsWith('.')) return 'Cannot start or end with a dot.';
  return null;
}

/** Whether text is valid base64 (for binary values). */
export function isBase64(text: string): boolean {
  const s = text.replace(/\s+/g, '');
  return s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);
}
