// `worker`, `submit`, `status` and `cancel` against a Redis that is not there (a closed loopback
// port) or that never answers (a socket that accepts and stays silent): each fails within a
// bounded time, names the URL and exits non-zero, in this process and as a real process.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../runtime/cli/main';
import { bounded, freePort } from '../support/worker-fleet';

const REPO = resolve(__dirname, '../..');

describe('worker commands when Redis is unreachable', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kwf-unreachable-'));
  const file = join(dir, 'ok.workflow.yaml');
  writeFileSync(file, 'nodes:\n  - {id: a, type: MergeNode, config: {data1: [1]}}\n');
  let closedUrl: string;
  let silent: Server;
  let silentUrl: string;
  const sockets: Socket[] = [];
  const children: ChildProcess[] = [];

  before(async () => {
    closedUrl = `redis://127.0.0.1:${await freePort()}`;
    silent = createServer((s) => {
      sockets.push(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    silentUrl = `redis://127.0.0.1:${(silent.address() as { port: number }).port}`;
  });

  after(async () => {
    // A command that hung (the failure this file tests for) must not outlive the test.
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  const commands = (url: string): string[][] => [
    ['status', 'some-run', '--redis', url],
    ['cancel', 'some-run', '--redis', url],
    ['submit', file, '--root', dir, '--redis', url],
    ['submit', file, '--root', dir, '--redis', url, '--wait'],
    ['worker', '--redis', url, '--root', dir],
  ];

  async function inProcess(argv: string[]) {
    let err = '';
    const started = Date.now();
    const code = await bounded(main(argv, { out: () => undefined, err: (s) => void (err += s) }), 15_000, `${argv[0]} hung`);
    return { code, err, ms: Date.now() - started };
  }

  it('a refused connection fails each command at once (well under the 5 s answer bound)', async () => {
    for (const argv of commands(closedUrl)) {
      const r = await inProcess(argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.err}`);
      assert.equal(r.err, `kailash-wf: cannot reach Redis at ${closedUrl}: connect ECONNREFUSED ${closedUrl.slice('redis://'.length)}\n`);
      assert.ok(r.ms < 4000, `${argv[0]} took ${r.ms} ms`);
    }
  });

  it('a Redis that never answers fails each command after the 5 s bound, not later', async () => {
    const results = await Promise.all(commands(silentUrl).map(inProcess));
    for (const r of results) {
      assert.equal(r.code, 2, r.err);
      assert.equal(r.err, `kailash-wf: cannot reach Redis at ${silentUrl} (no answer in 5 s)\n`);
      assert.ok(r.ms >= 4900 && r.ms < 9000, `took ${r.ms} ms`);
    }
  });

  it('as real processes: each exits 2 on its own (no connection keeps it alive), naming the URL', async () => {
    const runs = commands(closedUrl).map(
      (argv) =>
        new Promise<{ argv: string[]; code: number | null; stderr: string }>((resolveRun) => {
          const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/cli/bin.ts', ...argv], {
            cwd: REPO,
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          children.push(child);
          let stderr = '';
          child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
          child.once('exit', (code) => resolveRun({ argv, code, stderr }));
        }),
    );
    // Generous: five processes start tsx at once on a busy machine; a hang would be forever.
    for (const r of await bounded(Promise.all(runs), 90_000, 'a command never exited')) {
      assert.equal(r.code, 2, `${r.argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`cannot reach Redis at ${closedUrl.replace(/[.]/g, '\\.')}`));
    }
  });
});
