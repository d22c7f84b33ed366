import type { CreateTargetRequest, Target as TargetDto } from '@tern/contracts';
import type { Target } from '@tern/db';
import { InvalidTargetUrl, TargetUnreachable } from '../errors.js';
import { fetchMonitorJson, joinUrl, ScrapeError } from '../scrape/fetch.js';
import type { ScrapeTarget } from '../scrape/scraper.js';
import { isVarz } from '../scrape/varz.js';

/** The API view of a target: credentials are never returned, only whether there are any. */
export function toTargetDto(row: Target): TargetDto {
  return {
    id: row.id,
    name: row.name,
    natsUrls: row.natsUrls,
    monitorUrls: row.monitorUrls,
    embedded: row.embedded,
    hasCredentials: row.credentials !== null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const toScrapeTarget = (row: Target): ScrapeTarget => ({
  id: row.id,
  name: row.name,
  monitorUrls: row.monitorUrls,
  embedded: row.embedded,
});

/** Normalises URLs (no trailing slash) and rejects ones a NATS client or fetch could not use. */
export function normaliseUrls(body: Pick<CreateTargetRequest, 'natsUrls' | 'monitorUrls'>): {
  natsUrls: string[];
  monitorUrls: string[];
} {
  const monitorUrls = body.monitorUrls.map((raw) => {
    const url = parse(raw);
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new InvalidTargetUrl(
        `Monitoring URL "${raw}" must be an http:// or https:// URL, e.g. http://127.0.0.1:8222`,
      );
    }
    return raw.trim().replace(/\/+$/, '');
  });
  const natsUrls = (body.natsUrls ?? []).map((raw) => {
    const withScheme = raw.includes('://') ? raw.trim() : `nats://${raw.trim()}`;
    const url = parse(withScheme);
    if (!url || !['nats:', 'tls:', 'ws:', 'wss:'].includes(url.protocol) || !url.hostname) {
      throw new InvalidTargetUrl(`NATS URL "${raw}" must look like nats://host:4222`);
    }
    return withScheme;
  });
  return { natsUrls, monitorUrls };
}

/** Fetches `/varz` from every monitoring URL; throws TARGET_UNREACHABLE naming the first URL that fails and why. */
export async function checkReachable(monitorUrls: string[], timeoutMs: number): Promise<void> {
  await Promise.all(
    monitorUrls.map(async (base) => {
      try {
        const body = await fetchMonitorJson(base, '/varz', timeoutMs);
        if (!isVarz(body))
          throw new ScrapeError(joinUrl(base, '/varz'), 'the response is not a NATS server /varz');
      } catch (err) {
        const reason = err instanceof ScrapeError ? err.reason : (err as Error).message;
        throw new TargetUnreachable(
          `Cannot reach the NATS monitoring endpoint ${joinUrl(base, '/varz')}: ${reason}. ` +
            'Check the URL and that the server runs with monitoring enabled (-m <port>), or save it with skipValidation.',
        );
      }
    }),
  );
}

function parse(raw: string): URL | undefined {
  try {
    return new URL(raw.trim());
  } catch {
    return undefined;
  }
}
