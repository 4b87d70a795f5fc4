import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { NodeOutput } from '../catalog/types';
import { WorkflowInvalid } from '../engine/errors';
import { LocalRuntime } from '../engine/local';
import type { RunParameters, RunResult } from '../engine/types';
import { formatOf } from '../model/json';
import { parseWorkflow } from '../model/parse';
import type { MapValue, WorkflowModel } from '../model/types';
import { toPlain } from '../model/values';
import { setOwn, table } from '../util/own';
import { assertCase } from './assertions';
import type { CaseReport, FileReport } from './report';

export type { CaseReport, FileReport } from './report';
import { checkTestFile, type TestFiles } from './check';
import { parseTestFile, type TestCase, type TestFileModel } from './format';

export interface TestRunOptions {
  /** Base variables (default the process env); the file's `env_file` and `env` go on top. */
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Only the cases with these names (the Test Explorer runs one case at a time). */
  only?: readonly string[];
  onCase?: (c: CaseReport) => void;
}

/** Files a test file names, read from disk relative to it (the parsed workflow is kept for the run). */
export function diskFiles(testFile: string): TestFiles & { texts: Map<string, string> } {
  const dir = dirname(resolve(testFile));
  const texts = new Map<string, string>();
  return {
    texts,
    workflow(path) {
      const full = resolve(dir, path);
      try {
        const text = readFileSync(full, 'utf8');
        texts.set(full, text);
        return parseWorkflow(text, formatOf(full));
      } catch {
        return undefined;
      }
    },
    exists: (path) => existsSync(resolve(dir, path)),
  };
}

/** Runs every case of one test file (text given: the editor passes unsaved text). */
export async function runTestFile(file: string, text: string, options: TestRunOptions = {}): Promise<FileReport> {
  const started = performance.now();
  const test = parseTestFile(text, formatOf(file));
  const checked = checkTestFile(test, diskFiles(file));
  const invalid = checked.diagnostics.filter((d) => d.severity === 'error');
  const report: FileReport = { file, text, invalid, cases: [], durationMs: 0 };
  if (invalid.length || !checked.workflow) {
    report.durationMs = round(performance.now() - started);
    return report;
  }
  const dir = dirname(resolve(file));
  const workflowFile = resolve(dir, test.workflow!.value);
  const env = environment(test, dir, options.env ?? process.env);
  const base = baseParameters(test, dir);
  const runtime = new LocalRuntime({ env });
  try {
    for (const c of test.cases) {
      if (options.only && !options.only.includes(c.name.value)) continue;
      if (options.signal?.aborted) break;
      const r = await runCase(c, test, checked.workflow, { runtime, base, baseDir: dirname(workflowFile), signal: options.signal });
      report.cases.push(r);
      options.onCase?.(r);
    }
  } finally {
    await runtime.dispose();
  }
  report.durationMs = round(performance.now() - started);
  return report;
}

async function runCase(
  c: TestCase,
  test: TestFileModel,
  workflow: WorkflowModel,
  ctx: { runtime: LocalRuntime; base: RunParameters; baseDir: string; signal: AbortSignal | undefined },
): Promise<CaseReport> {
  const started = performance.now();
  const reuse = table<NodeOutput | null>();
  for (const p of [...test.pins, ...c.pins]) setOwn(reuse, p.node.value, (toPlain(p.value) as NodeOutput | null) ?? null);
  const pinned = Object.keys(reuse);
  const report = (rest: Pick<CaseReport, 'status' | 'failures'> & Partial<CaseReport>): CaseReport => ({
    name: c.name.value,
    span: c.name.span,
    pinned,
    durationMs: round(performance.now() - started),
    ...rest,
  });
  let result: RunResult;
  try {
    result = await ctx.runtime.execute(workflow, {
      parameters: mergeParameters(ctx.base, c.parameters),
      reuse,
      reusedAsReturned: true,
      baseDir: ctx.baseDir,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  } catch (err) {
    if (err instanceof WorkflowInvalid) return report({ status: 'error', failures: [], error: err.message });
    throw err;
  }
  const failures = assertCase(c, result);
  return report({ status: failures.length ? 'failed' : 'passed', failures, result });
}

/** One case, ready to run under the debugger: what `runTestFile` would run it with, and the case for `assertCase` after. */
export interface PreparedCase {
  workflowFile: string;
  parameters: RunParameters;
  /** The file's and the case's pins, as the engine's `reuse` (with `reusedAsReturned`). */
  pins: Record<string, NodeOutput | null>;
  /** The variables the test file adds (`env_file`, then `env`), over the host's own. */
  env: Record<string, string | undefined>;
  testCase: TestCase;
}

/** The named case of a test file, or what stops it running (an invalid file, no such case). */
export function prepareCase(file: string, text: string, name: string): PreparedCase | { invalid: string } {
  const test = parseTestFile(text, formatOf(file));
  const checked = checkTestFile(test, diskFiles(file));
  const invalid = checked.diagnostics.filter((d) => d.severity === 'error');
  if (invalid.length || !checked.workflow)
    return { invalid: invalid.map((d) => `${d.code}: ${d.message}`).join('\n') || 'The test file names no workflow.' };
  const testCase = test.cases.find((c) => c.name.value === name);
  if (!testCase) return { invalid: `The test file has no case named ${JSON.stringify(name)}.` };
  const dir = dirname(resolve(file));
  const pins = table<NodeOutput | null>();
  for (const p of [...test.pins, ...testCase.pins]) setOwn(pins, p.node.value, (toPlain(p.value) as NodeOutput | null) ?? null);
  return {
    workflowFile: resolve(dir, test.workflow!.value),
    parameters: mergeParameters(baseParameters(test, dir), testCase.parameters),
    pins,
    env: environment(test, dir, {}),
    testCase,
  };
}

/** The report of a case run outside `runTestFile` (under the debugger). */
export function reportCase(c: TestCase, pinned: string[], result: RunResult, durationMs: number): CaseReport {
  const failures = assertCase(c, result);
  return {
    name: c.name.value,
    span: c.name.span,
    pinned,
    durationMs: round(durationMs),
    status: failures.length ? 'failed' : 'passed',
    failures,
    result,
  };
}

/** The process env, then the file's `env_file`, then its `env` (`KAILASH_SECRET_<NAME>` entries supply secrets, as for `run`). */
function environment(test: TestFileModel, dir: string, base: Record<string, string | undefined>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...base };
  if (test.envFile) Object.assign(env, parseEnv(readFileSync(resolve(dir, test.envFile.value), 'utf8')));
  for (const e of test.env?.entries ?? []) env[e.key] = String(toPlain(e.value));
  return env;
}

/** `params_file`, then the file's `parameters`: what every case starts from. */
function baseParameters(test: TestFileModel, dir: string): RunParameters {
  let params: RunParameters = table<unknown>();
  if (test.paramsFile) {
    const loaded = parseYaml(readFileSync(resolve(dir, test.paramsFile.value), 'utf8')) as unknown;
    if (loaded && typeof loaded === 'object' && !Array.isArray(loaded))
      params = mergeParameters(params, undefined, loaded as RunParameters);
  }
  return mergeParameters(params, test.parameters);
}

/** Later parameters win; a node's `{param: value}` entries merge key by key rather than replace the node's whole entry. */
export function mergeParameters(base: RunParameters, more: MapValue | undefined, plainMore?: RunParameters): RunParameters {
  const out = table<unknown>();
  const add = (from: RunParameters) => {
    for (const [k, v] of Object.entries(from)) {
      const prev = out[k];
      if (isDict(prev) && isDict(v)) setOwn(out, k, Object.assign(table<unknown>(), prev, v));
      else setOwn(out, k, isDict(v) ? Object.assign(table<unknown>(), v) : v);
    }
  };
  add(base);
  if (more) add(toPlain(more) as RunParameters);
  if (plainMore) add(plainMore);
  return out;
}

function isDict(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
