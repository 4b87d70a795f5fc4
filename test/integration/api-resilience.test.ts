// Engine policies (retry, timeout, circuit breaker) around HTTPRequestNode, against servers that
// fail on purpose; attempts are counted where they land, on the server.
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { json, requestSocketsClosed, run, useServers } from './api-support';

const node = (url: string, policies: string) => `nodes:
  - id: call
    type: HTTPRequestNode
    config: {url: "${url}"}
${policies.replace(/^/gm, '    ')}
`;

describe('HTTPRequestNode under engine policies', () => {
  const serve = useServers();

  it('retries a burst of 503s and succeeds on the third attempt', async () => {
    const s = await serve((_req, res, n) => json(res, n <= 2 ? 503 : 200, { n }));
    const r = await run(node(`${s.url}/flaky`, 'retry: {max_attempts: 4, base_delay: 0.001, jitter: false}'));
    assert.equal(r.status, 'succeeded');
    assert.equal(s.requests.length, 3);
    assert.equal(r.nodes.call!.attempts, 3);
    assert.deepEqual((r.results.call!.response as { content: unknown }).content, { n: 3 });
    assert.deepEqual(
      r.events.filter((e) => e.type === 'node-retry').map((e) => (e as { cause: string }).cause),
      ['status 503', 'status 503'],
    );
  });

  it('gives up after max_attempts and stops the run with the last 503', async () => {
    const s = await serve((_req, res) => json(res, 503, { down: true }));
    const r = await run(node(`${s.url}/down`, 'retry: {max_attempts: 3, base_delay: 0.001}'));
    assert.equal(r.status, 'failed');
    assert.equal(s.requests.length, 3);
    assert.equal(r.results.call!.status_code, 503);
  });

  it('waits as long as a 429 Retry-After says, not the policy backoff', async () => {
    // A 30 s base delay would time the test out: only Retry-After: 0 lets it finish at once.
    const s = await serve((_req, res, n) =>
      n === 1 ? json(res, 429, { slow: 'down' }, { 'retry-after': '0' }) : json(res, 200, { ok: true }),
    );
    const r = await run(node(`${s.url}/limited`, 'retry: {max_attempts: 2, base_delay: 30}'));
    assert.equal(r.status, 'succeeded');
    assert.equal(s.requests.length, 2);
    const retry = r.events.find((e) => e.type === 'node-retry') as { delayMs: number; cause: string };
    assert.deepEqual([retry.delayMs, retry.cause], [0, 'status 429']);
  });

  it('a node timeout aborts a hung request and the server sees its connection close', async () => {
    const s = await serve(() => undefined); // never answers
    const r = await run(node(`${s.url}/hang`, 'timeout: 0.2'));
    assert.equal(r.status, 'failed');
    assert.equal(r.nodes.call!.error?.type, 'TimeoutError');
    assert.match(r.nodes.call!.error!.message, /Node 'call' timed out after 0\.2 s/);
    await requestSocketsClosed(s);
    assert.equal(s.requests.length, 1);
  });

  it('retries after timeouts: each hung attempt is cut, the third is answered', async () => {
    const s = await serve((_req, res, n) => (n <= 2 ? undefined : json(res, 200, { n })));
    const r = await run(node(`${s.url}/slow`, 'timeout: 0.2\nretry: {max_attempts: 3, base_delay: 0.001}'));
    assert.equal(r.status, 'succeeded');
    assert.equal(r.nodes.call!.attempts, 3);
    assert.equal(s.requests.length, 3);
    await Promise.all(
      s.requests
        .slice(0, 2)
        .map(({ socket }) => new Promise((resolve) => (socket.closed ? resolve(undefined) : socket.once('close', resolve)))),
    );
  });

  it('opens the circuit after consecutive failures, fails fast while open, and recovers through half-open', async (t) => {
    let healthy = false;
    const s = await serve((_req, res) => json(res, healthy ? 200 : 503, { healthy }));
    // Only Date is mocked (the breaker's clock), so recovery needs no real waiting.
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const yaml = node(`${s.url}/svc`, 'circuit_breaker: {failure_threshold: 2, recovery_timeout: 30}');
    const states: string[] = [];
    const collect = (r: Awaited<ReturnType<typeof run>>) => {
      for (const e of r.events) if (e.type === 'breaker') states.push(e.state);
      return r;
    };
    assert.equal(collect(await run(yaml)).status, 'failed');
    assert.equal(collect(await run(yaml)).status, 'failed');
    assert.deepEqual(states, ['open']);
    const open = collect(await run(yaml));
    assert.equal(open.nodes.call!.error?.type, 'CircuitBreakerOpenError');
    assert.match(open.nodes.call!.error!.message, /Circuit for 127\.0\.0\.1:\d+ is open after 2 consecutive failures/);
    assert.equal(s.requests.length, 2, 'no request reaches the server while the circuit is open');
    healthy = true;
    t.mock.timers.tick(30_000);
    const recovered = collect(await run(yaml));
    assert.equal(recovered.status, 'succeeded');
    assert.equal(s.requests.length, 3);
    assert.deepEqual(states, ['open', 'half-open', 'closed']);
    mock.timers.reset();
  });
});
