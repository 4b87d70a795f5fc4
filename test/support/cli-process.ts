import { spawn } from 'node:child_process';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..');

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
  /** Set when the process was killed (it outlived `timeoutMs`). */
  signal?: NodeJS.Signals;
}

/**
 * `kailash-wf …` as a user runs it: its own process, from the repository's sources. Asynchronous,
 * so servers in the test process keep answering while it runs; killed after `timeoutMs`.
 */
export function kailashWf(args: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'runtime', 'cli', 'bin.ts'), ...args], {
    cwd: REPO,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, out, err, ...(signal ? { signal } : {}) });
    }),
  );
}
