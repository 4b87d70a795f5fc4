import { hostname } from 'node:os';
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type Redis from 'ioredis';
import { WorkflowInvalid } from '../engine/errors';
import { LocalRuntime } from '../engine/local';
import { useSharedPolicies } from '../engine/policies';
import type { RunResult } from '../engine/types';
import type { WorkflowModel } from '../model/types';
import { parseWorkflowFile } from '../model/load';
import { connect, displayUrl } from './connection';
import { EventWriter } from './events';
import { RedisPolicies } from './global-policies';
import { checkQueueName, DEFAULT_QUEUE, PREFIX, queueKeys, type QueueKeys } from './keys';
import { MAX_STALLS, STALLED_TOO_OFTEN, stallSettings } from './queue';
import { deliveries, recordOnce, startRun } from './records';
import type { RunJob, RunRecord } from './types';

export interface RunWorkerOptions {
  redis: string;
  queue?: string;
  /** Runs at once in this process. */
  concurrency?: number;
  /** Where submitted workflow paths resolve; file nodes stay inside it (default the cwd). */
  root?: string;
  /** Whole-run timeout for jobs that bring none (default none). */
  timeoutMs?: number;
  /** BullMQ lock; a dead worker's runs are recovered within about twice this. */
  lockDurationMs?: number;
  /** On shutdown, how long in-flight runs may finish before they are handed back. */
  graceMs?: number;
  /** `${env:…}` and `KAILASH_SECRET_*` come from here (default the process environment). */
  env?: Record<string, string | undefined>;
  /** Defaults to `host:pid`. */
  name?: string;
  log?: (line: string) => void;
}

export const WORKER_DEFAULTS = {
  /** Runs mostly wait on I/O, so a few at once per process. */
  concurrency: 4,
  lockDurationMs: 30_000,
  graceMs: 30_000,
};

/** Why a run's signal was aborted; the engine only sees "cancelled". */
const HAND_BACK = 'hand-back';
const TIMEOUT = 'timeout';
const CANCEL = 'cancel';

/** Parsed workflows kept per text: a fleet runs the same few workflows many times. */
const MODEL_CACHE = 64;

/**
 * Takes runs from a BullMQ queue and executes them with the same LocalRuntime as the CLI and the
 * editor. Delivery is at least once; a run's record is written once (records.ts), and a run found
 * already recorded is not executed again.
 */
export class RunWorker {
  readonly name: string;
  readonly queue: string;
  private readonly keys: QueueKeys;
  private readonly root: string;
  private readonly runtime: LocalRuntime;
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly events: EventWriter;
  private readonly inFlight = new Map<string, AbortController>();
  private readonly models = new Map<string, WorkflowModel>();
  private bull?: Worker<RunJob, { status: string }>;
  private stopping?: Promise<void>;
  private readonly log: (line: string) => void;

  constructor(private readonly options: RunWorkerOptions) {
    this.queue = checkQueueName(options.queue ?? DEFAULT_QUEUE);
    this.keys = queueKeys(this.queue);
    this.name = options.name ?? `${hostname()}:${process.pid}`;
    this.root = resolve(options.root ?? process.cwd());
    this.log = options.log ?? (() => undefined);
    this.runtime = new LocalRuntime({ env: options.env ?? process.env });
    this.redis = connect(options.redis, `kwf-worker:${this.name}`, { pipeline: true });
    this.subscriber = connect(options.redis, `kwf-worker-cancel:${this.name}`);
    this.events = new EventWriter(this.redis, this.keys, this.name, (err) => this.log(`! redis: ${err.message}`));
  }

  /** Connects, subscribes to cancellations and starts taking runs; resolves once ready. */
  async start(): Promise<void> {
    this.subscriber.on('message', (_channel: string, runId: string) => this.inFlight.get(runId)?.abort(CANCEL));
    await this.subscriber.subscribe(this.keys.cancelChannel);
    useSharedPolicies(new RedisPolicies(this.redis));
    const concurrency = Math.max(1, this.options.concurrency ?? WORKER_DEFAULTS.concurrency);
    this.bull = new Worker<RunJob, { status: string }>(this.queue, (job, token, signal) => this.process(job, token, signal), {
      connection: { url: this.options.redis },
      prefix: PREFIX,
      name: this.name,
      concurrency,
      ...stallSettings(this.options.lockDurationMs ?? WORKER_DEFAULTS.lockDurationMs),
      autorun: false,
    });
    this.bull.on('error', (err) => this.log(`! ${err.message}`));
    // Runs go on during an outage; their records and events wait in the connection's queue.
    let lost = false;
    this.redis.on('close', () => {
      if (!lost && !this.stopping) this.log('! lost the connection to Redis; reconnecting');
      lost = true;
    });
    this.redis.on('ready', () => {
      if (lost) this.log('Redis is back');
      lost = false;
    });
    this.bull.on('failed', (job, err) => {
      if (job) void this.recordFailure(job, err);
    });
    void this.bull.run();
    await this.bull.waitUntilReady();
    this.log(
      `worker ${this.name} ready: queue '${this.queue}' on ${displayUrl(this.options.redis)}, concurrency ${concurrency}, root ${this.root}`,
    );
  }

  /**
   * Graceful stop: take no new runs, let in-flight ones finish for up to `graceMs`, then abort
   * the rest and hand them back to the queue (another worker reruns them from the start).
   */
  stop(graceMs = this.options.graceMs ?? WORKER_DEFAULTS.graceMs): Promise<void> {
    this.stopping ??= (async () => {
      this.log(`draining: ${this.inFlight.size} run${this.inFlight.size === 1 ? '' : 's'} in flight, taking no more`);
      const timer = setTimeout(() => {
        for (const c of this.inFlight.values()) c.abort(HAND_BACK);
      }, graceMs);
      try {
        await this.bull?.close();
      } finally {
        clearTimeout(timer);
        useSharedPolicies(undefined);
        await Promise.allSettled([this.subscriber.quit(), this.redis.quit(), this.runtime.dispose()]);
      }
      this.log('stopped');
    })();
    return this.stopping;
  }

  /** Hands back every in-flight run at once (a second SIGTERM). */
  handBackAll(): void {
    for (const c of this.inFlight.values()) c.abort(HAND_BACK);
  }

  private async process(
    job: Job<RunJob, { status: string }>,
    token: string | undefined,
    jobSignal?: AbortSignal,
  ): Promise<{ status: string }> {
    const data = job.data;
    if (data?.v !== 1)
      throw new UnrecoverableError(
        `unknown job shape (v=${String((data as { v?: unknown })?.v)}): is this worker older than the submitter?`,
      );
    const { runId } = data;
    if (this.stopping) {
      // Fetched just as the drain began: not ours to start any more.
      this.log(`↩ ${runId} handed back (draining)`);
      await job.moveToWait(token);
      throw new WaitingError();
    }
    // Logged in the same tick as the check above: no `▶` can follow a `draining:` line.
    this.log(`▶ ${runId}`);
    const startedAt = Date.now();
    const start = await startRun(this.redis, this.keys, runId, this.name, startedAt);
    if (start.recorded) {
      // A redelivery of a run that finished but whose worker died before the job was completed.
      this.log(`= ${runId} already recorded by ${start.recorded.worker}`);
      return { status: start.recorded.result.status };
    }
    const { delivery } = start;
    const controller = new AbortController();
    if (start.cancelled) controller.abort(CANCEL);
    this.inFlight.set(runId, controller);
    const onJobAbort = () => controller.abort(CANCEL);
    jobSignal?.addEventListener('abort', onJobAbort, { once: true });
    const timeoutMs = data.timeoutMs ?? this.options.timeoutMs;
    const timer = timeoutMs ? setTimeout(() => controller.abort(TIMEOUT), timeoutMs) : undefined;
    let result: RunResult;
    try {
      result = await this.execute(data, delivery, controller.signal);
    } catch (err) {
      // Not the workflow failing (that is a result) but the worker: BullMQ retries the job.
      this.log(`! ${runId}: ${(err as Error).message}`);
      throw err;
    } finally {
      clearTimeout(timer);
      jobSignal?.removeEventListener('abort', onJobAbort);
      this.inFlight.delete(runId);
    }
    const reason: unknown = controller.signal.reason;
    if (result.status === 'cancelled' && reason === HAND_BACK) {
      this.events.append(delivery, { type: 'handed-back', runId, time: Date.now(), reason: 'worker shutting down' });
      this.log(`↩ ${runId} handed back`);
      await job.moveToWait(token);
      throw new WaitingError();
    }
    if (result.status === 'cancelled' && reason === TIMEOUT) {
      result.status = 'failed';
      result.error = { type: 'TimeoutError', message: `The run exceeded its timeout of ${timeoutMs! / 1000} s` };
    }
    const record: RunRecord = {
      runId,
      queue: this.queue,
      file: data.file,
      worker: this.name,
      delivery,
      submittedAt: data.submittedAt,
      startedAt,
      finishedAt: Date.now(),
      result,
    };
    const stored = await recordOnce(this.redis, this.keys, record);
    if (stored.written)
      this.log(
        `${result.status === 'succeeded' ? '✓' : '✗'} ${runId} ${result.status} in ${result.durationMs} ms${delivery > 1 ? ` (delivery ${delivery})` : ''}`,
      );
    else this.log(`= ${runId} ran again but was already recorded by ${stored.record.worker}; this result is dropped`);
    return { status: stored.record.result.status };
  }

  /** Runs the job's workflow; a workflow that cannot run becomes a failed result, not a job error. */
  private async execute(data: RunJob, delivery: number, signal: AbortSignal): Promise<RunResult> {
    let place: { root: string; baseDir: string };
    try {
      place = await jobPlace(this.root, data.file);
    } catch (err) {
      return failed(data.runId, 'SecurityError', (err as Error).message);
    }
    try {
      return await this.runtime.execute(this.model(data.text, data.file), {
        runId: data.runId,
        parameters: data.parameters,
        signal,
        baseDir: place.baseDir,
        roots: [place.root],
        onEvent: (e) => this.events.append(delivery, e),
        ...(data.to !== undefined ? { to: data.to } : {}),
      });
    } catch (err) {
      if (err instanceof WorkflowInvalid) return failed(data.runId, 'WorkflowValidationError', err.message);
      throw err;
    }
  }

  /** The job's model, read as its file name says (cached by name and text). */
  private model(text: string, file: string | undefined): WorkflowModel {
    const key = `${file ?? ''}\u0000${text}`;
    let m = this.models.get(key);
    if (m) {
      this.models.delete(key);
    } else {
      m = parseWorkflowFile(text, file);
      if (this.models.size >= MODEL_CACHE) this.models.delete(this.models.keys().next().value!);
    }
    this.models.set(key, m);
    return m;
  }

  /** A job BullMQ gave up on (worker errors, stalled too often) still gets its one record. */
  private async recordFailure(job: Job<RunJob, { status: string }>, err: Error): Promise<void> {
    try {
      if ((await job.getState()) !== 'failed' || job.data?.v !== 1) return;
      const now = Date.now();
      const stored = await recordOnce(this.redis, this.keys, {
        runId: job.data.runId,
        queue: this.queue,
        file: job.data.file,
        worker: this.name,
        delivery: Math.max(1, await deliveries(this.redis, this.keys, job.data.runId)),
        submittedAt: job.data.submittedAt,
        startedAt: job.processedOn ?? now,
        finishedAt: now,
        result: failed(job.data.runId, 'WorkerError', failureMessage(err)),
      });
      if (stored.written) this.log(`✗ ${job.data.runId} failed in the queue: ${err.message}`);
    } catch (e) {
      this.log(`! could not record the failure of ${job.id}: ${(e as Error).message}`);
    }
  }
}

/**
 * Where a job runs: its file's folder, which must lie inside the worker's --root once links are
 * resolved. The job's path is the submitter's word, so `.`, '' (whose folder would be the root's
 * parent), absolute paths, `..` and a link inside the root that leads out of it are all refused.
 */
export async function jobPlace(root: string, file: unknown): Promise<{ root: string; baseDir: string }> {
  if (typeof file !== 'string' || file.trim() === '' || isAbsolute(file) || file.split(/[\\/]/).includes('..') || file.includes('\0')) {
    throw new Error(`The workflow path '${String(file)}' must name a file relative to the worker's --root, without '..'.`);
  }
  const realRoot = await realpath(root);
  const full = resolve(realRoot, file);
  if (!isInside(realRoot, full) || full === realRoot)
    throw new Error(`The workflow path '${file}' must name a file inside the worker's --root.`);
  // The folder need not exist on this worker (the job brings the text): check its nearest
  // existing ancestor, which is where a link could lead out.
  let probe = dirname(full);
  let real: string | undefined;
  while (real === undefined) {
    try {
      real = resolve(await realpath(probe), relative(probe, dirname(full)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(probe) === probe) throw err;
      probe = dirname(probe);
    }
  }
  if (!isInside(realRoot, real))
    throw new Error(`The workflow path '${file}' leads outside the worker's --root (through a symbolic link).`);
  return { root: realRoot, baseDir: real };
}

function isInside(root: string, full: string): boolean {
  const r = relative(root, full);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

function failureMessage(err: Error): string {
  if (err.message === STALLED_TOO_OFTEN) {
    return `The run stopped ${MAX_STALLS} workers (each died or stalled while running it), so it is not delivered again. Look for what kills the worker: memory, a crash in a code node, a blocked event loop.`;
  }
  return `The queue gave up on this run: ${err.message}`;
}

function failed(runId: string, type: string, message: string): RunResult {
  return { runId, status: 'failed', durationMs: 0, results: {}, nodes: {}, error: { type, message } };
}
