import {
  createServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { jszEndpoint } from '../jetstream/jetstream.js';
import { hostPort, type Server } from '../server/server.js';
import {
  accountz,
  accstatz,
  connz,
  gatewayz,
  healthz,
  leafz,
  MonitorError,
  type Query,
  routez,
  subsz,
  varz,
} from './endpoints.js';

type Handler = (s: Server, q: Query) => object;

/** Go's encoding/json escapes these for HTML safety; tools diffing bodies expect the same bytes. */
function goJson(v: unknown, indent: boolean): string {
  return JSON.stringify(v, null, indent ? 2 : undefined).replace(/[<>&\u2028\u2029]/g, (c) => {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

const CALLBACK_RE = /^[A-Za-z_$][\w$.]*$/;

/** The monitoring HTTP port (`-m`), serving nats-server's endpoints. */
export class Monitor {
  private http: HttpServer | null = null;
  private boundPort = 0;
  readonly reqStats: Record<string, number> = {};
  private readonly routes: Record<string, Handler>;

  constructor(
    private readonly server: Server,
    private readonly host: string,
  ) {
    this.routes = {
      '/varz': (s) => varz(s, this.host, this.boundPort, this.reqStats),
      '/connz': connz,
      '/subsz': subsz,
      '/subscriptionsz': subsz,
      '/routez': routez,
      '/gatewayz': gatewayz,
      '/leafz': leafz,
      '/accountz': accountz,
      '/accstatz': accstatz,
      '/healthz': healthz,
      '/jsz': (s, q) => jszEndpoint(s.jetstream, s.serverId, q),
    };
  }

  get port(): number {
    return this.boundPort;
  }

  async listen(port: number): Promise<void> {
    const http = createServer((req, res) => this.handle(req, res));
    http.keepAliveTimeout = 5000;
    this.http = http;
    await new Promise<void>((resolve, reject) => {
      const onErr = (e: Error) => reject(e);
      http.once('error', onErr);
      http.listen({ host: this.host, port: Math.max(port, 0), exclusive: true }, () => {
        http.off('error', onErr);
        resolve();
      });
    });
    this.boundPort = (http.address() as AddressInfo).port;
    this.server.monitorPort = this.boundPort;
    this.server.logger.info(`Starting http monitor on ${hostPort(this.host, this.boundPort)}`);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let path = url.pathname;
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    if (path === '/') {
      this.count('/');
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(indexHtml(Object.keys(this.routes)));
      return;
    }
    const handler = this.routes[path];
    if (!handler) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
      return;
    }
    this.count(path);
    let status = 200;
    let body: string;
    try {
      // nats-server indents every body except /healthz.
      body = goJson(handler(this.server, url.searchParams), path !== '/healthz');
    } catch (e) {
      status = e instanceof MonitorError ? e.status : 500;
      body = e instanceof Error ? e.message : String(e);
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(body);
      return;
    }
    const cb = url.searchParams.get('callback');
    if (cb && CALLBACK_RE.test(cb)) {
      res.writeHead(status, { 'Content-Type': 'application/javascript', 'Access-Control-Allow-Origin': '*' });
      res.end(`${cb}(${body})`);
      return;
    }
    res.writeHead(status, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
    res.end(body);
  }

  private count(path: string): void {
    this.reqStats[path] = (this.reqStats[path] ?? 0) + 1;
  }

  async close(): Promise<void> {
    const h = this.http;
    if (!h) return;
    this.http = null;
    h.closeAllConnections();
    await new Promise<void>((resolve) => h.close(() => resolve()));
  }
}

function indexHtml(paths: string[]): string {
  const links = paths.map((p) => `    <a href=".${p}">${p.slice(1)}</a><br/>`).join('\n');
  return `<html lang="en">\n  <head><title>Tern monitoring</title></head>\n  <body>\n${links}\n  </body>\n</html>\n`;
}
