// Several `kailash-wf worker` processes on the real Redis: deaths, drains and hand-backs.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Redis from 'ioredis';
import { WorkerClient } from '../../runtime/worker/client';
import { queueKeys } from '../../runtime/worker/keys';
import type { RunRecord } from '../../runtime/worker/types';
import { startServer, type TestServer } from '../support/http-server';
import { bounded, dropQueue, REDIS_URL, uniqueQueue, waitFinished, WorkerProcess } from '../support/worker-fleet';

const REPO = resolve(__dirname, '../..');

describe('a fleet of worker processes', { timeout: 60_000 }, () => {
  let srv: TestServer;
  let redis: Redis;
  const root = mkdtempSync(join(tmpdir(), 'kwf-fleet-'));
  /** Idempotency keys the server saw, per run id. */
  const keysSeen = new Map<string, string[]>();
  /** Requests the server holds unanswered, per run id: their worker is certainly mid-run. */
  const pending = new Map<string, number>();
  const queues: string[] = [];
  const workers: WorkerProcess[] = [];
  const clients: WorkerClient[] = [];

  before(async () => {
    srv = await startServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const key = String(req.headers['idempotency-key'] ?? '');
        const runId = key.split(':')[0]!;
        const first = !keysSeen.has(runId);
        keysSeen.set(runId, [...(keysSeen.get(runId) ?? []), key]);
        const url = new URL(req.url!, 'http://x');
        // `slow` delays only a run's first request: a redelivery then finishes quickly.
        const ms = Number(url.searchParams.get(first ? 'slow' : 'ms') ?? url.searchParams.get('ms') ?? 0);
        const n = (JSON.parse(body || '{}') as { n?: number }).n ?? 0;
        pending.set(runId, (pending.get(runId) ?? 0) + 1);
        const timer = setTimeout(
          () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ doubled: 2 * n })),
          ms,
        );
        res.on('close', () => {
          clearTimeout(timer);
          pending.set(runId, pending.get(runId)! - 1);
        });
      });
    });
    redis = new Redis(REDIS_URL);
  });

  after(async () => {
    // Whatever a failed test left behind, or the test process never exits.
    for (const w of workers) w.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await Promise.all(clients.map((c) => c.close()));
    redis.disconnect();
    await srv.close();
    for (const q of queues) await dropQueue(REDIS_URL, q);
  });

  function workflow(query: string): string {
    return `name: double\nnodes:\n  - id: call\n    type: HTTPRequestNode\n    config: {url: "${srv.url}/double?${query}", method: POST, json_data: {n: 0}}\n`;
  }

  function fleet(label: string) {
    const queue = uniqueQueue(label);
    queues.push(queue);
    const start = (...extra: string[]) => {
      const w = new WorkerProcess(['--redis', REDIS_URL, '--queue', queue, '--root', root, '--lock-duration', '2', ...extra]);
      workers.push(w);
      return w;
    };
    const client = new WorkerClient({ redis: REDIS_URL, queue });
    clients.push(client);
    return { queue, start, client };
  }

  async function records(queue: string, ids: string[]): Promise<RunRecord[]> {
    const keys = queueKeys(queue);
    const texts = await redis.mget(...ids.map((id) => keys.record(id)));
    return texts.map((t, i) => {
      assert.ok(t, `run ${ids[i]} has no record`);
      return JSON.parse(t) as RunRecord;
    });
  }

  it('200 runs, one worker killed with SIGKILL mid-run: every run ends with exactly one correct record', async () => {
    const { queue, start, client } = fleet('kill');
    const [victim, ...others] = [start('--concurrency', '4'), start('--concurrency', '4'), start('--concurrency', '4')];
    await Promise.all([victim!, ...others].map((w) => w.ready()));
    const text = workflow('ms=20&slow=120');
    const ids = await client.submit(
      Array.from({ length: 200 }, (_, n) => ({ text, file: 'double.workflow.yaml', parameters: { call: { json_data: { n } } } })),
    );
    // Kill once the victim has finished a few runs and is waiting on a request the server still
    // holds: checked and killed in one synchronous step, so that run is certainly mid-flight.
    let killedMidRun: string | undefined;
    const deadline = Date.now() + 20_000;
    while (!killedMidRun) {
      if (victim!.recorded().length >= 5) killedMidRun = victim!.inFlight().find((id) => (pending.get(id) ?? 0) > 0);
      if (killedMidRun) victim!.kill('SIGKILL');
      else if (Date.now() > deadline) throw new Error(`the victim never got busy:\n${victim!.lines.join('\n')}`);
      else await new Promise((r) => setTimeout(r, 2));
    }
    assert.equal((await victim!.exited).signal, 'SIGKILL');

    const ledger = await waitFinished(REDIS_URL, queue, 200, 30_000);
    assert.equal(ledger.length, 200);
    assert.deepEqual(new Set(ledger.map((e) => e.runId)), new Set(ids), 'one ledger entry per submitted run');
    const all = await records(queue, ids);
    all.forEach((r, n) => {
      assert.equal(r.result.status, 'succeeded', `${r.runId}: ${JSON.stringify(r.result.error)}`);
      assert.deepEqual((r.result.results.call as { response: { content: unknown } }).response.content, { doubled: 2 * n });
    });
    const redelivered = all.filter((r) => r.delivery > 1);
    assert.ok(
      redelivered.some((r) => r.runId === killedMidRun),
      `run ${killedMidRun}, killed mid-run, was not redelivered`,
    );
    const victimName = victim!.lines[0]!.split(' ')[1]!;
    for (const r of redelivered) {
      assert.notEqual(r.worker, victimName, 'a dead worker records nothing');
      // The repeated side effect carried the same idempotency key as the first attempt.
      assert.deepEqual(new Set(keysSeen.get(r.runId)), new Set([`${r.runId}:call:1`]));
    }
    for (const w of others) w.kill('SIGTERM');
    assert.deepEqual(await Promise.all(others.map((w) => w.exited.then((e) => e.code))), [0, 0]);
  });

  it('SIGTERM drains: in-flight runs finish on their worker, which then exits 0 and takes no more', async () => {
    const { queue, start, client } = fleet('drain');
    const [a, b] = [start('--concurrency', '2'), start('--concurrency', '2')];
    await Promise.all([a!.ready(), b!.ready()]);
    const text = workflow('ms=300');
    const ids = await client.submit(
      Array.from({ length: 12 }, (_, n) => ({ text, file: 'double.workflow.yaml', parameters: { call: { json_data: { n } } } })),
    );
    await a!.waitFor(() => a!.inFlight().length > 0, 10_000, 'worker a never started a run');
    a!.kill('SIGTERM');
    const exit = await bounded(a!.exited, 15_000, 'worker a did not exit after SIGTERM');
    assert.equal(exit.code, 0, a!.stderr);
    const drainAt = a!.lines.findIndex((l) => l.startsWith('draining:'));
    assert.ok(drainAt > 0);
    assert.ok(!a!.lines.slice(drainAt).some((l) => l.startsWith('▶')), 'no run started after SIGTERM');
    assert.deepEqual(a!.inFlight(), [], 'every run it started, it finished');
    assert.equal(a!.lines.at(-1), 'stopped');
    await waitFinished(REDIS_URL, queue, 12, 20_000);
    const all = await records(queue, ids);
    assert.ok(
      all.every((r) => r.delivery === 1 && r.result.status === 'succeeded'),
      'nothing was redelivered',
    );
    assert.ok(a!.recorded().length > 0 && b!.recorded().length > 0);

    // The CLI against the same fleet: `submit --wait --json` prints what `run --json` prints.
    const file = join(root, 'double.workflow.yaml');
    writeFileSync(file, text);
    const sub = await cli([
      'submit',
      file,
      '--redis',
      REDIS_URL,
      '--queue',
      queue,
      '--root',
      root,
      '--param',
      'call.json_data={n: 21}',
      '--wait',
      '--json',
    ]);
    assert.equal(sub.code, 0, sub.err);
    const result = JSON.parse(sub.out) as RunRecord['result'];
    assert.deepEqual(Object.keys(result), ['runId', 'status', 'durationMs', 'results', 'nodes']);
    assert.deepEqual((result.results.call as { response: { content: unknown } }).response.content, { doubled: 42 });
    const st = await cli(['status', result.runId, '--redis', REDIS_URL, '--queue', queue, '--json']);
    assert.equal(st.code, 0, st.err);
    assert.equal((JSON.parse(st.out) as { state: string }).state, 'succeeded');
    const failing = join(root, 'fails.workflow.yaml');
    writeFileSync(failing, `nodes:\n  - id: call\n    type: HTTPRequestNode\n    config: {url: "http://127.0.0.1:1/nothing"}\n`);
    const bad = await cli(['submit', failing, '--redis', REDIS_URL, '--queue', queue, '--root', root, '--wait']);
    assert.equal(bad.code, 1, bad.out + bad.err);
    assert.match(bad.out, /✗ failed/);
    b!.kill('SIGTERM');
    assert.equal((await b!.exited).code, 0);
  });

  it('SIGTERM past the grace period hands in-flight runs back; another worker reruns them', async () => {
    const { queue, start, client } = fleet('handback');
    const a = start('--concurrency', '1', '--grace', '0.3');
    await a.ready();
    // The first attempt hangs for 30 s; the rerun answers at once.
    const [id] = await client.submit([
      { text: workflow('slow=30000&ms=0'), file: 'double.workflow.yaml', parameters: { call: { json_data: { n: 4 } } } },
    ]);
    await a.waitFor((l) => l.startsWith(`▶ ${id}`), 10_000, 'worker a never picked the run up');
    const b = start('--concurrency', '1');
    await b.ready();
    a.kill('SIGTERM');
    assert.equal((await bounded(a.exited, 10_000, 'worker a did not exit')).code, 0, a.stderr);
    assert.ok(a.lines.includes(`↩ ${id} handed back`), a.lines.join('\n'));
    const record = await bounded(client.wait(id!), 15_000, 'the handed-back run never finished');
    assert.equal(record.result.status, 'succeeded');
    assert.equal(record.delivery, 2);
    assert.equal(record.worker, b.lines[0]!.split(' ')[1]);
    assert.deepEqual(keysSeen.get(id!), [`${id}:call:1`, `${id}:call:1`], 'both deliveries sent the same idempotency key');
    b.kill('SIGTERM');
    assert.equal((await b.exited).code, 0);
  });
});

function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/cli/bin.ts', ...args], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => res({ code, out, err }));
  });
}
