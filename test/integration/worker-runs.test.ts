// One in-process worker against the real Redis: what a run looks like on the way through a queue.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Redis from 'ioredis';
import { LocalRuntime } from '../../runtime/engine/local';
import { parseWorkflow } from '../../runtime/model/parse';
import { WorkerClient } from '../../runtime/worker/client';
import { readFinished } from '../../runtime/worker/events';
import { queueKeys } from '../../runtime/worker/keys';
import { recordOnce } from '../../runtime/worker/records';
import type { RunRecord } from '../../runtime/worker/types';
import { RunWorker } from '../../runtime/worker/worker';
import { startServer, type TestServer } from '../support/http-server';
import { dropQueue, REDIS_URL, uniqueQueue } from '../support/worker-fleet';

describe('worker mode, one worker in this process', () => {
  const queue = uniqueQueue('runs');
  const keys = queueKeys(queue);
  const root = mkdtempSync(join(tmpdir(), 'kwf-root-'));
  let srv: TestServer;
  let worker: RunWorker;
  let client: WorkerClient;
  let redis: Redis;
  const seen: { key?: string; auth?: string }[] = [];
  const logs: string[] = [];

  before(async () => {
    srv = await startServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const url = new URL(req.url!, 'http://x');
        seen.push({ key: req.headers['idempotency-key'] as string, auth: req.headers.authorization });
        const n = body ? (JSON.parse(body) as { n: number }).n : 0;
        const timer = setTimeout(
          () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ doubled: 2 * n })),
          Number(url.searchParams.get('ms') ?? 0),
        );
        res.on('close', () => clearTimeout(timer));
      });
    });
    writeFileSync(join(root, 'data.json'), '{"answer": 42}');
    worker = new RunWorker({
      redis: REDIS_URL,
      queue,
      root,
      concurrency: 4,
      env: { KAILASH_SECRET_TOKEN: 's3cret-value' },
      lockDurationMs: 5000,
      log: (l) => logs.push(l),
    });
    await worker.start();
    client = new WorkerClient({ redis: REDIS_URL, queue });
    redis = new Redis(REDIS_URL);
  });

  after(async () => {
    await worker.stop(1000);
    await client.close();
    redis.disconnect();
    await srv.close();
    await dropQueue(REDIS_URL, queue);
  });

  const post = (ms = 0, extra = '') =>
    `name: post\nnodes:\n  - id: call\n    type: HTTPRequestNode\n    config: {url: "${srv.url}/double?ms=${ms}", method: POST, json_data: {n: 1}${extra}}\n`;

  it('runs a submitted workflow and records what `run --json` prints, once', async () => {
    const text = post();
    const [runId] = await client.submit([{ text, file: 'post.workflow.yaml', parameters: { call: { json_data: { n: 21 } } } }]);
    const record = await client.wait(runId!);
    assert.equal(record.runId, runId);
    assert.equal(record.worker, worker.name);
    assert.equal(record.delivery, 1);
    const result = record.result;
    assert.equal(result.status, 'succeeded');
    assert.equal(result.runId, runId, 'the engine ran under the submitted id');
    assert.deepEqual((result.results.call as { response: { content: unknown } }).response.content, { doubled: 42 });
    // The same keys, in the same order, as a local run's `run --json`.
    const runtime = new LocalRuntime({ env: {} });
    const local = await runtime.execute(parseWorkflow(text), { parameters: { call: { json_data: { n: 21 } } } });
    await runtime.dispose();
    assert.deepEqual(Object.keys(result), Object.keys(local));
    assert.deepEqual(Object.keys(result.nodes.call!), Object.keys(local.nodes.call!));
    const ledger = (await readFinished(redis, keys, '0')).filter((e) => e.runId === runId);
    assert.deepEqual(
      ledger.map((e) => e.status),
      ['succeeded'],
    );
  });

  it('streams node events that any client can follow, from the start or from where it left off', async () => {
    const [runId] = await client.submit([{ text: post(), file: 'post.workflow.yaml' }]);
    const entries = [];
    for await (const e of client.follow(runId!)) entries.push(e);
    const types = entries.map((e) => e.event.type);
    assert.deepEqual(types, ['picked-up', 'run-start', 'node-start', 'node-output', 'run-end', 'recorded']);
    assert.ok(entries.every((e) => e.worker === worker.name && e.delivery === 1));
    // A late follower starting after the second entry sees only what came after it.
    const rest = [];
    for await (const e of client.follow(runId!, { from: entries[1]!.id })) rest.push(e.event.type);
    assert.deepEqual(rest, types.slice(2));
  });

  it('sends an idempotency key built on the submitted run id, stable across deliveries', async () => {
    const runId = `idem-${Date.now()}`;
    await client.submit([{ text: post(), file: 'post.workflow.yaml', runId }]);
    await client.wait(runId);
    assert.ok(
      seen.some((s) => s.key === `${runId}:call:1`),
      JSON.stringify(seen.slice(-3)),
    );
  });

  it('a run id submitted again is neither run nor recorded twice', async () => {
    const runId = `again-${Date.now()}`;
    const before = seen.length;
    await client.submit([{ text: post(), file: 'post.workflow.yaml', runId }]);
    const first = await client.wait(runId);
    await client.submit([{ text: post(), file: 'post.workflow.yaml', runId }]);
    await waitUntil(() => logs.some((l) => l === `= ${runId} already recorded by ${worker.name}`), 5000);
    assert.deepEqual(await client.wait(runId), first);
    assert.equal(seen.length - before, 1, 'one request reached the server');
    assert.equal((await readFinished(redis, keys, '0')).filter((e) => e.runId === runId).length, 1);
  });

  it('writes a record only once, whoever finishes second', async () => {
    const runId = `twice-${Date.now()}`;
    const base: RunRecord = {
      runId,
      queue,
      file: 'x.workflow.yaml',
      worker: 'a',
      delivery: 1,
      submittedAt: 1,
      startedAt: 2,
      finishedAt: 3,
      result: { runId, status: 'succeeded', durationMs: 1, results: {}, nodes: {} },
    };
    const first = await recordOnce(redis, keys, base);
    const second = await recordOnce(redis, keys, { ...base, worker: 'b', delivery: 2, result: { ...base.result, status: 'failed' } });
    assert.equal(first.written, true);
    assert.equal(second.written, false);
    assert.equal(second.record.worker, 'a');
    assert.equal((await client.status(runId)).state, 'succeeded');
    assert.equal((await readFinished(redis, keys, '0')).filter((e) => e.runId === runId).length, 1);
  });

  it('resolves secrets from the worker environment; they never travel in the job', async () => {
    const [runId] = await client.submit([
      { text: post(0, ', headers: {Authorization: "Bearer ${secret:TOKEN}"}'), file: 'post.workflow.yaml' },
    ]);
    const record = await client.wait(runId!);
    assert.equal(record.result.status, 'succeeded');
    assert.ok(seen.some((s) => s.auth === 'Bearer s3cret-value'));
    assert.doesNotMatch(JSON.stringify(record), /s3cret-value/);
    const stream = await redis.xrange(keys.events(runId!), '-', '+');
    assert.doesNotMatch(JSON.stringify(stream), /s3cret-value/);
  });

  it('resolves relative file paths in the submitted file’s folder under the worker root', async () => {
    const text = `nodes:\n  - id: read\n    type: JSONReaderNode\n    config: {file_path: data.json}\n`;
    const [ok, outside] = await client.submit([
      { text, file: 'flow.workflow.yaml' },
      { text, file: '../elsewhere/flow.workflow.yaml' },
    ]);
    const good = await client.wait(ok!);
    assert.equal(good.result.status, 'succeeded', JSON.stringify(good.result.error));
    assert.match(JSON.stringify(good.result.results.read), /42/);
    const bad = await client.wait(outside!);
    assert.equal(bad.result.status, 'failed');
    assert.equal(bad.result.error?.type, 'SecurityError');
  });

  it('fails a run that outlives its timeout (BullMQ has none), through the run signal', async () => {
    const [runId] = await client.submit([{ text: post(5000), file: 'post.workflow.yaml', timeoutMs: 200 }]);
    const t = performance.now();
    const record = await client.wait(runId!);
    assert.ok(performance.now() - t < 3000);
    assert.equal(record.result.status, 'failed');
    assert.equal(record.result.error?.type, 'TimeoutError');
    assert.equal(record.result.nodes.call?.status, 'cancelled');
  });

  it('cancels a running run, and a queued one as soon as it is picked up', async () => {
    const [runId] = await client.submit([{ text: post(5000), file: 'post.workflow.yaml' }]);
    for await (const e of client.follow(runId!)) if (e.event.type === 'node-start') break;
    await client.cancel(runId!);
    const record = await client.wait(runId!);
    assert.equal(record.result.status, 'cancelled');
    const early = `early-${Date.now()}`;
    await client.cancel(early);
    await client.submit([{ text: post(5000), file: 'post.workflow.yaml', runId: early }]);
    assert.equal((await client.wait(early)).result.status, 'cancelled');
  });

  it('records an invalid workflow as failed instead of losing it', async () => {
    const [runId] = await client.submit([{ text: 'nodes:\n  - id: x\n    type: NoSuchNode\n', file: 'bad.workflow.yaml' }]);
    const record = await client.wait(runId!);
    assert.equal(record.result.status, 'failed');
    assert.equal(record.result.error?.type, 'WorkflowValidationError');
  });

  it('a run the worker itself cannot execute is retried by the queue, then recorded as failed', { timeout: 20_000 }, async () => {
    // A malformed job (the text is not text) makes the worker throw, not the workflow fail.
    const [runId] = await client.submit([{ text: 5 as unknown as string, file: 'x.workflow.yaml' }]);
    const record = await client.wait(runId!);
    assert.equal(record.result.status, 'failed');
    assert.equal(record.result.error?.type, 'WorkerError');
    assert.equal(logs.filter((l) => l === `▶ ${runId}`).length, 3, 'three attempts');
    assert.equal(record.delivery, 3);
  });

  it('reports queued and unknown runs', async () => {
    const other = new WorkerClient({ redis: REDIS_URL, queue: uniqueQueue('idle') });
    try {
      const [runId] = await other.submit([{ text: post(), file: 'post.workflow.yaml' }]);
      assert.equal((await other.status(runId!)).state, 'queued');
      assert.equal((await other.status('no-such-run')).state, 'unknown');
      await assert.rejects(async () => {
        for await (const _ of other.follow('no-such-run')) void _;
      }, /no run 'no-such-run'/);
    } finally {
      await other.close();
      await dropQueue(REDIS_URL, other.queueName);
    }
  });
});

async function waitUntil(test: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
