import type { Msg, NatsConnection } from '@nats-io/transport-node';
import type { MessageTailEvent } from '@tern/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { payloadKind, payloadPreview } from './payload.js';

/** Events sent to one browser per second at most; the rest are counted as dropped. */
const MAX_EVENTS_PER_SEC = 200;
const FLUSH_MS = 100;
const HEARTBEAT_MS = 15_000;

/**
 * Live tails: a core NATS subscription per browser, relayed as Server-Sent Events. A slow or very
 * busy subject cannot make the monitor buffer without bound: beyond the budget messages are dropped
 * and counted.
 */
export class Tails {
  readonly #open = new Set<() => void>();

  open(nc: NatsConnection, subject: string, request: FastifyRequest, reply: FastifyReply): void {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`event: ready\ndata: ${JSON.stringify({ subject })}\n\n`);
    let pending: MessageTailEvent[] = [];
    let dropped = 0;
    let budget = MAX_EVENTS_PER_SEC;
    let closed = false;
    const sub = nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err || closed) return;
        if (budget <= 0 || pending.length >= MAX_EVENTS_PER_SEC) {
          dropped++;
          return;
        }
        budget--;
        pending.push(toEvent(msg, dropped));
        dropped = 0;
      },
    });
    const flush = setInterval(() => {
      if (pending.length > 0 || dropped > 0) {
        const batch = pending;
        pending = [];
        if (batch.length === 0) {
          res.write(`event: dropped\ndata: ${dropped}\n\n`);
          dropped = 0;
        }
        for (const e of batch) res.write(`data: ${JSON.stringify(e)}\n\n`);
      }
    }, FLUSH_MS);
    const refill = setInterval(() => {
      budget = MAX_EVENTS_PER_SEC;
    }, 1000);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(flush);
      clearInterval(refill);
      clearInterval(heartbeat);
      sub.unsubscribe();
      this.#open.delete(close);
      res.end();
    };
    this.#open.add(close);
    request.raw.on('close', close);
    res.on('error', close);
  }

  /** Ends every open tail (the app is closing). */
  closeAll(): void {
    for (const close of [...this.#open]) close();
  }
}

function toEvent(msg: Msg, dropped: number): MessageTailEvent {
  const kind = payloadKind(msg.data);
  return {
    subject: msg.subject,
    ...(msg.reply ? { reply: msg.reply } : {}),
    time: new Date().toISOString(),
    size: msg.data.length,
    headers: msg.headers
      ? [...msg.headers].flatMap(([k, vs]) => vs.map((v) => [k, v] as [string, string]))
      : [],
    kind,
    preview: payloadPreview(msg.data, kind, 1024),
    dropped,
  };
}
