// `scope: global` limits and breakers: two stores on two connections stand for two workers.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { BrokenCircuitError } from 'cockatiel';
import Redis from 'ioredis';
import { NodeFailure } from '../../runtime/engine/errors';
import { breakers, useSharedPolicies, type NodePolicies } from '../../runtime/engine/policies';
import { RedisPolicies } from '../../runtime/worker/global-policies';
import { startServer, type TestServer } from '../support/http-server';
import { runYaml } from '../support/run';
import { REDIS_URL } from '../support/worker-fleet';

describe('policies shared through Redis (scope: global)', () => {
  const prefix = `kwf:test-policy-${randomUUID().slice(0, 8)}`;
  let a: Redis;
  let b: Redis;
  let one: RedisPolicies;
  let two: RedisPolicies;
  let srv: TestServer;

  before(async () => {
    a = new Redis(REDIS_URL);
    b = new Redis(REDIS_URL);
    one = new RedisPolicies(a, prefix);
    two = new RedisPolicies(b, prefix);
    srv = await startServer((req, res) => {
      if (req.url === '/down') return void res.writeHead(503).end('down');
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });

  after(async () => {
    useSharedPolicies(undefined);
    const keys = await a.keys(`${prefix}:*`);
    if (keys.length) await a.del(...keys);
    a.disconnect();
    b.disconnect();
    await srv.close();
  });

  const signal = new AbortController().signal;
  const limit = (over: Partial<NonNullable<NodePolicies['rateLimit']>>): NonNullable<NodePolicies['rateLimit']> => ({
    maxRequests: 3,
    windowMs: 300,
    strategy: 'sliding_window',
    burst: 3,
    scope: 'global',
    ...over,
  });

  it('a sliding window admits at most max_requests per window across workers', async () => {
    const s = limit({});
    const times: number[] = [];
    const take = (p: RedisPolicies) =>
      p
        .limiter('api', s)
        .wait(signal)
        .then(() => times.push(performance.now()));
    await Promise.all([take(one), take(two), take(one), take(two), take(one), take(two), take(one), take(two)]);
    times.sort((x, y) => x - y);
    assert.equal(times.length, 8);
    for (let i = 3; i < times.length; i++) assert.ok(times[i]! - times[i - 3]! >= 285, `4 starts within ${times[i]! - times[i - 3]!} ms`);
    assert.ok(times[2]! - times[0]! < 150, 'the first three went at once');
  });

  it('a token bucket allows its burst, then refills at the rate, across workers', async () => {
    const s = limit({ strategy: 'token_bucket', maxRequests: 2, windowMs: 200, burst: 2 });
    const t0 = performance.now();
    await one.limiter('bucket', s).wait(signal);
    await two.limiter('bucket', s).wait(signal);
    assert.ok(performance.now() - t0 < 100, 'the burst went at once');
    await one.limiter('bucket', s).wait(signal);
    assert.ok(performance.now() - t0 >= 90, `the third token came after ${performance.now() - t0} ms (refill is 1 per 100 ms)`);
  });

  it('a wait for the limit stops when the run is cancelled', async () => {
    const s = limit({ maxRequests: 1, windowMs: 10_000 });
    await one.limiter('cancel', s).wait(signal);
    const c = new AbortController();
    const waiting = two.limiter('cancel', s).wait(c.signal);
    c.abort(new Error('cancelled'));
    await assert.rejects(waiting, /cancelled/);
  });

  it('a breaker opened by one worker refuses calls on another, then recovers through one trial call', async () => {
    const s: NonNullable<NodePolicies['breaker']> = { failureThreshold: 2, recoveryMs: 300, key: 'host', scope: 'global' };
    const states: string[] = [];
    const fail = () => Promise.reject(new NodeFailure('TimeoutError', 'timed out'));
    const onA = one.breaker('svc', s, (st) => states.push(`a:${st}`));
    const onB = two.breaker('svc', s, (st) => states.push(`b:${st}`));
    // A failure the target is not to blame for (bad input) does not count towards opening.
    await assert.rejects(
      onA.execute(() => Promise.reject(new NodeFailure('NodeValidationError', 'bad input')), signal),
      /bad input/,
    );
    await assert.rejects(onA.execute(fail, signal), /timed out/);
    assert.equal(await onB.execute(async () => 'still closed', signal), 'still closed');
    await assert.rejects(onA.execute(fail, signal), /timed out/);
    await assert.rejects(onA.execute(fail, signal), /timed out/);
    let called = 0;
    await assert.rejects(
      onB.execute(async () => ++called, signal),
      (e) => e instanceof BrokenCircuitError,
    );
    assert.equal(called, 0, 'the open circuit kept the call from running');
    await new Promise((r) => setTimeout(r, 320));
    let release!: () => void;
    const trial = onB.execute(() => new Promise<string>((r) => (release = () => r('ok'))), signal);
    await new Promise((r) => setTimeout(r, 20));
    await assert.rejects(
      onA.execute(async () => 'x', signal),
      (e) => e instanceof BrokenCircuitError,
      'one trial at a time',
    );
    release();
    assert.equal(await trial, 'ok');
    assert.equal(await onA.execute(async () => 'closed again', signal), 'closed again');
    assert.deepEqual(states, ['a:open', 'b:half-open', 'b:closed']);
  });

  it('the engine uses the shared store for scope: global and keeps scope: local in the process', async () => {
    useSharedPolicies(one);
    breakers.reset();
    try {
      const node = (scope: string) =>
        `nodes:\n  - id: get\n    type: HTTPRequestNode\n    config: {url: "${srv.url}/down"}\n    circuit_breaker: {failure_threshold: 1, recovery_timeout: 30, scope: ${scope}}\n`;
      const first = await runYaml(node('global'));
      assert.equal(first.nodes.get!.status, 'failed');
      assert.ok(first.events.some((e) => e.type === 'breaker' && e.state === 'open'));
      // Another worker (the second store) now finds the circuit for this host open.
      const host = new URL(srv.url).host;
      const s: NonNullable<NodePolicies['breaker']> = { failureThreshold: 1, recoveryMs: 30_000, key: 'host', scope: 'global' };
      await assert.rejects(
        two.breaker(host, s, () => undefined).execute(async () => 1, signal),
        (e) => e instanceof BrokenCircuitError,
      );
      const local = await runYaml(node('local'));
      assert.equal(local.nodes.get!.error?.type, 'ContentAwareExecutionError', 'the local breaker is separate and still closed');
    } finally {
      useSharedPolicies(undefined);
      breakers.reset();
    }
  });
});
