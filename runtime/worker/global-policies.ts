import { randomUUID } from 'node:crypto';
import { BrokenCircuitError } from 'cockatiel';
import type Redis from 'ioredis';
import type { Limiter, NodePolicies, SharedPolicies } from '../engine/policies';
import { isRetryableError, isRetryableOutput } from '../engine/retryable';
import { PREFIX } from './keys';

/*
 * `scope: global` rate limits and circuit breakers, kept in Redis so every worker on it shares
 * them. Each decision is one Lua script that reads the clock with Redis's TIME, so machines with
 * skewed clocks still agree. The semantics follow the local registries (engine/policies.ts):
 * rate-limiter-flexible's RateLimiterRedis was the obvious candidate, but it counts in fixed
 * windows of whole seconds (a `time_window` of 0.5 s would never reset) and has no token bucket.
 */

/** Starts full, refills `rate` tokens per ms up to `capacity`; returns 0 (go) or ms to wait. */
const TOKEN_BUCKET = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local v = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(v[1]) or capacity
local ts = tonumber(v[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return wait
`;

/** Strict: at most `max` starts in any rolling window (a log of start times). */
const SLIDING_WINDOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local max = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < max then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`;

/**
 * Before a call: 'closed' (go), 'trial' (go: the one half-open test call) or 'open' (refuse).
 * KEYS: state hash, trial lock. ARGV: trial lock ms.
 */
const BREAKER_ACQUIRE = `
local openUntil = tonumber(redis.call('HGET', KEYS[1], 'openUntil') or '0')
if openUntil == 0 then return 'closed' end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now < openUntil then return 'open' end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then return 'trial' end
return 'open'
`;

/**
 * After a call. ARGV: outcome ('success' | 'failure' | 'ignored'), trial ('1' | '0'), threshold,
 * recovery ms, state ttl ms. Returns the new state when it changed, else ''.
 */
const BREAKER_REPORT = `
local outcome, trial = ARGV[1], ARGV[2] == '1'
local openUntil = tonumber(redis.call('HGET', KEYS[1], 'openUntil') or '0')
local function open()
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('HSET', KEYS[1], 'openUntil', now + tonumber(ARGV[4]), 'failures', 0)
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  redis.call('DEL', KEYS[2])
  return 'open'
end
if trial then
  if outcome == 'failure' then return open() end
  redis.call('DEL', KEYS[1], KEYS[2])
  return 'closed'
end
if openUntil > 0 or outcome == 'ignored' then return '' end
if outcome == 'success' then
  redis.call('HDEL', KEYS[1], 'failures')
  return ''
end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
if failures >= tonumber(ARGV[3]) then return open() end
return ''
`;

type Scripts = Redis & {
  kwfTokenBucket(key: string, capacity: number, ratePerMs: number, ttlMs: number): Promise<number>;
  kwfSlidingWindow(key: string, max: number, windowMs: number, member: string): Promise<number>;
  kwfBreakerAcquire(state: string, trial: string, trialMs: number): Promise<string>;
  kwfBreakerReport(
    state: string,
    trial: string,
    outcome: string,
    isTrial: string,
    threshold: number,
    recoveryMs: number,
    ttlMs: number,
  ): Promise<string>;
};

type State = 'closed' | 'open' | 'half-open';

export class RedisPolicies implements SharedPolicies {
  private readonly redis: Scripts;
  private readonly limiters = new Map<string, Limiter>();
  private readonly breakers = new Map<string, Pick<import('cockatiel').CircuitBreakerPolicy, 'execute'>>();

  /** `prefix` namespaces the keys (tests use their own); policies are shared across queues. */
  constructor(
    redis: Redis,
    private readonly prefix = `${PREFIX}:policy`,
  ) {
    redis.defineCommand('kwfTokenBucket', { numberOfKeys: 1, lua: TOKEN_BUCKET });
    redis.defineCommand('kwfSlidingWindow', { numberOfKeys: 1, lua: SLIDING_WINDOW });
    redis.defineCommand('kwfBreakerAcquire', { numberOfKeys: 2, lua: BREAKER_ACQUIRE });
    redis.defineCommand('kwfBreakerReport', { numberOfKeys: 2, lua: BREAKER_REPORT });
    this.redis = redis as Scripts;
  }

  limiter(key: string, s: NonNullable<NodePolicies['rateLimit']>): Limiter {
    const id = `${this.prefix}:limit:${s.strategy}:${s.maxRequests}:${s.windowMs}:${s.burst}:${key}`;
    let l = this.limiters.get(id);
    if (!l) {
      const acquire =
        s.strategy === 'sliding_window'
          ? () => this.redis.kwfSlidingWindow(id, s.maxRequests, Math.ceil(s.windowMs), randomUUID())
          : // Kept until the bucket would be full again: after that a missing key means the same.
            () =>
              this.redis.kwfTokenBucket(id, s.burst, s.maxRequests / s.windowMs, Math.ceil((s.burst * s.windowMs) / s.maxRequests) + 1000);
      l = {
        wait: async (signal) => {
          for (;;) {
            const ms = Number(await abortable(acquire(), signal));
            if (ms <= 0) return;
            await sleep(ms, signal);
          }
        },
      };
      this.limiters.set(id, l);
    }
    return l;
  }

  breaker(
    key: string,
    s: NonNullable<NodePolicies['breaker']>,
    onState: (state: State) => void,
  ): Pick<import('cockatiel').CircuitBreakerPolicy, 'execute'> {
    const id = `${this.prefix}:breaker:${s.failureThreshold}:${s.recoveryMs}:${key}`;
    let b = this.breakers.get(id);
    if (b) return b;
    const trialKey = `${id}:trial`;
    // A trial holder that dies must not keep the circuit half-open for ever.
    const trialMs = Math.max(s.recoveryMs, 30_000);
    const ttlMs = Math.max(s.recoveryMs * 10, 600_000);
    const report = async (outcome: 'success' | 'failure' | 'ignored', trial: boolean) => {
      const changed = await this.redis.kwfBreakerReport(id, trialKey, outcome, trial ? '1' : '0', s.failureThreshold, s.recoveryMs, ttlMs);
      if (changed) onState(changed as State);
    };
    b = {
      execute: async <T>(
        fn: (ctx: { signal: AbortSignal }) => PromiseLike<T> | T,
        signal: AbortSignal = new AbortController().signal,
      ): Promise<T> => {
        const state = await abortable(this.redis.kwfBreakerAcquire(id, trialKey, trialMs), signal);
        if (state === 'open') throw new BrokenCircuitError();
        const trial = state === 'trial';
        if (trial) onState('half-open');
        let value: T;
        try {
          value = await fn({ signal });
        } catch (err) {
          // As cockatiel: only failures of the target count; other errors neither open nor
          // count, except that a half-open trial which gets an answer closes the circuit.
          await report(isRetryableError(err) ? 'failure' : trial ? 'success' : 'ignored', trial);
          throw err;
        }
        await report(isRetryableOutput(value) ? 'failure' : 'success', trial);
        return value;
      },
    };
    this.breakers.set(id, b);
    return b;
  }
}

function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e: unknown) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return abortable(new Promise<void>((r) => setTimeout(r, ms).unref?.()), signal);
}
