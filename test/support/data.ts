// Helpers for the data-node integration tests: run one node through the real LocalRuntime, and
// wait for a condition with a bound instead of sleeping.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { LocalRuntime } from '../../runtime/engine/local';
import type { RunOptions, RunResult } from '../../runtime/engine/types';
import { parseWorkflow } from '../../runtime/model/parse';

export function tempDir(prefix = 'kwf-data-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

let counter = 0;
/** A table name no other test (or test process) uses. */
export function uniqueName(prefix = 't'): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
}

export interface NodeRun {
  result: RunResult;
  /** The node's output (redacted as the runtime returns it). */
  output: Record<string, unknown> | null | undefined;
  status: string;
  error?: { type: string; message: string };
}

/** Runs a workflow with one node `n` of `type`; `node` adds policies such as `timeout` or `retry`. */
export async function runNode(
  rt: LocalRuntime,
  type: string,
  config: Record<string, unknown>,
  options: RunOptions & { node?: Record<string, unknown> } = {},
): Promise<NodeRun> {
  const { node, ...runOptions } = options;
  const workflow = { name: 'test', nodes: [{ id: 'n', type, config, ...node }] };
  const result = await rt.execute(parseWorkflow(JSON.stringify(workflow)), { baseDir: tempDirFor(runOptions), ...runOptions });
  return { result, output: result.results.n, status: result.nodes.n!.status, error: result.nodes.n!.error };
}

let shared: string | undefined;
/** Runs without a folder of their own share one, rather than leave a temp folder per run. */
function tempDirFor(o: RunOptions): string {
  return o.baseDir ?? (shared ??= tempDir());
}

/** Polls `check` every `everyMs` until it returns a truthy value, failing after `limitMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, limitMs = 10_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await delay(everyMs);
  }
}
