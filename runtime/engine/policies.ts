import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  handleWhen,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  type CircuitBreakerPolicy,
  type IRetryBackoffContext,
} from 'cockatiel';
import { TokenBucket } from 'limiter';
import PQueue from 'p-queue';
import { POLICIES } from '../catalog/policies';
import type { NodeOutput } from '../catalog/types';
import type { NodeModel } from '../model/types';
import { toPlain } from '../model/values';
import { longTimeout, MAX_TIMER_MS } from '../util/timer';
import { NodeFailure } from './errors';
import { isRetryableError, isRetryableOutput, retryAfterMs } from './retryable';

/** A node's policies with defaults filled in from the one policy spec. */
export interface NodePolicies {
  retry?: { maxAttempts: number; strategy: 'exponential' | 'linear' | 'fixed'; baseDelayMs: number; maxDelayMs: number; jitter: boolean };
  timeoutMs?: number;
  breaker?: { failureThreshold: number; recoveryMs: number; key: 'host' | 'node'; scope: 'local' | 'global' };
  rateLimit?: {
    maxRequests: number;
    windowMs: number;
    strategy: 'token_bucket' | 'sliding_window';
    burst: number;
    key?: string;
    scope: 'local' | 'global';
  };
  onError: 'stop' | 'continue';
}

function settings(node: NodeModel, key: keyof typeof POLICIES): Record<string, unknown> | undefined {
  const entry = node.policies[key];
  if (!entry) return undefined;
  const given = toPlain(entry.value);
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(POLICIES[key].fields ?? {})) if (p.default !== undefined) out[name] = p.default;
  return { ...out, ...(given as Record<string, unknown>) };
}

export function readPolicies(node: NodeModel): NodePolicies {
  const p: NodePolicies = { onError: toPlain(node.policies.on_error?.value) === 'continue' ? 'continue' : 'stop' };
  const r = settings(node, 'retry');
  if (r) {
    p.retry = {
      maxAttempts: Number(r.max_attempts),
      strategy: r.strategy as 'exponential',
      baseDelayMs: Number(r.base_delay) * 1000,
      maxDelayMs: Number(r.max_delay) * 1000,
      jitter: r.jitter !== false,
    };
  }
  const t = toPlain(node.policies.timeout?.value);
  if (typeof t === 'number') p.timeoutMs = t * 1000;
  const b = settings(node, 'circuit_breaker');
  if (b) {
    p.breaker = {
      failureThreshold: Number(b.failure_threshold),
      recoveryMs: Number(b.recovery_timeout) * 1000,
      key: b.key as 'host',
      scope: b.scope as 'local',
    };
  }
  const l = settings(node, 'rate_limit');
  if (l) {
    const max = Number(l.max_requests);
    p.rateLimit = {
      maxRequests: max,
      windowMs: Number(l.time_window) * 1000,
      strategy: l.strategy as 'token_bucket',
      burst: l.burst_limit === undefined ? max : Number(l.burst_limit),
      scope: l.scope as 'local',
      ...(typeof l.key === 'string' ? { key: l.key } : {}),
    };
  }
  return p;
}

/** Delay before retry `attempt` (1-based): the target's `Retry-After` wins, else the strategy. */
export function retryDelay(r: NonNullable<NodePolicies['retry']>, attempt: number, cause: unknown, random = Math.random): number {
  const asked = retryAfterMs(cause);
  // A server's Retry-After is honoured, within reason: a workflow should not sleep for hours.
  if (asked !== undefined) return Math.min(asked, 10 * 60_000);
  const raw =
    r.strategy === 'fixed' ? r.baseDelayMs : r.strategy === 'linear' ? r.baseDelayMs * attempt : r.baseDelayMs * 2 ** (attempt - 1);
  const capped = Math.min(raw, r.maxDelayMs);
  // "Equal jitter": at least half the delay, so backoff still grows, spread so clients do not retry in step.
  return r.jitter ? capped / 2 + random() * (capped / 2) : capped;
}

export type BreakerListener = (key: string, state: 'closed' | 'open' | 'half-open') => void;

/**
 * Limits and breakers for `scope: global`, shared by every process on one Redis. Worker mode
 * installs them (runtime/worker/global-policies.ts); elsewhere `global` acts as `local`, since a
 * lone process is then the whole fleet.
 */
export interface SharedPolicies {
  limiter(key: string, s: NonNullable<NodePolicies['rateLimit']>): Limiter;
  breaker(
    key: string,
    s: NonNullable<NodePolicies['breaker']>,
    onState: (state: 'closed' | 'open' | 'half-open') => void,
  ): Pick<CircuitBreakerPolicy, 'execute'>;
}

let shared: SharedPolicies | undefined;

export function useSharedPolicies(s: SharedPolicies | undefined): void {
  shared = s;
}

const STATE_NAMES: Record<number, 'closed' | 'open' | 'half-open'> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

/** Circuit breakers shared by every run in the process, one per key and settings. */
class BreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreakerPolicy>();
  private readonly listeners = new Set<BreakerListener>();

  get(key: string, s: NonNullable<NodePolicies['breaker']>): Pick<CircuitBreakerPolicy, 'execute'> {
    if (s.scope === 'global' && shared) return shared.breaker(key, s, (state) => this.listeners.forEach((l) => l(key, state)));
    const id = `${key}\u0000${s.failureThreshold}\u0000${s.recoveryMs}`;
    let b = this.breakers.get(id);
    if (!b) {
      // Only failures of the target count (transport, timeouts, 5xx/429), never bad input.
      b = circuitBreaker(handleWhen(isRetryableError).orWhenResult(isRetryableOutput), {
        halfOpenAfter: s.recoveryMs,
        breaker: new ConsecutiveBreaker(s.failureThreshold),
      });
      b.onStateChange((state) => {
        for (const l of this.listeners) l(key, STATE_NAMES[state] ?? 'closed');
      });
      this.breakers.set(id, b);
    }
    return b;
  }

  state(key: string): 'closed' | 'open' | 'half-open' | undefined {
    for (const [id, b] of this.breakers) if (id.startsWith(`${key}\u0000`)) return STATE_NAMES[b.state];
    return undefined;
  }

  listen(l: BreakerListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Forget every breaker (tests; a fresh process has none). */
  reset(): void {
    this.breakers.clear();
  }
}

export const breakers = new BreakerRegistry();

export type Limiter = { wait(signal: AbortSignal): Promise<void> };

/** Rate limiters shared by every run in the process, one per key and settings. */
class LimiterRegistry {
  private readonly limiters = new Map<string, Limiter>();

  get(key: string, s: NonNullable<NodePolicies['rateLimit']>): Limiter {
    if (s.scope === 'global' && shared) return shared.limiter(key, s);
    const id = `${key}\u0000${s.strategy}\u0000${s.maxRequests}\u0000${s.windowMs}\u0000${s.burst}`;
    let l = this.limiters.get(id);
    if (!l) {
      l = s.strategy === 'sliding_window' ? slidingWindow(s.maxRequests, s.windowMs) : tokenBucket(s.maxRequests, s.windowMs, s.burst);
      this.limiters.set(id, l);
    }
    return l;
  }

  reset(): void {
    this.limiters.clear();
  }
}

/** p-queue's strict mode: no more than `max` starts in any rolling window. */
function slidingWindow(max: number, windowMs: number): Limiter {
  const queue = new PQueue({ intervalCap: max, interval: windowMs, strict: true });
  return {
    wait: async (signal) => {
      await queue.add(async () => undefined, { signal });
    },
  };
}

/** limiter's token bucket: bursts up to `burst`, refilled at `max` per window; starts full. */
function tokenBucket(max: number, windowMs: number, burst: number): Limiter {
  const bucket = new TokenBucket({ bucketSize: burst, tokensPerInterval: max, interval: windowMs });
  bucket.content = burst;
  return {
    wait: (signal) =>
      new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        bucket.removeTokens(1).then(
          () => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          },
          (e: unknown) => {
            signal.removeEventListener('abort', onAbort);
            reject(e);
          },
        );
      }),
  };
}

export const limiters = new LimiterRegistry();

export interface AttemptHooks {
  onRetry(attempt: number, delayMs: number, cause: string): void;
}

export interface PolicyKeys {
  breaker: string;
  limit: string;
}

/**
 * Runs one node's work under its policies: each attempt waits for the rate limit, passes the
 * circuit breaker and gets its own timeout (aborting the attempt's signal, and failing it even if
 * the node ignores the signal); retries follow the backoff and honour `Retry-After`.
 */
export async function runWithPolicies(
  policies: NodePolicies,
  keys: PolicyKeys,
  signal: AbortSignal,
  hooks: AttemptHooks,
  work: (signal: AbortSignal, attempt: number) => Promise<NodeOutput>,
): Promise<{ output: NodeOutput; attempts: number }> {
  let attempts = 0;
  const attemptOnce = async (attemptSignal: AbortSignal): Promise<NodeOutput> => {
    attempts++;
    if (policies.rateLimit) await limiters.get(policies.rateLimit.key ?? keys.limit, policies.rateLimit).wait(attemptSignal);
    const guarded = (s: AbortSignal) =>
      policies.timeoutMs === undefined ? work(s, attempts) : withTimeout(policies.timeoutMs, s, (t) => work(t, attempts));
    if (!policies.breaker) return guarded(attemptSignal);
    const breaker = breakers.get(keys.breaker, policies.breaker);
    try {
      return await breaker.execute(({ signal: s }) => guarded(s), attemptSignal);
    } catch (err) {
      if (err instanceof BrokenCircuitError) {
        throw new NodeFailure(
          'CircuitBreakerOpenError',
          `Circuit for ${keys.breaker} is open after ${policies.breaker.failureThreshold} consecutive failures; calls resume after ${policies.breaker.recoveryMs / 1000} s.`,
          { retryable: false },
        );
      }
      throw err;
    }
  };
  if (!policies.retry || policies.retry.maxAttempts <= 1) {
    const output = await attemptOnce(signal);
    return { output, attempts };
  }
  const r = policies.retry;
  const policy = retry(handleWhen(isRetryableError).orWhenResult(isRetryableOutput), {
    maxAttempts: r.maxAttempts - 1,
    backoff: new DelegateBackoff((ctx: IRetryBackoffContext<unknown>) => {
      const cause = 'error' in ctx.result ? ctx.result.error : ctx.result.value;
      const delay = Math.round(retryDelay(r, ctx.attempt, cause));
      hooks.onRetry(ctx.attempt + 1, delay, describeCause(cause));
      return delay;
    }),
  });
  const output = await policy.execute(({ signal: s }) => attemptOnce(s), signal);
  return { output, attempts };
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  const o = cause as NodeOutput | undefined;
  if (o && typeof o === 'object' && 'status_code' in o) return `status ${String(o.status_code)}`;
  return 'failure';
}

/** Fails after `ms` even if the work ignores its signal (which is aborted at the same moment). */
async function withTimeout<T>(ms: number, outer: AbortSignal, work: (s: AbortSignal) => Promise<T>): Promise<T> {
  if (ms > MAX_TIMER_MS) return withLongTimeout(ms, outer, work);
  try {
    return await timeout(ms, TimeoutStrategy.Aggressive).execute(({ signal }) => work(signal), outer);
  } catch (err) {
    if (err instanceof TaskCancelledError && !outer.aborted) {
      throw new NodeFailure('TimeoutError', `timed out after ${ms / 1000} s`, { retryable: true });
    }
    throw err;
  }
}

/** The same for a timeout Node's timers cannot hold (over ~24.8 days), which would fire at once. */
async function withLongTimeout<T>(ms: number, outer: AbortSignal, work: (s: AbortSignal) => Promise<T>): Promise<T> {
  const inner = new AbortController();
  const onAbort = () => inner.abort(outer.reason);
  if (outer.aborted) onAbort();
  else outer.addEventListener('abort', onAbort, { once: true });
  let timer: { clear(): void } | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = longTimeout(() => {
      const err = new NodeFailure('TimeoutError', `timed out after ${ms / 1000} s`, { retryable: true });
      inner.abort(err);
      reject(err);
    }, ms);
  });
  try {
    return await Promise.race([work(inner.signal), expired]);
  } finally {
    timer?.clear();
    outer.removeEventListener('abort', onAbort);
  }
}
