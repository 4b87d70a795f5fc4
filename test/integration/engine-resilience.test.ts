import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { breakers } from '../../runtime/engine/policies';
import { startServer, type TestServer } from '../support/http-server';
import { runYaml } from '../support/run';

describe('policies against a real HTTP server that fails on purpose', () => {
  let srv: TestServer;
  let healthy = false;
  const closed: string[] = [];
  let onHang: (() => void) | undefined;
  before(async () => {
    srv = await startServer((req, res, hit) => {
      const path = new URL(req.url!, 'http://x').pathname;
      if (path === '/flaky')
        return void res.writeHead(hit <= 2 ? 503 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ hit }));
      if (path === '/busy') {
        if (hit === 1) return void res.writeHead(429, { 'retry-after': '1' }).end();
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok": true}');
      }
      if (path === '/missing') return void res.writeHead(404).end('nope');
      if (path === '/hang') {
        req.on('close', () => closed.push(path));
        onHang?.();
        return; // never answers
      }
      if (path === '/down') return void res.writeHead(healthy ? 200 : 503, { 'content-type': 'text/plain' }).end(healthy ? 'up' : 'down');
      if (path === '/echo')
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ auth: req.headers.authorization }));
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  after(() => srv.close());

  const http = (id: string, path: string, extra = '') =>
    `  - id: ${id}\n    type: HTTPRequestNode\n    config: {url: "${srv.url}${path}"}\n${extra}`;

  it('retries 5xx with backoff until it succeeds, counting attempts on both sides', async () => {
    const r = await runYaml(
      `nodes:\n${http('get', '/flaky', '    retry: {max_attempts: 4, strategy: exponential, base_delay: 0.01, max_delay: 0.05}\n')}`,
    );
    assert.equal(r.status, 'succeeded');
    assert.equal(srv.hits.get('/flaky'), 3);
    assert.equal(r.nodes.get!.attempts, 3);
    const retries = r.events.filter((e) => e.type === 'node-retry');
    assert.deepEqual(
      retries.map((e) => e.type === 'node-retry' && [e.attempt, e.cause]),
      [
        [2, 'status 503'],
        [3, 'status 503'],
      ],
    );
    assert.ok(retries.every((e) => e.type === 'node-retry' && e.delayMs <= 50));
  });

  it('honours Retry-After on 429', { timeout: 10_000 }, async () => {
    const r = await runYaml(`nodes:\n${http('get', '/busy', '    retry: {max_attempts: 3, base_delay: 0.01}\n')}`);
    assert.equal(r.status, 'succeeded');
    const retry = r.events.find((e) => e.type === 'node-retry');
    assert.equal(retry?.type === 'node-retry' && retry.delayMs, 1000);
    const [first, second] = srv.times.get('/busy')!;
    assert.ok(second! - first! >= 950, `waited ${second! - first!} ms`);
  });

  it('never retries a 4xx other than 408/429', async () => {
    const r = await runYaml(`nodes:\n${http('get', '/missing', '    retry: {max_attempts: 5, base_delay: 0.01}\n')}`);
    assert.equal(r.status, 'failed');
    assert.equal(srv.hits.get('/missing'), 1);
    assert.equal(r.nodes.get!.error?.type, 'ContentAwareExecutionError');
    assert.match(r.nodes.get!.error!.message, /HTTP 404/);
  });

  it('a timeout aborts the request: the server sees the connection close', { timeout: 10_000 }, async () => {
    const r = await runYaml(`nodes:\n${http('get', '/hang', '    timeout: 0.3\n')}`);
    assert.equal(r.status, 'failed');
    assert.equal(r.nodes.get!.error?.type, 'TimeoutError');
    assert.match(r.nodes.get!.error!.message, /timed out after 0\.3 s/);
    for (let i = 0; i < 100 && closed.length === 0; i++) await new Promise((res) => setImmediate(res));
    assert.deepEqual(closed, ['/hang']);
  });

  it('the circuit breaker opens after consecutive failures, then recovers through half-open', { timeout: 10_000 }, async () => {
    breakers.reset();
    const wf = `nodes:\n${http('get', '/down', '    circuit_breaker: {failure_threshold: 2, recovery_timeout: 0.2}\n')}`;
    const states: string[] = [];
    const listen = { onEvent: (e: { type: string; state?: string }) => void (e.type === 'breaker' && states.push(e.state!)) };
    await runYaml(wf, listen);
    await runYaml(wf, listen);
    const blocked = await runYaml(wf, listen);
    assert.equal(srv.hits.get('/down'), 2, 'the open circuit kept the third call off the server');
    assert.equal(blocked.nodes.get!.error?.type, 'CircuitBreakerOpenError');
    healthy = true;
    // The circuit stays open for its recovery_timeout by design; waiting it out is the behaviour under test.
    await new Promise((res) => setTimeout(res, 250));
    const recovered = await runYaml(wf, listen);
    assert.equal(recovered.status, 'succeeded');
    assert.deepEqual(states, ['open', 'half-open', 'closed']);
  });

  it('rate limits: a sliding window admits at most max_requests per window', { timeout: 10_000 }, async () => {
    const nodes = Array.from({ length: 5 }, (_, i) =>
      http(`g${i}`, '/limited', '    rate_limit: {max_requests: 2, time_window: 0.3, strategy: sliding_window, key: limited-test}\n'),
    ).join('');
    const r = await runYaml(`nodes:\n${nodes}`);
    assert.equal(r.status, 'succeeded');
    const t = srv.times.get('/limited')!.sort((a, b) => a - b);
    assert.equal(t.length, 5);
    // The limiter admits requests; arrival at the server adds a few ms of jitter either way.
    for (let i = 2; i < t.length; i++) assert.ok(t[i]! - t[i - 2]! >= 240, `3 requests within ${t[i]! - t[i - 2]!} ms`);
  });

  it('cancelling a run from outside aborts in-flight requests', { timeout: 10_000 }, async () => {
    const before = closed.length;
    const controller = new AbortController();
    onHang = () => controller.abort();
    const r = await runYaml(`nodes:\n${http('get', '/hang')}`, { signal: controller.signal });
    onHang = undefined;
    assert.equal(r.status, 'cancelled');
    assert.equal(r.nodes.get!.status, 'cancelled');
    for (let i = 0; i < 100 && closed.length === before; i++) await new Promise((res) => setImmediate(res));
    assert.equal(closed.length, before + 1);
  });

  it('a secret echoed back by the server never appears in results, events or errors', async () => {
    const secret = 'tok-very-secret-42';
    const r = await runYaml(
      `nodes:
  - id: get
    type: HTTPRequestNode
    config: {url: "${srv.url}/echo", auth_type: bearer, auth_token: "\${secret:API}"}
  - id: fail
    type: PythonCodeNode
    config: {code: "raise ValueError('bad token ' + token)"}
connections:
  - {from: get, from_output: response.content.auth, to: fail, to_input: token}
`,
      { runtime: { env: { KAILASH_SECRET_API: secret } } },
    );
    assert.deepEqual((r.results.get as { response: { content: unknown } }).response.content, { auth: 'Bearer ***' });
    assert.match(r.nodes.fail!.error!.message, /bad token Bearer \*\*\*/);
    assert.doesNotMatch(JSON.stringify(r), new RegExp(secret));
    assert.doesNotMatch(JSON.stringify(r.events), new RegExp(secret));
  });
});
