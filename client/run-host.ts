/**
 * The run host: a child process of the extension that runs workflows with the runtime, so a
 * hung, crashing or CPU-bound node can never freeze or kill the editor. It keeps the real outputs
 * of each file's last run (and the secrets they may hold) in memory for "re-run from here"; they
 * never leave this process.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseEnv } from 'node:util';
import { WorkflowInvalid } from '../runtime/engine/errors';
import { LocalRuntime, prepareRun } from '../runtime/engine/local';
import type { SecretProvider } from '../runtime/engine/secrets';
import { parseWorkflowFile } from '../runtime/model/load';
import type { RunEvent } from '../runtime/engine/types';
import { KailashDebugSession } from './debug/session';
import { runTestFile } from '../runtime/testing/runner';
import { ReuseCache } from './run/reuse';
import { toTagged } from '../runtime/values/wire';
import type { FromHost, RunSettings, ToHost } from './common/protocol';

// IPC is JSON: big ints, whole floats and tuples travel in the tagged form (runtime/values/wire.ts).
const send = (m: FromHost) => process.send?.(toTagged(m));
const runs = new Map<string, { abort(): void }>();
const debugSessions = new Map<string, KailashDebugSession>();
const lastRuns = new ReuseCache();
const pendingSecrets = new Map<number, (v: string | undefined) => void>();
let nextSecret = 1;

/** Secrets come from the editor's SecretStorage, asked for one at a time over IPC. */
const secrets: SecretProvider = {
  get: (name) =>
    new Promise((resolve) => {
      const requestId = nextSecret++;
      pendingSecrets.set(requestId, resolve);
      send({ type: 'secret-request', requestId, name });
    }),
};

function env(envFile: string | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...process.env };
  if (envFile) Object.assign(out, parseEnv(readFileSync(envFile, 'utf8')));
  return out;
}

/** A run on the worker fleet: submitted to the queue and followed until its record is written. */
async function runOnQueue(
  m: Extract<ToHost, { type: 'run' }>,
  queue: NonNullable<RunSettings['queue']>,
  controller: AbortController,
): Promise<void> {
  try {
    // The check a worker makes, made here first: a run it would refuse is not queued.
    prepareRun(parseWorkflowFile(m.text, m.file), { parameters: m.parameters, ...(m.to !== undefined ? { to: m.to } : {}) });
  } catch (err) {
    send({ type: 'invalid', id: m.id, message: (err as Error).message });
    return;
  }
  const { WorkerClient } = await import('../runtime/worker/client');
  const client = new WorkerClient({ redis: queue.redis, ...(queue.name ? { queue: queue.name } : {}) });
  try {
    await client.ready();
    const [runId] = await client.submit([
      { text: m.text, file: queue.file, parameters: m.parameters, ...(m.to !== undefined ? { to: m.to } : {}) },
    ]);
    controller.signal.addEventListener('abort', () => void client.cancel(runId!).catch(() => undefined), { once: true });
    const record = await client.wait(runId!, {
      onEntry: (entry) => {
        if ('runId' in entry.event && 'time' in entry.event) send({ type: 'event', id: m.id, event: entry.event as RunEvent });
      },
    });
    send({ type: 'done', id: m.id, result: record.result });
  } catch (err) {
    send({ type: 'invalid', id: m.id, message: `Queue '${queue.name ?? 'default'}' at ${queue.redis}: ${(err as Error).message}` });
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function run(m: Extract<ToHost, { type: 'run' }>): Promise<void> {
  const controller = new AbortController();
  runs.set(m.id, controller);
  if (m.settings.queue) {
    await runOnQueue(m, m.settings.queue, controller);
    runs.delete(m.id);
    return;
  }
  const runtime = new LocalRuntime({
    secrets,
    env: env(m.settings.envFile),
    ...(m.settings.pythonPath ? { pythonPath: m.settings.pythonPath } : {}),
  });
  try {
    const result = await runtime.execute(parseWorkflowFile(m.text, m.file), {
      parameters: m.parameters,
      signal: controller.signal,
      baseDir: dirname(m.file),
      maxConcurrency: m.settings.maxConcurrency,
      ...(m.settings.defaultTimeout ? { defaultTimeoutMs: m.settings.defaultTimeout * 1000 } : {}),
      ...(m.to !== undefined ? { to: m.to } : {}),
      ...(m.from !== undefined ? lastRuns.rerun(m.file, m.text, m.from) : {}),
      onEvent: (event) => send({ type: 'event', id: m.id, event }),
      keepOutputs: lastRuns.keeper(m.file),
    });
    send({ type: 'done', id: m.id, result });
  } catch (err) {
    send({
      type: 'invalid',
      id: m.id,
      message: err instanceof WorkflowInvalid ? err.message : `The run failed to start: ${(err as Error).message}`,
    });
  } finally {
    runs.delete(m.id);
    await runtime.dispose().catch(() => undefined);
  }
}

/** A debug session lives here, beside the runs, so a paused node never blocks the editor. */
function openDebug(session: string): void {
  const adapter = new KailashDebugSession({
    runtime: (launch) =>
      new LocalRuntime({
        // A test case gets its secrets from the test file's env, never the editor's storage, as `kailash-wf test` does.
        ...(launch.test ? {} : { secrets }),
        env: { ...env(launch.envFile), ...launch.env },
        ...(launch.pythonPath ? { pythonPath: launch.pythonPath } : {}),
      }),
    runStarted: ({ runId, file, label, cancel }) => {
      runs.set(runId, { abort: cancel });
      send({ type: 'debug-run', session, runId, file, label });
    },
    runEvent: (runId, event) => send({ type: 'event', id: runId, event }),
    runPaused: (runId, node, callers) =>
      send({ type: 'paused', id: runId, ...(node !== undefined ? { node, callers: callers ?? [] } : {}) }),
    runEnded: (runId, outcome) => {
      runs.delete(runId);
      send('invalid' in outcome ? { type: 'invalid', id: runId, message: outcome.invalid } : { type: 'done', id: runId, result: outcome });
    },
  });
  adapter.onDidSendMessage((message) => send({ type: 'dap', session, message: message as Extract<FromHost, { type: 'dap' }>['message'] }));
  debugSessions.set(session, adapter);
}

/**
 * A test file's cases, as `kailash-wf test` runs them: secrets and variables come from the test
 * file's `env_file` and `env` (and this process's env), never from the editor's secret storage,
 * so a test passes in the editor exactly when it passes in CI.
 */
async function test(m: Extract<ToHost, { type: 'test' }>): Promise<void> {
  const controller = new AbortController();
  runs.set(m.id, controller);
  const strip = <T extends { result?: unknown }>(c: T): Omit<T, 'result'> => {
    const { result: _result, ...rest } = c;
    return rest;
  };
  try {
    const report = await runTestFile(m.file, m.text, {
      signal: controller.signal,
      ...(m.only ? { only: m.only } : {}),
      onCase: (c) => send({ type: 'test-case', id: m.id, report: strip(c) }),
    });
    const { text: _text, ...rest } = report;
    send({ type: 'test-done', id: m.id, report: { ...rest, cases: report.cases.map(strip) } });
  } catch (err) {
    send({ type: 'invalid', id: m.id, message: `The tests failed to start: ${(err as Error).message}` });
  } finally {
    runs.delete(m.id);
  }
}

process.on('message', (m: ToHost) => {
  if (m.type === 'run') void run(m);
  else if (m.type === 'debug-open') openDebug(m.session);
  else if (m.type === 'dap') debugSessions.get(m.session)?.handleMessage(m.message);
  else if (m.type === 'debug-close') {
    void debugSessions.get(m.session)?.shutdownRun();
    debugSessions.delete(m.session);
  } else if (m.type === 'test') void test(m);
  else if (m.type === 'cancel') runs.get(m.id)?.abort();
  else if (m.type === 'secret') {
    pendingSecrets.get(m.requestId)?.(m.value);
    pendingSecrets.delete(m.requestId);
  }
});
// The extension went away: nothing may outlive it.
process.on('disconnect', () => process.exit(0));
