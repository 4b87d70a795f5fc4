/**
 * The guide tests drive the product as a guide reader does: a workflow file on disk, the
 * `kailash-wf` CLI in its own process, run-time values as `--param` and environment variables.
 * The CLI runs asynchronously so the servers it talks to, in this process, keep answering.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kailashWf } from '../support/cli-process';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** One `kailash-wf` command in its own process (test/support/cli-process.ts); a kill fails the test. */
export async function cli(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<CliResult> {
  const r = await kailashWf(args, { env, timeoutMs });
  if (r.signal) throw new Error(`kailash-wf ${args.join(' ')} was killed (${r.signal}) after ${timeoutMs} ms:\n${r.err}`);
  return { code: r.code ?? -1, stdout: r.out, stderr: r.err };
}

/** A temp folder for one test file's workflows, removed by `cleanup`. */
export function folder(prefix = 'kwf-guide-'): { dir: string; write(name: string, text: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write(name, text) {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface RunRecord {
  runId: string;
  status: string;
  results: Record<string, Record<string, unknown> | null>;
  nodes: Record<string, { status: string; durationMs: number; attempts: number; error?: { type: string; message: string } }>;
  error?: { type: string; message: string; node?: string };
}

/** `kailash-wf run FILE --json [--param …] [more args]`: the exit code and the run record. */
export async function run(
  file: string,
  params: string[] = [],
  env: Record<string, string> = {},
  more: string[] = [],
): Promise<CliResult & { record?: RunRecord }> {
  const r = await cli(['run', file, '--json', ...params.flatMap((p) => ['--param', p]), ...more], env);
  let record: RunRecord | undefined;
  try {
    record = JSON.parse(r.stdout) as RunRecord;
  } catch {
    // A refused workflow prints diagnostics on stderr and no record.
  }
  return { ...r, ...(record ? { record } : {}) };
}

export interface Finding {
  line: number;
  column: number;
  severity: string;
  code: string;
  message: string;
}

/** `kailash-wf validate FILE --json`: the exit code and every diagnostic. */
export async function validate(file: string): Promise<{ code: number; findings: Finding[] }> {
  const r = await cli(['validate', file, '--json']);
  if (r.code === 2) throw new Error(`validate could not read ${file}: ${r.stderr}`);
  return { code: r.code, findings: JSON.parse(r.stdout) as Finding[] };
}

/** Occurrences of `needle` in `text`. */
export function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
