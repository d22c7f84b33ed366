import { MsgHdrsImpl } from '@nats-io/transport-node';
import type { ReplayJob, ReplayPreviewResponse, ReplayRequest, ReplayStatus } from '@tern/contracts';
import type { PrismaClient } from '@tern/db';
import type { FastifyBaseLogger } from 'fastify';
import type { AuditActor, AuditLog } from '../audit/log.js';
import { countRange, resolveRange, scan } from './browse.js';
import { InvalidRange, InvalidSubject, ReplayJobNotFound, ReplayStateConflict } from './errors.js';
import { JsApi } from './jsapi.js';
import type { NatsPool } from './nats.js';
import { payloadKind, payloadPreview } from './payload.js';
import { readRangeBatches } from './reader.js';
import { isValidFilter, remapProblem, remapSubject } from './subjects.js';
import { MSG_ID } from './transfer.js';

type JobRow = NonNullable<Awaited<ReturnType<PrismaClient['replayJob']['findUnique']>>>;

/** Progress is flushed to NATS and saved this often (whichever comes first). */
const PERSIST_EVERY_MSGS = 10_000;
const PERSIST_EVERY_MS = 250;
/** At original pace, one gap never waits longer than this. */
const MAX_PACE_GAP_MS = 60_000;
const RATE_WINDOW_MS = 5000;

/** The id a replayed message carries, so a resumed job's repeats are dropped by the target stream. */
export const replayMsgId = (jobId: string, seq: number): string => `replay:${jobId}:${seq}`;

const MSG_ID_LINE = `${MSG_ID}:`;

/**
 * The header block a replayed message is published with: the stored block byte for byte (order, case and
 * repeated keys kept), with `Nats-Msg-Id` replaced or added when `msgId` is given.
 */
export function replayHeaders(
  stored: Uint8Array | undefined,
  msgId: string | undefined,
): Uint8Array | undefined {
  const hasStored = stored !== undefined && stored.length > 0;
  if (msgId === undefined) return hasStored ? stored : undefined;
  const idLine = `${MSG_ID}: ${msgId}\r\n\r\n`;
  if (!hasStored) return Buffer.from(`NATS/1.0\r\n${idLine}`, 'latin1');
  // latin1 maps every byte to one character and back, so values in any encoding survive untouched.
  let text = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength).toString('latin1');
  if (text.includes(`\r\n${MSG_ID_LINE}`)) {
    text = text
      .split('\r\n')
      .filter((line, i) => i === 0 || !line.startsWith(MSG_ID_LINE))
      .join('\r\n');
  }
  let end = text.length;
  while (end >= 2 && text.charCodeAt(end - 1) === 10 && text.charCodeAt(end - 2) === 13) end -= 2;
  return Buffer.from(`${text.slice(0, end)}\r\n${idLine}`, 'latin1');
}

/** Hands prebuilt header bytes to the client's publish, which only asks headers to encode themselves. */
class RawHeaders extends MsgHdrsImpl {
  bytes: Uint8Array = new Uint8Array(0);
  override encode(): Uint8Array {
    return this.bytes;
  }
}

/** Remapped subjects, remembered per source subject (streams hold few distinct subjects as a rule). */
function remapper(from: string | null, to: string | null): (subject: string) => string {
  if (!from) return (subject) => subject;
  const cache = new Map<string, string>();
  return (subject) => {
    let out = cache.get(subject);
    if (out === undefined) {
      out = remapSubject(subject, from, to);
      if (cache.size >= 10_000) cache.clear();
      cache.set(subject, out);
    }
    return out;
  };
}

interface Run {
  stopping: 'pause' | 'cancel' | 'shutdown' | null;
  finished: Promise<void>;
  samples: { t: number; done: number }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function validate(req: Pick<ReplayRequest, 'subject' | 'remapFrom' | 'remapTo'>): void {
  if (req.subject !== undefined && !isValidFilter(req.subject)) {
    throw new InvalidSubject(`"${req.subject}" is not a valid subject filter`);
  }
  if ((req.remapFrom === undefined) !== (req.remapTo === undefined)) {
    throw new InvalidSubject('give both remapFrom and remapTo, or neither');
  }
  if (req.remapFrom !== undefined && req.remapTo !== undefined) {
    const problem = remapProblem(req.remapFrom, req.remapTo);
    if (problem) throw new InvalidSubject(problem);
  }
}

/**
 * Runs replay jobs inside the monitor. The job row is the source of truth: its status says whether
 * it should run, and `cursorSeq` (saved only after a flush) where to continue after a restart.
 */
export class ReplayRunner {
  readonly #runs = new Map<string, Run>();
  #stopped = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly pool: NatsPool,
    private readonly audit: AuditLog,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Resumes the jobs that were running when the monitor stopped. */
  async start(): Promise<void> {
    const rows = await this.prisma.replayJob.findMany({ where: { status: 'running' } });
    for (const row of rows) this.#launch(row.id);
  }

  /** Stops every run, saving its cursor; statuses stay as they are so the next start resumes them. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const run of this.#runs.values()) run.stopping ??= 'shutdown';
    await Promise.all([...this.#runs.values()].map((r) => r.finished));
  }

  async preview(req: ReplayRequest): Promise<ReplayPreviewResponse> {
    validate(req);
    const js = new JsApi(await this.pool.get(req.targetId));
    const range = await resolveRange(js, req.stream, req);
    const { count, exact } = await countRange(js, req.stream, range);
    const sample: ReplayPreviewResponse['sample'] = [];
    for await (const m of scan(js, req.stream, range.fromSeq, range.toSeq, range.filter)) {
      const kind = payloadKind(m.data);
      sample.push({
        seq: m.seq,
        subject: m.subject,
        targetSubject: remapSubject(m.subject, req.remapFrom ?? null, req.remapTo ?? null),
        time: new Date(m.timeMs).toISOString(),
        size: m.data.length,
        preview: payloadPreview(m.data, kind, 200),
      });
      if (sample.length >= 10) break;
    }
    return { fromSeq: range.fromSeq, toSeq: range.toSeq, count, exact, sample };
  }

  async create(req: ReplayRequest, actor: AuditActor): Promise<ReplayJob> {
    validate(req);
    const js = new JsApi(await this.pool.get(req.targetId));
    const range = await resolveRange(js, req.stream, req);
    if (range.fromSeq > range.toSeq) throw new InvalidRange('the selection holds no messages');
    const { count } = await countRange(js, req.stream, range);
    const row = await this.audit.write(async (tx) => {
      const created = await tx.replayJob.create({
        data: {
          targetId: req.targetId,
          stream: req.stream,
          filterSubject: range.filter ?? null,
          fromSeq: BigInt(range.fromSeq),
          toSeq: BigInt(range.toSeq),
          remapFrom: req.remapFrom ?? null,
          remapTo: req.remapTo ?? null,
          ratePerSec: req.ratePerSec,
          addMsgId: req.addMsgId,
          dryRun: req.dryRun,
          originalPace: req.originalPace,
          status: 'running',
          total: count,
          cursorSeq: BigInt(range.fromSeq - 1),
          createdBy: actor.actor,
        },
      });
      return {
        value: created,
        entry: {
          ...actor,
          action: 'replay.create',
          objectType: 'replay-job',
          objectId: created.id,
          targetId: req.targetId,
          before: null,
          after: { ...req, fromSeq: range.fromSeq, toSeq: range.toSeq, total: count },
          result: 'ok',
        },
      };
    });
    this.#launch(row.id);
    return this.#dto(row);
  }

  async list(): Promise<ReplayJob[]> {
    const rows = await this.prisma.replayJob.findMany({ orderBy: { createdAt: 'desc' }, take: 100 });
    return rows.map((r) => this.#dto(r));
  }

  async get(id: string): Promise<ReplayJob> {
    const row = await this.prisma.replayJob.findUnique({ where: { id } });
    if (!row) throw new ReplayJobNotFound(id);
    return this.#dto(row);
  }

  /** Pause, resume or cancel; audited. */
  async act(id: string, action: 'pause' | 'resume' | 'cancel', actor: AuditActor): Promise<ReplayJob> {
    const row = await this.prisma.replayJob.findUnique({ where: { id } });
    if (!row) throw new ReplayJobNotFound(id);
    const allowed: Record<typeof action, string[]> = {
      pause: ['running'],
      resume: ['paused', 'failed'],
      cancel: ['running', 'paused', 'failed'],
    };
    if (!allowed[action].includes(row.status)) throw new ReplayStateConflict(action, row.status);
    const run = this.#runs.get(id);
    if (run && action !== 'resume') {
      run.stopping = action;
      await run.finished;
    }
    const status: ReplayStatus =
      action === 'pause' ? 'paused' : action === 'resume' ? 'running' : 'cancelled';
    const updated = await this.audit.write(async (tx) => {
      // The run may have completed meanwhile; only a job still in an allowed state changes.
      const current = await tx.replayJob.findUnique({ where: { id }, select: { status: true } });
      if (!current || !allowed[action].includes(current.status)) {
        throw new ReplayStateConflict(action, current?.status ?? 'gone');
      }
      const value = await tx.replayJob.update({
        where: { id },
        data: {
          status,
          ...(action === 'cancel' ? { finishedAt: new Date() } : {}),
          ...(action === 'resume' ? { error: null } : {}),
        },
      });
      return {
        value,
        entry: {
          ...actor,
          action: `replay.${action}`,
          objectType: 'replay-job',
          objectId: id,
          targetId: row.targetId,
          before: { status: row.status, done: row.done },
          after: { status, done: value.done, total: value.total },
          result: 'ok',
        },
      };
    });
    if (action === 'resume') this.#launch(id);
    return this.#dto(updated);
  }

  #launch(id: string): void {
    if (this.#stopped || this.#runs.has(id)) return;
    const run: Run = { stopping: null, finished: Promise.resolve(), samples: [] };
    run.finished = this.#execute(id, run)
      .catch((err) => this.log.error({ err, jobId: id }, 'replay job crashed'))
      .finally(() => this.#runs.delete(id));
    this.#runs.set(id, run);
  }

  async #execute(id: string, run: Run): Promise<void> {
    const job = await this.prisma.replayJob.findUnique({ where: { id } });
    if (job?.status !== 'running') return;
    let done = job.done;
    let cursor = Number(job.cursorSeq);
    const save = (data: Record<string, unknown> = {}) =>
      this.prisma.replayJob.update({ where: { id }, data: { cursorSeq: BigInt(cursor), done, ...data } });
    try {
      const nc = await this.pool.get(job.targetId);
      const js = new JsApi(nc);
      const interval = job.ratePerSec > 0 ? 1000 / job.ratePerSec : 0;
      let scheduled = Date.now();
      let prevTime: number | undefined;
      let lastSave = Date.now();
      let sinceSave = 0;
      let saving: Promise<unknown> = Promise.resolve();
      run.samples.push({ t: Date.now(), done });
      const raw = new RawHeaders();
      const withHeaders = { headers: raw };
      const target = remapper(job.remapFrom, job.remapTo);
      // A whole batch is handled without a turn of the event loop when nothing needs pacing, so the
      // client writes its publishes to the socket together instead of one write per message.
      batches: for await (const batch of readRangeBatches(
        js,
        job.stream,
        cursor + 1,
        Number(job.toSeq),
        job.filterSubject ?? undefined,
      )) {
        for (const m of batch) {
          if (run.stopping) break batches;
          // Pace: the stream's own gap (optional) but never faster than the rate limit. Catching up after
          // a stall is not allowed, so no burst ever exceeds the limit.
          const gap =
            job.originalPace && prevTime !== undefined
              ? Math.min(Math.max(m.timeMs - prevTime, 0), MAX_PACE_GAP_MS)
              : 0;
          prevTime = m.timeMs;
          const wait = Math.max(gap, interval);
          if (wait > 0) {
            scheduled = Math.max(scheduled + wait, Date.now());
            let ahead = scheduled - Date.now();
            while (ahead >= 1 && !run.stopping) {
              await sleep(Math.min(ahead, 200));
              ahead = scheduled - Date.now();
            }
            if (run.stopping) break batches;
          }
          if (!job.dryRun) {
            // Stored headers came from the server, so they are passed on as they are, not re-validated.
            const hdrs = replayHeaders(m.hdrs, job.addMsgId ? replayMsgId(id, m.seq) : undefined);
            if (hdrs) {
              raw.bytes = hdrs;
              nc.publish(target(m.subject), m.data, withHeaders);
            } else {
              nc.publish(target(m.subject), m.data);
            }
          }
          cursor = m.seq;
          done++;
          sinceSave++;
          const checkClock = wait > 0 || (sinceSave & 63) === 0;
          if (sinceSave >= PERSIST_EVERY_MSGS || (checkClock && Date.now() - lastSave >= PERSIST_EVERY_MS)) {
            // The cursor is saved only once the broker has everything before it (flush), so a restart may
            // repeat (deduplicated by Nats-Msg-Id) but never skip. Saving runs beside the loop, one at a time.
            const snapshot = { cursor, done };
            await saving;
            saving = (job.dryRun ? Promise.resolve() : nc.flush()).then(() =>
              this.prisma.replayJob.update({
                where: { id },
                data: { cursorSeq: BigInt(snapshot.cursor), done: snapshot.done },
              }),
            );
            saving.catch(() => {});
            lastSave = Date.now();
            sinceSave = 0;
            run.samples.push({ t: lastSave, done });
            while (
              run.samples.length > 2 &&
              (run.samples[0] as { t: number }).t < lastSave - RATE_WINDOW_MS
            ) {
              run.samples.shift();
            }
          }
        }
      }
      await saving;
      if (!job.dryRun) await nc.flush();
      if (run.stopping) {
        await save();
        return;
      }
      const finished = await save({ status: 'completed', total: done, finishedAt: new Date() });
      await this.#auditOutcome(finished, null);
    } catch (err) {
      const message = (err as Error).message;
      this.log.warn({ err, jobId: id }, 'replay job failed');
      if (run.stopping === 'shutdown') return;
      const failed = await save({ status: 'failed', error: message }).catch(() => undefined);
      if (failed) await this.#auditOutcome(failed, message);
    }
  }

  async #auditOutcome(row: JobRow, error: string | null): Promise<void> {
    await this.audit
      .append({
        actor: row.createdBy,
        role: null,
        sourceIp: null,
        requestId: null,
        action: 'replay.finish',
        objectType: 'replay-job',
        objectId: row.id,
        targetId: row.targetId,
        before: null,
        after: { status: row.status, done: row.done, total: row.total, dryRun: row.dryRun },
        result: error ? 'error' : 'ok',
        error,
      })
      .catch((err) => this.log.error({ err }, 'could not audit a replay outcome'));
  }

  #dto(row: JobRow): ReplayJob {
    const run = this.#runs.get(row.id);
    let rate = 0;
    if (run && row.status === 'running' && run.samples.length >= 2) {
      const a = run.samples[0] as { t: number; done: number };
      const b = run.samples.at(-1) as { t: number; done: number };
      rate = b.t > a.t ? ((b.done - a.done) * 1000) / (b.t - a.t) : 0;
    }
    const left = Math.max(row.total - row.done, 0);
    return {
      id: row.id,
      targetId: row.targetId,
      stream: row.stream,
      subject: row.filterSubject,
      fromSeq: Number(row.fromSeq),
      toSeq: Number(row.toSeq),
      remapFrom: row.remapFrom,
      remapTo: row.remapTo,
      ratePerSec: row.ratePerSec,
      addMsgId: row.addMsgId,
      dryRun: row.dryRun,
      originalPace: row.originalPace,
      status: row.status as ReplayStatus,
      total: row.total,
      done: row.done,
      cursorSeq: Number(row.cursorSeq),
      rate: Math.round(rate * 10) / 10,
      etaSeconds: row.status === 'running' && rate > 0 ? Math.ceil(left / rate) : null,
      error: row.error,
      createdBy: row.createdBy,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      finishedAt: row.finishedAt?.toISOString() ?? null,
    };
  }
}
