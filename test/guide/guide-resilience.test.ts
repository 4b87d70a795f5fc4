// The guide's error-handling patterns, which it writes as hand-made functions: `call_with_retry`
// (exponential backoff, min(2**attempt, 60) s, returning the attempts), `handle_circuit_breaker`
// (closed → open after failure_threshold failures, then refuse), and its checklist's "respect API
// limits". Here they are per-node policies (`retry`, `circuit_breaker`, `rate_limit`) on an
// HTTPRequestNode, with the guide's URL, headers and params given at run time; a node:http API on
// 127.0.0.1 counts what really reached it. The breaker across runs lives in a worker (Redis).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { json, listen, type TestServer } from '../integration/api-support';
import { dropQueue, REDIS_URL, uniqueQueue, WorkerProcess } from '../support/worker-fleet';
import { cli, folder, run, type RunRecord } from './cli';

describe('guide: retry with exponential backoff', () => {
  const files = folder();
  let api: TestServer;
  before(async () => {
    // Fails twice (503, then a 502), then answers: the guide's flaky API.
    api = await listen((req, res, n) =>
      n < 3 ? json(res, n === 1 ? 503 : 502, { error: 'warming up' }) : json(res, 200, { items: [1, 2] }),
    );
  });
  after(async () => {
    await api.close();
    files.cleanup();
  });

  it('retries on 5xx with the guide backoff (1 s, 2 s) and reports the attempts', async () => {
    const file = files.write(
      'retry.workflow.yaml',
      `name: resilient-api
nodes:
  - id: resilient_api
    type: HTTPRequestNode
    config:
      method: GET
      timeout: 30
    retry:
      max_attempts: 3
      strategy: exponential
      base_delay: 1
      max_delay: 60
      jitter: false
`,
    );
    const r = await run(file, [
      `resilient_api.url=${api.url}/v1/stock`,
      'resilient_api.headers={X-Client: guide}',
      'resilient_api.params={warehouse: ams-1}',
    ]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(api.requests.length, 3, 'two failures, then the answer');
    for (const req of api.requests) {
      assert.equal(req.url, '/v1/stock?warehouse=ams-1');
      assert.equal(req.headers['x-client'], 'guide');
    }
    assert.equal(r.record!.nodes.resilient_api!.attempts, 3);
    assert.deepEqual((r.record!.results.resilient_api!.response as { content: unknown }).content, { items: [1, 2] });
    assert.deepEqual(
      r.stderr.split('\n').filter((l) => l.startsWith('retry:')),
      ['retry: resilient_api attempt 2 in 1000 ms (status 503)', 'retry: resilient_api attempt 3 in 2000 ms (status 502)'],
    );
  });
});

describe('guide: circuit breaker', () => {
  const files = folder();
  let api: TestServer;
  const queue = uniqueQueue('guide-breaker');
  let worker: WorkerProcess | undefined;
  before(async () => {
    api = await listen((req, res) => json(res, 503, { error: 'pricing engine unavailable' }));
  });
  beforeEach(() => void (api.requests.length = 0));
  after(async () => {
    worker?.kill('SIGKILL');
    await worker?.exited;
    await dropQueue(REDIS_URL, queue);
    await api.close();
    files.cleanup();
  });

  const workflow = (retry: string) => `name: prices
nodes:
  - id: circuit_breaker
    type: HTTPRequestNode
    config:
      url: ${api.url}/v2/prices
      method: GET
    circuit_breaker:
      failure_threshold: 3
      recovery_timeout: 60
${retry}`;

  it('opens after failure_threshold failures: retries stop calling the failing service', async () => {
    const file = files.write('breaker.workflow.yaml', workflow('    retry: {max_attempts: 6, base_delay: 0.01, jitter: false}\n'));
    const r = await run(file);
    assert.equal(r.code, 1);
    assert.equal(api.requests.length, 3, 'three calls open the circuit; the other attempts never leave');
    assert.match(r.stderr, /circuit 127\.0\.0\.1:\d+: open/);
    assert.equal(r.record!.nodes.circuit_breaker!.error!.type, 'CircuitBreakerOpenError');
    assert.match(r.record!.nodes.circuit_breaker!.error!.message, /open after 3 consecutive failures; calls resume after 60 s/);
  });

  it('in a worker the circuit stays open across runs, as the guide keeps circuit_state between calls', async () => {
    const file = files.write('breaker-runs.workflow.yaml', workflow(''));
    worker = new WorkerProcess(['--redis', REDIS_URL, '--queue', queue, '--root', files.dir]);
    await worker.ready();
    const errors: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await cli(['submit', file, '--redis', REDIS_URL, '--queue', queue, '--root', files.dir, '--wait', '--json']);
      assert.equal(r.code, 1, r.stderr + r.stdout);
      errors.push((JSON.parse(r.stdout) as RunRecord).nodes.circuit_breaker!.error!.type);
    }
    assert.deepEqual(errors, [
      'ContentAwareExecutionError',
      'ContentAwareExecutionError',
      'ContentAwareExecutionError',
      'CircuitBreakerOpenError',
    ]);
    assert.equal(api.requests.length, 3, 'the fourth run is refused without a call');
  });
});

describe('guide: respect API limits (rate limit)', () => {
  const files = folder();
  let api: TestServer;
  const arrivals: number[] = [];
  before(async () => {
    api = await listen((req, res) => {
      arrivals.push(performance.now());
      json(res, 200, { page: new URL(req.url ?? '/', 'http://x').searchParams.get('page') });
    });
  });
  after(async () => {
    await api.close();
    files.cleanup();
  });

  it('six independent calls to one API go out at most two per 0.6 s window', async () => {
    const pages = [1, 2, 3, 4, 5, 6];
    const file = files.write(
      'pages.workflow.yaml',
      `name: pages
nodes:
${pages
  .map(
    (p) => `  - id: page_${p}
    type: HTTPRequestNode
    config: {url: "${api.url}/v1/orders", params: {page: ${p}}}
    rate_limit: {max_requests: 2, time_window: 0.6, strategy: sliding_window}
`,
  )
  .join('')}`,
    );
    const r = await run(file);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(api.requests.length, 6);
    // The independent nodes start together; unlimited, all six would arrive at once. The limit is
    // one window between a request and the one two after it (half of it allowed for transit jitter).
    for (let k = 0; k + 2 < arrivals.length; k++) {
      assert.ok(
        arrivals[k + 2]! - arrivals[k]! >= 300,
        `requests ${k + 1} and ${k + 3} ${Math.round(arrivals[k + 2]! - arrivals[k]!)} ms apart`,
      );
    }
  });
});
