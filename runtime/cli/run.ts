import { formatOf } from '../model/json';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { WorkflowInvalid } from '../engine/errors';
import { LocalRuntime, workflowErrors } from '../engine/local';
import type { RunEvent, RunParameters } from '../engine/types';
import { parseWorkflow } from '../model/parse';
import { LineIndex } from '../model/lines';

export interface RunIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

export interface RunArgs {
  file: string;
  text: string;
  params: RunParameters;
  envFile?: string;
  to?: string;
  json: boolean;
}

const MAX_LINES = 16;

/** `kailash-wf run`: 0 succeeded, 1 the run failed, 2 invalid workflow. */
export async function runWorkflow(args: RunArgs, io: RunIo, signal?: AbortSignal): Promise<number> {
  const model = parseWorkflow(args.text, formatOf(args.file));
  const lines = new LineIndex(args.text);
  const errors = workflowErrors(model);
  if (errors.length) {
    for (const d of errors) {
      const p = lines.position(d.span[0]);
      io.err(`${args.file}:${p.line + 1}:${p.character + 1}: error [${d.code}] ${d.message}\n`);
    }
    io.err(`kailash-wf: not running '${args.file}': it has ${errors.length} error${errors.length === 1 ? '' : 's'}\n`);
    return 2;
  }
  const env: Record<string, string | undefined> = { ...process.env };
  if (args.envFile) Object.assign(env, parseEnv(readFileSync(args.envFile, 'utf8')));
  const runtime = new LocalRuntime({ env });
  const typeOf = (id: string) => model.nodesById.get(id)?.type?.value ?? '';
  const onEvent = (e: RunEvent) => {
    if (e.type === 'warning') io.err(`warning: ${e.message}\n`);
    if (e.type === 'breaker') io.err(`circuit ${e.key}: ${e.state}\n`);
    if (e.type === 'node-retry') io.err(`retry: ${e.node} attempt ${e.attempt} in ${e.delayMs} ms (${e.cause})\n`);
    if (args.json) return;
    if (e.type === 'run-start') io.out(`▶ ${model.name?.value ?? args.file}  (run ${e.runId})\n`);
    if (e.type === 'node-skip') io.out(`  ↷ ${e.node}  ${typeOf(e.node)}  skipped\n`);
    if (e.type === 'node-error') {
      io.out(`  ✗ ${e.node}  ${typeOf(e.node)}  ${e.record.durationMs} ms${attempts(e.record.attempts)}\n`);
      io.out(indent(`${e.error.type}: ${e.error.message}`) + '\n');
    }
    if (e.type === 'node-output') {
      io.out(`  ✓ ${e.node}  ${typeOf(e.node)}  ${e.record.durationMs} ms${attempts(e.record.attempts)}\n`);
      io.out(indent(preview(e.preview)) + '\n');
    }
  };
  try {
    const result = await runtime.execute(model, {
      parameters: args.params,
      baseDir: dirname(resolve(args.file)),
      onEvent,
      ...(args.to !== undefined ? { to: args.to } : {}),
      ...(signal ? { signal } : {}),
    });
    // Any failed node fails the command, even one tolerated by `on_error: continue`, and the
    // summary says so: it must agree with the exit code.
    const failedNodes = Object.entries(result.nodes).filter(([, n]) => n.status === 'failed').map(([id]) => id);
    const ok = result.status === 'succeeded' && failedNodes.length === 0;
    if (args.json) io.out(JSON.stringify(result, null, 2) + '\n');
    else if (result.status === 'succeeded' && !ok) io.out(`✗ succeeded with ${failedNodes.length} failed node${failedNodes.length === 1 ? '' : 's'} (on_error: continue): ${failedNodes.join(', ')} — in ${result.durationMs} ms\n`);
    else io.out(`${ok ? '✓' : '✗'} ${result.status} in ${result.durationMs} ms${result.error ? ` — ${result.error.node ? `${result.error.node}: ` : ''}${result.error.message}` : ''}\n`);
    return ok ? 0 : 1;
  } catch (err) {
    if (err instanceof WorkflowInvalid) {
      io.err(`kailash-wf: ${err.message}\n`);
      return 2;
    }
    throw err;
  } finally {
    await runtime.dispose();
  }
}

/** One line when short, else pretty-printed and cut: the terminal shows the shape, `--json` has it all. */
function preview(value: unknown): string {
  const flat = JSON.stringify(value);
  if (flat.length <= 120) return flat;
  const lines = JSON.stringify(value, null, 2).split('\n');
  if (lines.length <= MAX_LINES) return lines.join('\n');
  return [...lines.slice(0, MAX_LINES), `… ${lines.length - MAX_LINES} more lines (use --json for everything)`].join('\n');
}

function attempts(n: number): string {
  return n > 1 ? ` · ${n} attempts` : '';
}

function indent(s: string): string {
  return s.replace(/^/gm, '    ');
}

/** `--params FILE` (JSON or YAML) and `--param node.key=value` (value read as YAML: `5` is a number). */
export function collectParams(paramsFile: string | undefined, pairs: string[], readText: (f: string) => string): RunParameters {
  const params: Record<string, Record<string, unknown>> = {};
  if (paramsFile) {
    const loaded = parseYaml(readText(paramsFile));
    if (loaded !== null && (typeof loaded !== 'object' || Array.isArray(loaded))) throw new Error(`${paramsFile} must hold a mapping of node id to {param: value}`);
    Object.assign(params, loaded ?? {});
  }
  for (const pair of pairs) {
    const m = /^([^.=]+)\.([^=]+)=(.*)$/s.exec(pair);
    if (!m) throw new Error(`--param takes node.key=value, got '${pair}'`);
    const [, node, key, raw] = m;
    (params[node!] ??= {})[key!] = raw === '' ? '' : parseYaml(raw!);
  }
  return params;
}
