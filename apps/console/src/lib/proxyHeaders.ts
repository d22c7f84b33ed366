// Header rules of the console's /api proxy (src/app/api/[...path]/route.ts), kept free of Next so they
// can be tested on their own.

/**
 * Connection-level headers (RFC 9110 §7.6.1), Expect (answered hop by hop, §10.1.1, and refused by fetch)
 * and ones fetch recomputes; never forwarded.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'expect',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

/**
 * Headers that claim a client address. The monitor trusts X-Forwarded-For from the console (loopback) for
 * its login rate limit and the audit log, so only the console may set it; a browser's own is dropped.
 */
const FORWARDING = new Set(['x-forwarded-for', 'x-real-ip', 'forwarded']);

/**
 * The browser's address from the X-Forwarded-For the console's server saw. Next fills that header with the
 * socket's peer only when the request has none (the /api branch of src/proxy.ts removes a browser's own
 * first), so with no trusted proxy it holds exactly the peer; with `trustedProxies` reverse proxies in front,
 * each appended the address it was reached from, so the browser is that many entries from the right and
 * anything further left was written by the browser. Undefined when there is no usable entry.
 */
export function clientAddress(forwardedFor: string | null, trustedProxies: number): string | undefined {
  if (!forwardedFor) return undefined;
  const hops = forwardedFor.split(',').map((hop) => hop.trim());
  const hop = hops[hops.length - Math.max(trustedProxies, 1)];
  return hop || undefined;
}

/** What the console sends the monitor: the browser's headers less hop-by-hop ones, its address set by us. */
export function upstreamRequestHeaders(incoming: Headers, trustedProxies: number): Headers {
  const out = new Headers();
  incoming.forEach((value, name) => {
    if (HOP_BY_HOP.has(name) || FORWARDING.has(name)) return;
    // accept-encoding is dropped because fetch decompresses the upstream body itself.
    if (name !== 'accept-encoding') out.set(name, value);
  });
  const client = clientAddress(incoming.get('x-forwarded-for'), trustedProxies);
  if (client) out.set('x-forwarded-for', client);
  return out;
}

/** What the browser gets back: the monitor's headers less hop-by-hop ones, every Set-Cookie kept. */
export function downstreamResponseHeaders(upstream: Headers): Headers {
  const out = new Headers();
  upstream.forEach((value, name) => {
    if (HOP_BY_HOP.has(name) || name === 'content-encoding' || name === 'set-cookie') return;
    out.set(name, value);
  });
  for (const cookie of upstream.getSetCookie()) out.append('set-cookie', cookie);
  if (out.get('content-type')?.startsWith('text/event-stream')) {
    // no-transform keeps Next's gzip from buffering the stream.
    out.set('cache-control', 'no-cache, no-transform');
    out.set('x-accel-buffering', 'no');
  }
  return out;
}
