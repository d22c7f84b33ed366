// Cluster peer discovery. A NATS server tells us who its peers are (/routez: server ids and route
// addresses; /varz connect_urls: the client URLs of every cluster member) but never their monitoring
// ports, so a peer's monitoring URL can only be guessed and must then be verified:
//  - on another host, the same monitoring port as the known server (the usual deployment: every
//    node runs the same configuration);
//  - on the same host (several nodes on one machine), the same offset between client port and
//    monitoring port as the known server (e.g. 4222/8222, 4223/8223).
// A guess is kept only when its /varz answers with the server id of a route peer that no endpoint of
// the target covers yet, so a wrong guess never adds a stranger. Peers that cannot be guessed are
// still shown as `unmonitored` members of the cluster (see views/topology.ts).

import { fetchMonitorJson } from './fetch.js';
import type { EndpointState } from './scraper.js';
import { isVarz } from './varz.js';

const MAX_PROBES = 32;

/** Candidate monitoring URLs of the unknown route peers of `states`, each verified by its /varz. */
export async function discoverPeers(states: readonly EndpointState[], timeoutMs: number): Promise<string[]> {
  const known = new Set(states.flatMap((s) => (s.varz ? [s.varz.server_id] : [])));
  const peers = new Set(
    states
      .flatMap((s) => (s.snapshot?.routez?.routes ?? []).map((r) => r.remote_id))
      .filter((id) => !known.has(id)),
  );
  if (peers.size === 0) return [];
  const existing = new Set(states.map((s) => s.monitorUrl));
  const candidates = [...new Set(states.flatMap(guessMonitorUrls))].filter((u) => !existing.has(u));
  const found = new Map<string, string>();
  await Promise.all(
    candidates.slice(0, MAX_PROBES).map(async (url) => {
      try {
        const body = await fetchMonitorJson(url, '/varz', timeoutMs);
        if (isVarz(body) && peers.has(body.server_id) && !found.has(body.server_id))
          found.set(body.server_id, url);
      } catch {
        // a wrong guess
      }
    }),
  );
  return [...found.values()];
}

/** The monitoring URLs one scraped server's peers would have under the two rules above. */
export function guessMonitorUrls(state: EndpointState): string[] {
  const snap = state.snapshot;
  if (!snap) return [];
  let base: URL;
  try {
    base = new URL(state.monitorUrl);
  } catch {
    return [];
  }
  const monitorPort = Number(base.port || (base.protocol === 'https:' ? 443 : 80));
  const clientPort = snap.varz.port;
  const out: string[] = [];
  const add = (host: string, port: number) => {
    if (port > 0 && port < 65536)
      out.push(`${base.protocol}//${host.includes(':') ? `[${host}]` : host}:${port}`);
  };
  for (const raw of snap.varz.connect_urls ?? []) {
    const hp = parseHostPort(raw);
    if (!hp) continue;
    if (sameHost(hp.host, base.hostname)) {
      if (clientPort !== undefined && hp.port !== clientPort)
        add(base.hostname, monitorPort + hp.port - clientPort);
    } else add(hp.host, monitorPort);
  }
  for (const r of snap.routez?.routes ?? []) {
    if (r.ip && !sameHost(r.ip, base.hostname)) add(r.ip, monitorPort);
  }
  return out;
}

function parseHostPort(raw: string): { host: string; port: number } | undefined {
  try {
    const u = new URL(raw.includes('://') ? raw : `nats://${raw}`);
    const port = Number(u.port);
    return u.hostname && port ? { host: u.hostname.replace(/^\[|\]$/g, ''), port } : undefined;
  } catch {
    return undefined;
  }
}

const isLoopback = (h: string) => h === 'localhost' || h.startsWith('127.') || h === '::1' || h === '[::1]';

function sameHost(a: string, b: string): boolean {
  return a === b || (isLoopback(a) && isLoopback(b));
}
