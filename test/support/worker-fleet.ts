import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import Redis from 'ioredis';
import { readFinished } from '../../runtime/worker/events';
import { queueKeys } from '../../runtime/worker/keys';

export const REDIS_URL = process.env.KWF_TEST_REDIS ?? 'redis://127.0.0.1:6379';
const REPO = resolve(__dirname, '../..');

/** A queue name no other test (or test run) uses. */
export function uniqueQueue(label: string): string {
  return `test-${label}-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key of one queue (BullMQ's and ours), never the rest of the shared Redis. */
export async function dropQueue(url: string, queue: string): Promise<void> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    for (const pattern of [`kwf:${queue}:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await r.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    r.disconnect();
  }
}

/** A `kailash-wf worker` process whose output lines can be awaited. */
export class WorkerProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private waiters: { test: (l: string) => boolean; resolve: () => void }[] = [];
  stderr = '';

  constructor(args: string[], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'runtime/cli/bin.ts', 'worker', ...args], {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      this.waiters = this.waiters.filter((w) => (w.test(line) ? (w.resolve(), false) : true));
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((r) => this.child.once('exit', (code, signal) => r({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves at the first line (already printed or to come) that passes `test`. */
  waitFor(test: (line: string) => boolean, ms: number, what: string): Promise<void> {
    if (this.lines.some(test)) return Promise.resolve();
    return bounded(
      new Promise<void>((resolve) => this.waiters.push({ test, resolve })),
      ms,
      `${what}; worker said:\n${this.lines.join('\n')}\n${this.stderr}`,
    );
  }

  ready(ms = 20_000): Promise<void> {
    return this.waitFor((l) => l.includes(' ready: '), ms, 'worker never became ready');
  }

  /** Run ids this worker started and has not finished (recorded, handed back or skipped). */
  inFlight(): string[] {
    const open = new Set<string>();
    for (const l of this.lines) {
      const m = /^(.) (\S+)/.exec(l);
      if (!m) continue;
      if (m[1] === '▶') open.add(m[2]!);
      else open.delete(m[2]!);
    }
    return [...open];
  }

  /** Runs this worker recorded (`✓`/`✗` lines). */
  recorded(): string[] {
    return this.lines.filter((l) => /^[✓✗] /.test(l)).map((l) => l.split(' ')[1]!);
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

/** Waits until the queue's ledger holds `count` entries; returns them all. */
export async function waitFinished(url: string, queue: string, count: number, ms: number): Promise<{ runId: string; status: string }[]> {
  const r = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
  r.on('error', () => undefined);
  const seen: { runId: string; status: string }[] = [];
  const deadline = Date.now() + ms;
  let from = '0';
  try {
    while (seen.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${seen.length} of ${count} runs recorded after ${ms} ms`);
      let batch: Awaited<ReturnType<typeof readFinished>> = [];
      try {
        batch = await bounded(readFinished(r, queueKeys(queue), from, 500), 5000, 'XREAD hung');
      } catch {
        // Redis restarting: try again until the deadline.
        await new Promise((res) => setTimeout(res, 100));
        continue;
      }
      for (const e of batch) {
        from = e.id;
        seen.push({ runId: e.runId, status: e.status });
      }
    }
    return seen;
  } finally {
    r.disconnect();
  }
}

export function bounded<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]);
}

/** A free loopback port (the OS picks one; a race with another process is possible but rare). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolvePort(port));
    });
  });
}

/**
 * A Redis of the test's own, on a free loopback port, keeping its data in a temp folder with an
 * append-only file: restarting it must not disturb the shared Redis, and queued jobs must survive.
 */
export class PrivateRedis {
  readonly dir = mkdtempSync(join(tmpdir(), 'kwf-redis-'));
  private child?: ChildProcess;
  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort());
    await r.up();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', this.dir],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 10_000;
    for (;;) {
      const r = spawnSync('redis-cli', ['-p', String(this.port), 'ping'], { encoding: 'utf8' });
      if (r.stdout.trim() === 'PONG') return;
      if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not start`);
      await new Promise((res) => setTimeout(res, 50));
    }
  }

  /** SIGTERM: Redis flushes its append-only file and exits, as in a restart by an operator. */
  async down(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await bounded(exited, 10_000, 'redis-server did not stop');
  }

  async destroy(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
