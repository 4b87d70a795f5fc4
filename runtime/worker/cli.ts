import { isAbsolute, relative, resolve } from 'node:path';
import { jsonText } from '../values/print';
import { parseArgs } from 'node:util';
import type { RunResult } from '../engine/types';
import { collectParams, printDiagnostics, refused } from '../cli/run';
import { WorkflowInvalid } from '../engine/errors';
import { prepareRun } from '../engine/local';
import type { RunCheck } from '../engine/run-parameters';
import { LineIndex } from '../model/lines';
import { parseWorkflowFile } from '../model/load';
import { RunIdInUse, WorkerClient } from './client';
import { answered, checkRedisUrl } from './connection';
import { checkQueueName, checkRunId } from './keys';
import type { RunStatus, StreamEntry } from './types';
import { RunWorker, WORKER_DEFAULTS } from './worker';

export interface WorkerCliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** What the CLI's main module lends: its usage error (exit 2) and its file reader. */
export interface WorkerCliContext {
  usageError(message: string): Error;
  readFile(file: string): string;
}

export async function workerCli(
  command: 'worker' | 'submit' | 'status' | 'cancel',
  args: string[],
  io: WorkerCliIo,
  ctx: WorkerCliContext,
): Promise<number> {
  try {
    if (command === 'worker') return await workerCommand(args, io, ctx);
    if (command === 'submit') return await submitCommand(args, io, ctx);
    if (command === 'cancel') return await cancelCommand(args, io, ctx);
    return await statusCommand(args, io, ctx);
  } catch (err) {
    // Checks on names and URLs throw plain errors; they are usage errors here.
    if (err instanceof CheckFailed) throw ctx.usageError(err.message);
    if (err instanceof RedisUnavailable || err instanceof RunIdInUse) {
      io.err(`kailash-wf: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

class CheckFailed extends Error {}
class RedisUnavailable extends Error {}

/** How long a one-shot command waits for Redis to answer once connected. */
const COMMAND_MS = 10_000;

/** Connects a client within a bounded time, or fails the command naming the URL. */
async function readyClient(conn: { redis: string; queue?: string }): Promise<WorkerClient> {
  const client = new WorkerClient(conn);
  try {
    await client.ready();
  } catch (err) {
    await client.close();
    throw new RedisUnavailable((err as Error).message);
  }
  return client;
}

/** One command's Redis round trips, bounded: a Redis that dies mid-command fails it, never hangs it. */
async function bounded<T>(p: Promise<T>, url: string): Promise<T> {
  try {
    return await answered(p, url, COMMAND_MS);
  } catch (err) {
    if ((err as Error).message.includes('stopped answering')) throw new RedisUnavailable((err as Error).message);
    throw err;
  }
}

function check<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new CheckFailed((err as Error).message);
  }
}

const common = {
  redis: { type: 'string' },
  queue: { type: 'string' },
} as const;

function connection(values: { redis?: string; queue?: string }, ctx: WorkerCliContext) {
  if (values.redis === undefined) throw ctx.usageError('--redis URL is required (e.g. redis://127.0.0.1:6379)');
  return {
    redis: check(() => checkRedisUrl(values.redis!)),
    ...(values.queue !== undefined ? { queue: check(() => checkQueueName(values.queue!)) } : {}),
  };
}

function seconds(name: string, raw: string | undefined, ctx: WorkerCliContext): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw ctx.usageError(`--${name} takes a number of seconds above 0, got '${raw}'`);
  return Math.round(n * 1000);
}

async function workerCommand(args: string[], io: WorkerCliIo, ctx: WorkerCliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...common,
      concurrency: { type: 'string' },
      root: { type: 'string' },
      timeout: { type: 'string' },
      'lock-duration': { type: 'string' },
      grace: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length) throw ctx.usageError(`worker takes no arguments (got '${positionals[0]}')`);
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1))
    throw ctx.usageError(`--concurrency takes a whole number above 0, got '${values.concurrency}'`);
  const conn = connection(values, ctx);
  const timeoutMs = seconds('timeout', values.timeout, ctx);
  const lockDurationMs = seconds('lock-duration', values['lock-duration'], ctx);
  const graceMs = seconds('grace', values.grace, ctx);
  await (await readyClient(conn)).close();
  const worker = new RunWorker({
    ...conn,
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(values.root !== undefined ? { root: values.root } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(lockDurationMs !== undefined ? { lockDurationMs } : {}),
    ...(graceMs !== undefined ? { graceMs } : {}),
    log: (line) => io.out(line + '\n'),
  });
  let signals = 0;
  let stopped!: () => void;
  const done = new Promise<void>((r) => (stopped = r));
  // First SIGTERM/SIGINT drains; a second one hands in-flight runs back at once.
  const onSignal = () => {
    if (++signals > 1) return worker.handBackAll();
    void worker.stop().then(stopped, stopped);
    // A run that ignores its abort, or a Redis that is gone, must not keep the process alive:
    // its runs' locks then expire and another worker recovers them.
    setTimeout(
      () => {
        io.err('kailash-wf: worker did not stop in time; exiting (unfinished runs go to other workers)\n');
        process.exit(1);
      },
      (graceMs ?? WORKER_DEFAULTS.graceMs) + 15_000,
    ).unref();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    await worker.start();
    await done;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
  return 0;
}

async function submitCommand(args: string[], io: WorkerCliIo, ctx: WorkerCliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...common,
      params: { type: 'string' },
      param: { type: 'string', multiple: true },
      to: { type: 'string' },
      timeout: { type: 'string' },
      'run-id': { type: 'string' },
      root: { type: 'string' },
      wait: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw ctx.usageError('submit needs exactly one file');
  const conn = connection(values, ctx);
  const file = positionals[0]!;
  const text = ctx.readFile(file);
  // Workers resolve the path against their own --root, so it travels relative to ours.
  const path = relative(resolve(values.root ?? '.'), resolve(file));
  if (path.startsWith('..') || isAbsolute(path))
    throw ctx.usageError(`'${file}' is outside --root (${resolve(values.root ?? '.')}); workers resolve workflow paths inside their root`);
  let parameters;
  try {
    parameters = collectParams(values.params, values.param ?? [], ctx.readFile, text);
  } catch (err) {
    // An unreadable params file, bad YAML or a malformed --param: all usage errors, as for `run`.
    throw ctx.usageError((err as Error).message);
  }
  const timeoutMs = seconds('timeout', values.timeout, ctx);
  const runId = values['run-id'] === undefined ? undefined : check(() => checkRunId(values['run-id']!));
  // A run a worker would refuse is refused here, by the same check, rather than queued.
  const model = parseWorkflowFile(text, file);
  let planned: RunCheck;
  try {
    planned = prepareRun(model, { parameters, ...(values.to !== undefined ? { to: values.to } : {}) });
  } catch (err) {
    if (!(err instanceof WorkflowInvalid)) throw err;
    for (const w of err.warnings) io.err(`warning: ${w}\n`);
    if (!err.diagnostics.length) io.err(`kailash-wf: ${err.message}\n`);
    else {
      printDiagnostics(file, err.diagnostics, new LineIndex(text), io);
      io.err(`kailash-wf: not submitting '${file}': ${refused(err.diagnostics)}\n`);
    }
    return 2;
  }
  const warned = new Set(planned.warnings);
  for (const w of warned) io.err(`warning: ${w}\n`);
  const client = await readyClient(conn);
  try {
    const [id] = await bounded(
      client.submit([
        {
          text,
          file: path,
          parameters,
          ...(values.to !== undefined ? { to: values.to } : {}),
          ...(timeoutMs !== undefined ? { timeoutMs } : {}),
          ...(runId !== undefined ? { runId } : {}),
        },
      ]),
      conn.redis,
    );
    if (!values.wait) {
      // Only the id on stdout, so `ID=$(kailash-wf submit …)` works; the queue goes to stderr.
      if (values.json) io.out(JSON.stringify({ runId: id, queue: client.queueName }, null, 2) + '\n');
      else {
        io.out(`${id}\n`);
        io.err(`submitted to queue '${client.queueName}'\n`);
      }
      return 0;
    }
    const record = await client.wait(id!, { onEntry: values.json ? undefined : (e) => progress(e, io, warned) });
    const result = record.result;
    if (values.json) io.out(jsonText(result, { indent: 2, nonFinite: 'tagged' }) + '\n');
    else io.out(summary(result) + '\n');
    return exitCode(result);
  } finally {
    await client.close();
  }
}

/** Marks a run cancelled: a queued one never starts, a running one is aborted by its worker. */
async function cancelCommand(args: string[], io: WorkerCliIo, ctx: WorkerCliContext): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { ...common }, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw ctx.usageError('cancel needs exactly one run id');
  const runId = check(() => checkRunId(positionals[0]!));
  const conn = connection(values, ctx);
  const client = await readyClient(conn);
  try {
    await bounded(client.cancel(runId), conn.redis);
    io.out(`cancel requested for run ${runId} on queue '${client.queueName}'\n`);
    return 0;
  } finally {
    await client.close();
  }
}

async function statusCommand(args: string[], io: WorkerCliIo, ctx: WorkerCliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { ...common, json: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw ctx.usageError('status needs exactly one run id');
  const conn = connection(values, ctx);
  const client = await readyClient(conn);
  let s: RunStatus;
  try {
    s = await bounded(client.status(positionals[0]!), conn.redis);
  } finally {
    await client.close();
  }
  if (values.json) io.out(JSON.stringify(s, null, 2) + '\n');
  else {
    io.out(`${s.runId}: ${s.state}${s.state === 'unknown' ? ` (no such run in queue '${s.queue}')` : ''}\n`);
    if (s.record) {
      io.out(
        `  ${s.record.file} · worker ${s.record.worker} · delivery ${s.record.delivery} · finished ${new Date(s.record.finishedAt).toISOString()}\n`,
      );
      io.out(`  ${summary(s.record.result)}\n`);
    }
  }
  if (s.state === 'unknown') return 2;
  if (s.record) return exitCode(s.record.result);
  return s.state === 'failed' ? 1 : 0;
}

/** As `run`: any failed node fails the command, even one tolerated by `on_error: continue`. */
function exitCode(result: RunResult): number {
  return result.status === 'succeeded' && !Object.values(result.nodes).some((n) => n.status === 'failed') ? 0 : 1;
}

function summary(r: RunResult): string {
  return `${r.status === 'succeeded' ? '✓' : '✗'} ${r.status} in ${r.durationMs} ms${r.error ? ` — ${r.error.node ? `${r.error.node}: ` : ''}${r.error.message}` : ''}`;
}

/** A run's events as `run` prints them; warnings `submit` already printed are not repeated. */
function progress(e: StreamEntry, io: WorkerCliIo, warned: Set<string>): void {
  const ev = e.event;
  if (ev.type === 'picked-up') io.out(`▶ run ${ev.runId} on ${e.worker}${e.delivery > 1 ? ` (delivery ${e.delivery})` : ''}\n`);
  if (ev.type === 'handed-back') io.out(`↩ ${e.worker} handed the run back (${ev.reason})\n`);
  if (ev.type === 'node-output') io.out(`  ✓ ${ev.node}  ${ev.record.durationMs} ms\n`);
  if (ev.type === 'node-skip') io.out(`  ↷ ${ev.node}  skipped\n`);
  if (ev.type === 'node-error') io.out(`  ✗ ${ev.node}  ${ev.record.durationMs} ms\n    ${ev.error.type}: ${ev.error.message}\n`);
  if (ev.type === 'warning' && !warned.has(ev.message)) io.err(`warning: ${ev.message}\n`);
  if (ev.type === 'node-log') io.err(`[${ev.node}] ${ev.message}\n`);
}
