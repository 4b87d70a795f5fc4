// A run that kills its worker: worker processes on the real Redis, killed with SIGKILL while the
// run is certainly in flight (the test's server holds its request unanswered).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkerClient } from '../../runtime/worker/client';
import { startServer, type TestServer } from '../support/http-server';
import { bounded, dropQueue, REDIS_URL, uniqueQueue, WorkerProcess } from '../support/worker-fleet';

describe('a run that kills its worker', { timeout: 180_000 }, () => {
  const queue = uniqueQueue('stalls');
  const root = mkdtempSync(join(tmpdir(), 'kwf-stalls-'));
  let srv: TestServer;
  let client: WorkerClient;
  const workers: WorkerProcess[] = [];
  /** Each request the run makes: one per delivery that got as far as its node. */
  let requests = 0;
  let onRequest: () => void = () => undefined;

  before(async () => {
    // Never answers: the run is in flight until its worker dies.
    srv = await startServer(() => {
      requests++;
      onRequest();
    });
    client = new WorkerClient({ redis: REDIS_URL, queue });
  });

  after(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await client.close();
    await srv.close();
    await dropQueue(REDIS_URL, queue);
    rmSync(root, { recursive: true, force: true });
  });

  const start = () => {
    const w = new WorkerProcess(['--redis', REDIS_URL, '--queue', queue, '--root', root, '--lock-duration', '1']);
    workers.push(w);
    return w;
  };
  const nextRequest = () => bounded(new Promise<void>((r) => (onRequest = r)), 60_000, 'the run never reached its node');

  it('is delivered once more, then recorded failed with a message when it kills that worker too', async () => {
    const text = `nodes:\n  - id: call\n    type: HTTPRequestNode\n    config: {url: "${srv.url}/hang", method: GET}\n`;
    const [runId] = await client.submit([{ text, file: 'hang.workflow.yaml' }]);
    for (let killed = 0; killed < 2; killed++) {
      const arrived = nextRequest();
      const w = start();
      await w.ready(60_000);
      await arrived;
      w.kill('SIGKILL');
      assert.equal((await w.exited).signal, 'SIGKILL');
    }
    const third = start();
    const record = await bounded(client.wait(runId!), 60_000, `the run was never recorded; worker said:\n${third.lines.join('\n')}`);
    assert.equal(record.result.status, 'failed');
    assert.equal(record.result.error!.type, 'WorkerError');
    assert.match(record.result.error!.message, /stopped 2 workers \(each died or stalled while running it\), so it is not delivered again/);
    assert.equal(record.delivery, 2);
    assert.equal(requests, 2, 'the third worker must not run it');
    assert.equal((await client.status(runId!)).state, 'failed');
    // The record is written before the worker prints its line: wait for the line, not the race.
    await third.waitFor((l) => l.startsWith(`✗ ${runId} failed in the queue`), 30_000, 'the third worker never reported the failure');
    assert.ok(!third.lines.some((l) => l === `▶ ${runId}`), 'the third worker started the run');
  });
});
