import { createHash, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import type { RunParameters } from '../engine/types';
import { answered, closeConnection, connect, reachable } from './connection';
import { readEvents } from './events';
import { checkQueueName, checkRunId, DEFAULT_QUEUE, KEEP_SECONDS, PREFIX, queueKeys, type QueueKeys } from './keys';
import { JOB_NAME, jobOptions } from './queue';
import { readRecord } from './records';
import type { RunJob, RunRecord, RunState, RunStatus, StreamEntry } from './types';

export interface SubmitRequest {
  /** The workflow file's text. */
  text: string;
  /** Its path relative to the root that workers share (see RunJob.file). */
  file: string;
  parameters?: RunParameters;
  to?: string;
  timeoutMs?: number;
  /** Give one to make submitting idempotent: the same id twice is one run. Default a UUID. */
  runId?: string;
}

export class UnknownRunError extends Error {}

/** A run id submitted again with a different workflow, path, parameters or target node. */
export class RunIdInUse extends Error {}

/**
 * Claims caller-chosen run ids: each id keeps the digest it was first submitted with, so the same
 * submission again is the same run (idempotent) while a different one under a used id is refused
 * instead of silently answered with the other run's record. All ids are checked before any is
 * claimed: a refused batch claims nothing. Returns the 1-based index of the first conflict, or 0.
 */
const CLAIM = `
for i = 1, #KEYS do
  local had = redis.call('GET', KEYS[i])
  if had and had ~= ARGV[i + 1] then return i end
end
for i = 1, #KEYS do redis.call('SET', KEYS[i], ARGV[i + 1], 'EX', ARGV[1]) end
return 0
`;

/** What makes two submissions the same run. */
function digest(job: RunJob): string {
  return createHash('sha256')
    .update(JSON.stringify([job.text, job.file, job.parameters, job.to ?? null]))
    .digest('base64url');
}

/** How long a follower blocks on Redis before it checks whether the run still exists. */
const BLOCK_MS = 2000;

/**
 * Sends runs to a worker queue and follows them: what the CLI's `submit` and `status` use, and
 * what the editor can use to run a workflow on a fleet and show its progress.
 */
export class WorkerClient {
  readonly queueName: string;
  private readonly keys: QueueKeys;
  private readonly redis: Redis;
  private queue?: Queue<RunJob>;

  constructor(private readonly options: { redis: string; queue?: string }) {
    this.queueName = checkQueueName(options.queue ?? DEFAULT_QUEUE);
    this.keys = queueKeys(this.queueName);
    this.redis = connect(options.redis, 'kwf-client');
  }

  /** Fails with a readable message if Redis does not answer within `ms`. */
  ready(ms = 5000): Promise<void> {
    return reachable(this.redis, this.options.redis, ms);
  }

  /** Enqueues runs; returns their ids in order. */
  async submit(requests: SubmitRequest[]): Promise<string[]> {
    const jobs = requests.map((r): RunJob => ({
      v: 1,
      runId: r.runId === undefined ? randomUUID() : checkRunId(r.runId),
      text: r.text,
      file: r.file,
      parameters: r.parameters ?? {},
      submittedAt: Date.now(),
      ...(r.to !== undefined ? { to: r.to } : {}),
      ...(r.timeoutMs !== undefined ? { timeoutMs: r.timeoutMs } : {}),
    }));
    const chosen = jobs.filter((_, i) => requests[i]!.runId !== undefined);
    if (chosen.length) {
      const conflict = Number(
        await this.redis.eval(
          CLAIM,
          chosen.length,
          ...chosen.map((j) => this.keys.submitted(j.runId)),
          KEEP_SECONDS,
          ...chosen.map(digest),
        ),
      );
      if (conflict > 0) {
        const id = chosen[conflict - 1]!.runId;
        throw new RunIdInUse(
          `run id '${id}' was already submitted to queue '${this.queueName}' with a different workflow, path or parameters; give this run another id`,
        );
      }
    }
    this.queue ??= new Queue<RunJob>(this.queueName, { connection: this.redis, prefix: PREFIX });
    await this.queue.addBulk(jobs.map((data) => ({ name: JOB_NAME, data, opts: jobOptions(data) })));
    return jobs.map((j) => j.runId);
  }

  async status(runId: string): Promise<RunStatus> {
    const base = { runId, queue: this.queueName };
    const record = await readRecord(this.redis, this.keys, runId);
    if (record) return { ...base, state: record.result.status, record };
    const state = await this.jobState(runId);
    if (state !== 'unknown') return { ...base, state };
    // Recorded between the two reads (the job is removed once the run is recorded).
    const late = await readRecord(this.redis, this.keys, runId);
    return late ? { ...base, state: late.result.status, record: late } : { ...base, state: 'unknown' };
  }

  /**
   * The run's events, from the start (or after `from`, a stream id seen before), across every
   * delivery, ending with the `recorded` entry. Throws UnknownRunError for a run this queue has
   * never seen (or whose record has expired).
   */
  async *follow(runId: string, opts: { from?: string; signal?: AbortSignal } = {}): AsyncGenerator<StreamEntry> {
    // XREAD BLOCK holds its connection; each follower gets its own.
    const conn = this.redis.duplicate();
    conn.on('error', () => undefined);
    const onAbort = () => conn.disconnect();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let from = opts.from ?? '0';
    // The first read does not block, so that an unknown run is reported at once.
    let block: number | undefined;
    let failedWithoutRecord = 0;
    try {
      for (;;) {
        if (opts.signal?.aborted) return;
        let entries: StreamEntry[];
        try {
          entries = await readEvents(conn, this.keys, runId, from, block);
          block = BLOCK_MS;
        } catch (err) {
          if (opts.signal?.aborted) return;
          throw err;
        }
        for (const e of entries) {
          from = e.id;
          yield e;
          if (e.event.type === 'recorded') return;
        }
        if (entries.length > 0) continue;
        // Quiet for a while: the stream may have expired after the run was recorded, or the
        // run may not exist at all.
        const s = await this.status(runId);
        if (s.record) return;
        if (s.state === 'unknown') throw new UnknownRunError(`no run '${runId}' in queue '${this.queueName}'`);
        // The worker that saw the queue fail the run records it at once; a job it could not even
        // read (a newer job shape) never gets a record.
        if (s.state === 'failed' && ++failedWithoutRecord >= 2)
          throw new Error(`the queue failed run '${runId}' and no worker recorded it`);
      }
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      conn.disconnect();
    }
  }

  /** Waits for the run's record. */
  async wait(runId: string, opts: { signal?: AbortSignal; onEntry?: (e: StreamEntry) => void } = {}): Promise<RunRecord> {
    for await (const e of this.follow(runId, opts)) opts.onEntry?.(e);
    opts.signal?.throwIfAborted();
    const record = await readRecord(this.redis, this.keys, runId);
    if (!record) throw new UnknownRunError(`run '${runId}' ended without a record (expired?)`);
    return record;
  }

  /**
   * Cancels a run: a worker running it aborts it (recorded as `cancelled`); one not yet picked up
   * is cancelled as soon as a worker takes it.
   */
  async cancel(runId: string): Promise<void> {
    await this.redis.set(this.keys.cancel(runId), '1', 'EX', KEEP_SECONDS);
    await this.redis.publish(this.keys.cancelChannel, runId);
  }

  /** Never waits on a Redis that is gone. */
  async close(): Promise<void> {
    const queue = this.queue?.close().catch(() => undefined);
    if (queue && this.redis.status === 'ready') await answered(queue, this.options.redis, 2000).catch(() => undefined);
    await closeConnection(this.redis);
  }

  private async jobState(runId: string): Promise<RunState> {
    this.queue ??= new Queue<RunJob>(this.queueName, { connection: this.redis, prefix: PREFIX });
    const s = await this.queue.getJobState(runId);
    if (s === 'active') return 'running';
    if (s === 'waiting' || s === 'delayed' || s === 'prioritized' || s === 'waiting-children') return 'queued';
    // Failed by the queue: the worker that saw it fail is writing its record.
    if (s === 'failed') return 'failed';
    return 'unknown';
  }
}
