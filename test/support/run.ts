import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalRuntime, type RuntimeOptions } from '../../runtime/engine/local';
import type { RunEvent, RunOptions, RunResult } from '../../runtime/engine/types';
import { parseWorkflow } from '../../runtime/model/parse';

/** A temp folder with the given files, as a workflow's folder. */
export function workspace(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'kwf-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Runs workflow text and collects its events. */
export async function runYaml(
  yaml: string,
  options: RunOptions & { runtime?: RuntimeOptions } = {},
): Promise<RunResult & { events: RunEvent[] }> {
  const events: RunEvent[] = [];
  const runtime = new LocalRuntime(options.runtime ?? { env: {} });
  const result = await runtime.execute(parseWorkflow(yaml), {
    baseDir: options.baseDir ?? workspace(),
    ...options,
    onEvent: (e) => {
      events.push(e);
      options.onEvent?.(e);
    },
  });
  return { ...result, events };
}

/** Child processes of this process (to prove none outlive a run). */
export function childPids(): number[] {
  const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
  try {
    return execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter(([pid, comm]) => Number(pid) > 0 && comm !== 'ps')
      .map(([pid]) => Number(pid));
  } catch {
    return [];
  }
}
