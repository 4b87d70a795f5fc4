import Redis from 'ioredis';

/**
 * A connection that waits out a Redis restart instead of failing commands: a worker's record
 * write or a client's wait queues up and goes through once Redis is back (BullMQ asks the same
 * of its own worker connections: `maxRetriesPerRequest: null`).
 */
export function connect(url: string, name: string, opts: { pipeline?: boolean } = {}): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    connectionName: name,
    // Many small commands from concurrent runs (events, records) go out in one write per tick;
    // never on a connection used for blocking reads.
    enableAutoPipelining: opts.pipeline === true,
    // Reconnect quickly at first, then every second at most: a restart takes well under that.
    retryStrategy: (times) => Math.min(50 * times, 1000),
    lazyConnect: false,
  });
  // Errors while Redis is away are expected; the caller sees slow commands, not a crash.
  redis.on('error', () => undefined);
  return redis;
}

/**
 * Fails with a readable message naming the URL when Redis does not answer in time, or at once
 * when it refuses the connection (for one-shot commands: a connection made by `connect` would
 * otherwise wait for Redis forever).
 */
export async function reachable(redis: Redis, url: string, ms = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onError: ((err: Error) => void) | undefined;
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`cannot reach Redis at ${displayUrl(url)} (no answer in ${ms / 1000} s)`)), ms);
        onError = (err: Error) => reject(new Error(`cannot reach Redis at ${displayUrl(url)}: ${reason(err)}`));
        redis.once('error', onError);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onError) redis.off('error', onError);
  }
}

/** Node reports a refused `localhost` (both address families) as an AggregateError with no message. */
function reason(err: Error & { code?: string; errors?: Error[] }): string {
  return err.message || err.code || err.errors?.map((e) => e.message).join('; ') || String(err);
}

/**
 * Closes a connection without waiting on a Redis that is gone: QUIT if it is up (bounded, so a
 * Redis that stops answering mid-way cannot hold the caller), then drop the socket.
 */
export async function closeConnection(redis: Redis, ms = 2000): Promise<void> {
  if (redis.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([redis.quit().catch(() => undefined), new Promise((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
  }
  redis.disconnect();
}

/** Rejects with a message naming the URL if `p` takes longer than `ms` (a command that Redis never answers). */
export async function answered<T>(p: Promise<T>, url: string, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis at ${displayUrl(url)} stopped answering (no reply in ${ms / 1000} s)`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The URL without its password, for logs. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

export function checkRedisUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--redis takes a URL such as redis://127.0.0.1:6379, got '${url}'`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`--redis takes a redis:// or rediss:// URL, got '${url}'`);
  return url;
}
