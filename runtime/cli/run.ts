import { formatOf } from '../model/json';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import type { Diagnostic } from '../diagnostics';
import type { WorkflowModel } from '../model/types';
import { WorkflowInvalid } from '../engine/errors';
import { LocalRuntime } from '../engine/local';
import type { RunEvent, RunParameters } from '../engine/types';
import { getSpec } from '../catalog';
import { findParam } from '../catalog/typing';
import { parseWorkflow } from '../model/parse';
import { readYamlValue } from '../model/yaml-value';
import { parseJson } from '../values/json';
import { jsonText } from '../values/print';
import { LineIndex } from '../model/lines';
import { own, setOwn, table } from '../util/own';
import { batched } from './batched';

export interface RunIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

export interface RunArgs {
  file: string;
  text: string;
  /** The text's model, parsed once for the `--param`s and the run (whichever asks first). */
  model?: () => WorkflowModel;
  params: RunParameters;
  envFile?: string;
  to?: string;
  json: boolean;
}

const MAX_LINES = 16;

const CLI_EVENTS: readonly RunEvent['type'][] = [
  'warning',
  'node-log',
  'breaker',
  'node-retry',
  'run-start',
  'node-skip',
  'node-error',
  'node-output',
];

/** `kailash-wf run`: 0 succeeded, 1 the run failed, 2 invalid workflow. */
export async function runWorkflow(args: RunArgs, terminal: RunIo, signal?: AbortSignal): Promise<number> {
  const io = batched(terminal);
  const env: Record<string, string | undefined> = { ...process.env };
  if (args.envFile) Object.assign(env, parseEnv(readFileSync(args.envFile, 'utf8')));
  const runtime = new LocalRuntime({ env });
  const baseDir = dirname(resolve(args.file));
  // Python starts (a process, a few hundred ms on a busy machine) while the file is read and checked.
  if (args.text.includes('PythonCodeNode')) void runtime.warmPython(baseDir);
  let model: WorkflowModel;
  try {
    model = args.model?.() ?? parseWorkflow(args.text, formatOf(args.file));
  } catch (err) {
    // The started Python's pipes would keep the process alive.
    await runtime.dispose();
    throw err;
  }
  const typeOf = (id: string) => model.nodesById.get(id)?.type?.value ?? '';
  /** Nodes whose error is already on screen: the closing line does not repeat it. */
  const shown = new Set<string>();
  const onEvent = (e: RunEvent) => {
    if (e.type === 'warning') io.err(`warning: ${e.message}\n`);
    if (e.type === 'node-log') io.err(`[${e.node}] ${e.message}\n`);
    if (e.type === 'breaker') io.err(`circuit ${e.key}: ${e.state}\n`);
    if (e.type === 'node-retry') io.err(`retry: ${e.node} attempt ${e.attempt} in ${e.delayMs} ms (${e.cause})\n`);
    if (args.json) return;
    if (e.type === 'run-start') io.out(`▶ ${model.name?.value ?? args.file}  (run ${e.runId})\n`);
    if (e.type === 'node-skip') io.out(`  ↷ ${e.node}  ${typeOf(e.node)}  skipped\n`);
    if (e.type === 'node-error') {
      io.out(`  ✗ ${e.node}  ${typeOf(e.node)}  ${e.record.durationMs} ms${attempts(e.record.attempts)}\n`);
      io.out(indent(`${e.error.type}: ${e.error.message}`) + '\n');
      // Which parameter, and what to do: one line, after the error as Kailash words it.
      const where = e.error.param ? `in \`${e.error.param}\`${e.error.line !== undefined ? ` (line ${e.error.line})` : ''}` : '';
      if (where || e.error.hint) io.out(indent(`→ ${[where, e.error.hint].filter(Boolean).join(': ')}`) + '\n');
      shown.add(e.node);
    }
    if (e.type === 'node-output') {
      io.out(`  ✓ ${e.node}  ${typeOf(e.node)}  ${e.record.durationMs} ms${attempts(e.record.attempts)}\n${indent(preview(e.preview))}\n`);
    }
  };
  try {
    const result = await runtime.execute(model, {
      parameters: args.params,
      baseDir,
      onEvent,
      // What `onEvent` prints: no `node-start` (one per node) nor `run-end` is built for it.
      events: CLI_EVENTS,
      // The terminal shows what nodes return, never what they received.
      inputPreviews: false,
      ...(args.to !== undefined ? { to: args.to } : {}),
      ...(signal ? { signal } : {}),
    });
    // Any failed node fails the command, even one tolerated by `on_error: continue`, and the
    // summary says so: it must agree with the exit code.
    const failedNodes = Object.entries(result.nodes)
      .filter(([, n]) => n.status === 'failed')
      .map(([id]) => id);
    const ok = result.status === 'succeeded' && failedNodes.length === 0;
    // Numbers as Python's json.dumps writes them; NaN and the infinities as {"$float": "nan"} (JSON has none).
    if (args.json) io.out(jsonText(result, { indent: 2, nonFinite: 'tagged' }) + '\n');
    else if (result.status === 'succeeded' && !ok)
      io.out(
        `✗ succeeded with ${failedNodes.length} failed node${failedNodes.length === 1 ? '' : 's'} (on_error: continue): ${failedNodes.join(', ')} — in ${result.durationMs} ms\n`,
      );
    else io.out(`${ok ? '✓' : '✗'} ${result.status} in ${result.durationMs} ms${closing(result.error, shown)}\n`);
    return ok ? 0 : 1;
  } catch (err) {
    if (err instanceof WorkflowInvalid) {
      if (err.diagnostics.length) {
        for (const w of err.warnings) io.err(`warning: ${w}\n`);
        // Line numbers only for a refused run: a run that goes ahead scans no line starts.
        printDiagnostics(args.file, err.diagnostics, new LineIndex(args.text), io);
        io.err(`kailash-wf: not running '${args.file}': ${refused(err.diagnostics)} (nothing ran)\n`);
      } else io.err(`kailash-wf: ${err.message}\n`);
      return 2;
    }
    throw err;
  } finally {
    io.flush();
    await runtime.dispose();
  }
}

/** Why the run ended, unless that node's error was just printed in full. */
function closing(error: { node?: string; message: string } | undefined, shown: Set<string>): string {
  if (!error) return '';
  if (error.node && shown.has(error.node)) return ` — node '${error.node}' failed (above)`;
  return ` — ${error.node ? `${error.node}: ` : ''}${error.message}`;
}

/** Why a run was refused, after its diagnostics: errors in the file, or required values missing. */
export function refused(diagnostics: readonly Diagnostic[]): string {
  const n = diagnostics.length;
  if (diagnostics.every((d) => d.code === 'missing-required-param'))
    return `${n} required parameter${n === 1 ? ' has' : 's have'} no value`;
  const dropped = diagnostics.filter((d) => d.code === 'credential-dropped').length;
  if (dropped && diagnostics.every((d) => d.code === 'credential-dropped' || d.code === 'missing-required-param'))
    return `${dropped} credential${dropped === 1 ? '' : 's'} in its parameters would not be sent${n > dropped ? `, and ${n - dropped} required parameter${n - dropped === 1 ? ' has' : 's have'} no value` : ''}`;
  return `it has ${n} error${n === 1 ? '' : 's'}`;
}

/** `file:line:col: error [code] message`, as `validate` prints them. */
export function printDiagnostics(file: string, diagnostics: readonly Diagnostic[], lines: LineIndex, io: RunIo): void {
  for (const d of diagnostics) {
    const p = lines.position(d.span[0]);
    io.err(`${file}:${p.line + 1}:${p.character + 1}: ${d.severity} [${d.code}] ${d.message}\n`);
  }
}

/** One line when short, else pretty-printed and cut: the terminal shows the shape, `--json` has it all. */
function preview(value: unknown): string {
  const flat = jsonText(value, { separators: 'compact', nonFinite: 'tagged' });
  if (flat.length <= 120) return flat;
  const lines = jsonText(value, { indent: 2, nonFinite: 'tagged' }).split('\n');
  if (lines.length <= MAX_LINES) return lines.join('\n');
  return [...lines.slice(0, MAX_LINES), `… ${lines.length - MAX_LINES} more lines (use --json for everything)`].join('\n');
}

function attempts(n: number): string {
  return n > 1 ? ` · ${n} attempts` : '';
}

function indent(s: string): string {
  return s.includes('\n') ? s.replace(/^/gm, '    ') : `    ${s}`;
}

/**
 * A `--param` value: a YAML scalar (`5`, `true`, `null`, `"quoted"`) or flow collection
 * (`[1, 2]`, `{a: 1}`) is read as YAML; any other text is the string itself, so a GraphQL query
 * (`query Q($id: ID!) {…}`) or `a: b` stays text rather than failing or becoming a mapping.
 */
function paramValue(raw: string): unknown {
  const text = raw.trim();
  // Empty, or with a `#` that YAML would read as a comment (`--param a.tag=#1`): the text itself.
  if (text === '' || /(^|\s)#/.test(text)) return raw;
  let value: unknown;
  try {
    value = readYamlValue(text);
  } catch {
    return raw;
  }
  if (value !== null && typeof value === 'object' && !/^[[{]/.test(text)) return raw;
  return value;
}

/**
 * `--params FILE` (JSON or YAML) and `--param node.key=value` or `--param key=value` (a global
 * parameter, for every node that takes it).
 */
export function collectParams(
  paramsFile: string | undefined,
  pairs: string[],
  readText: (f: string) => string,
  workflow?: string | (() => WorkflowModel),
): RunParameters {
  // Parsed only for a `--param node.key=…`: parsing a big file costs about as much as running it.
  let model: WorkflowModel | undefined;
  const workflowModel = () =>
    workflow === undefined ? undefined : (model ??= typeof workflow === 'string' ? parseWorkflow(workflow) : workflow());
  // A text parameter takes the text as typed: `--param gql.query={ ok }` is a query, not a mapping.
  const isText = (node: string, key: string) => {
    const type = workflowModel()?.nodesById.get(node)?.type?.value;
    const spec = type ? getSpec(type) : undefined;
    return spec ? findParam(spec, key)?.[1].type === 'str' : false;
  };
  // Node ids and keys are the user's: `__proto__.x=1` must set a key, not Object.prototype.x.
  const params = table<unknown>();
  if (paramsFile) {
    const text = readText(paramsFile);
    const loaded = formatOf(paramsFile) === 'json' ? parseJson(text) : readYamlValue(text);
    if (loaded !== null && (typeof loaded !== 'object' || Array.isArray(loaded))) {
      throw new Error(`${paramsFile} must hold a mapping: node id to {param: value}, or param to value for every node that takes it`);
    }
    Object.assign(params, loaded ?? {});
  }
  for (const pair of pairs) {
    const m = /^([^.=]+)(?:\.([^=]+))?=(.*)$/s.exec(pair);
    if (!m) throw new Error(`--param takes node.key=value (or key=value for every node that takes key), got '${pair}'`);
    const [, head, key, raw] = m;
    const value = key !== undefined && isText(head!, key) ? raw! : paramValue(raw!);
    if (key === undefined) {
      setOwn(params, head!, value);
      continue;
    }
    const existing = own(params, head!);
    let into: Record<string, unknown>;
    if (existing !== null && typeof existing === 'object' && !Array.isArray(existing)) into = existing as Record<string, unknown>;
    else setOwn(params, head!, (into = table<unknown>()));
    setOwn(into, key, value);
  }
  return params;
}
