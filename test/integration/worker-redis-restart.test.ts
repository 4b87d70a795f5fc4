// A Redis restart in the middle of work loses no submitted run. The Redis is the test's own
// (a free port, append-only file in a temp folder), so restarting it disturbs nobody else.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Redis from 'ioredis';
import { WorkerClient } from '../../runtime/worker/client';
import { queueKeys } from '../../runtime/worker/keys';
import type { RunRecord } from '../../runtime/worker/types';
import { startServer, type TestServer } from '../support/http-server';
import { PrivateRedis, uniqueQueue, waitFinished, WorkerProcess } from '../support/worker-fleet';

describe('worker mode across a Redis restart', { timeout: 60_000 }, () => {
  let redis: PrivateRedis;
  let srv: TestServer;
  const workers: WorkerProcess[] = [];
  const clients: WorkerClient[] = [];

  before(async () => {
    redis = await PrivateRedis.start();
    srv = await startServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const n = (JSON.parse(body || '{}') as { n?: number }).n ?? 0;
        const timer = setTimeout(
          () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ doubled: 2 * n })),
          50,
        );
        res.on('close', () => clearTimeout(timer));
      });
    });
  });

  after(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await Promise.all(clients.map((c) => c.close()));
    await srv.close();
    await redis.destroy();
  });

  it('every run submitted before, during and after the restart is recorded exactly once', async () => {
    const queue = uniqueQueue('restart');
    for (let i = 0; i < 2; i++)
      workers.push(new WorkerProcess(['--redis', redis.url, '--queue', queue, '--concurrency', '3', '--lock-duration', '2']));
    await Promise.all(workers.map((w) => w.ready()));
    const client = new WorkerClient({ redis: redis.url, queue });
    clients.push(client);
    const text = `nodes:\n  - id: call\n    type: HTTPRequestNode\n    config: {url: "${srv.url}/double", method: POST, json_data: {n: 0}}\n`;
    const submit = (from: number, count: number) =>
      client.submit(
        Array.from({ length: count }, (_, i) => ({
          text,
          file: 'double.workflow.yaml',
          runId: `run-${from + i}`,
          parameters: { call: { json_data: { n: from + i } } },
        })),
      );

    await submit(0, 60);
    await waitFinished(redis.url, queue, 10, 20_000);
    // A client following a run through the restart gets its record all the same.
    const following = client.wait('run-59');
    await redis.down();
    // Submitted while Redis is down: the client holds the job until Redis is back.
    const during = submit(60, 10);
    await redis.up();
    await during;
    await submit(70, 10);

    const ledger = await waitFinished(redis.url, queue, 80, 40_000);
    assert.equal((await following).result.status, 'succeeded');
    const ids = Array.from({ length: 80 }, (_, i) => `run-${i}`);
    assert.equal(ledger.length, 80);
    assert.deepEqual(new Set(ledger.map((e) => e.runId)), new Set(ids));
    const r = new Redis(redis.url);
    try {
      const texts = await r.mget(...ids.map((id) => queueKeys(queue).record(id)));
      texts.forEach((t, n) => {
        assert.ok(t, `run-${n} has no record`);
        const rec = JSON.parse(t) as RunRecord;
        assert.equal(rec.result.status, 'succeeded', JSON.stringify(rec.result.error));
        assert.deepEqual((rec.result.results.call as { response: { content: unknown } }).response.content, { doubled: 2 * n });
      });
    } finally {
      r.disconnect();
    }
    // Both workers were connected through the outage and came back on their own.
    for (const w of workers) await w.waitFor((l) => l.startsWith('Redis is back'), 5000, 'a worker did not notice the restart');
    for (const w of workers) w.kill('SIGTERM');
    const exits = await Promise.all(workers.map((w) => w.exited));
    assert.deepEqual(
      exits.map((e) => e.code),
      [0, 0],
      workers.map((w) => w.stderr).join('\n'),
    );
  });
});
