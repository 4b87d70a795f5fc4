import { NodeFailure } from '../../engine/errors';
import type { ConnectionInfo } from './url';

/** One statement's result, rows as arrays so duplicate column names survive. */
export interface StatementResult {
  columns: string[];
  rows: unknown[][];
  /** Rows returned, or rows changed by INSERT/UPDATE/DELETE. */
  affected: number;
  /** Whether the statement produced a result set (SELECT, RETURNING), even an empty one. */
  returnsRows: boolean;
  /** Whether a transaction is still open after it, where the server says (MySQL's status flags). */
  inTransaction?: boolean;
}

/** A borrowed connection. */
export interface Session {
  run(text: string, values: unknown[], signal: AbortSignal): Promise<StatementResult>;
}

/** A pool (or, for SQLite, the one in-process database) behind a connection string. */
export interface Database {
  readonly info: ConnectionInfo;
  /** The statement that opens a transaction in this dialect. */
  readonly begin: string;
  /** Lends a connection to `fn`; one that saw an abort or lost its server is discarded, not reused. */
  session<T>(signal: AbortSignal, fn: (s: Session) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** Connections open now (for tests and the pool-size guarantee). */
  size(): number;
}

export interface PoolOptions {
  /** Connections kept; with `overflow`, the most ever open at once is their sum. */
  size: number;
  overflow: number;
  /** How long a caller waits for a free connection before failing. */
  timeoutMs: number;
  /** Connections older than this are replaced (0: never). */
  recycleMs: number;
  prePing: boolean;
  connectArgs: Record<string, unknown>;
}

/** A connection unused for longer than this is pinged before it is lent (SQLAlchemy's pre-ping, without a round trip per statement). */
export const PING_AFTER_IDLE_MS = 5_000;

/**
 * Waits for `get` with a deadline and the node's signal. A connection that arrives after the
 * caller gave up is handed straight back so the pool never leaks it.
 */
export function acquire<C>(
  get: Promise<C>,
  giveBack: (c: C) => void,
  timeoutMs: number,
  signal: AbortSignal,
  info: ConnectionInfo,
  opts: PoolOptions,
): Promise<C> {
  return new Promise<C>((resolve, reject) => {
    let done = false;
    const finish = () => {
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      if (done) return;
      finish();
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      if (done) return;
      finish();
      reject(
        new NodeFailure(
          'NodeExecutionError',
          `Database error on ${info.label}: timed out after ${timeoutMs / 1000} s waiting for a connection (pool_size=${opts.size}, max_overflow=${opts.overflow}, all in use).`,
          { retryable: true },
        ),
      );
    }, timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    get.then(
      (c) => {
        if (done) giveBack(c);
        else {
          finish();
          resolve(c);
        }
      },
      (err) => {
        if (done) return;
        finish();
        reject(err);
      },
    );
  });
}

/**
 * Runs a driver call that cannot take a signal: on abort the caller is released at once,
 * `cancel` tells the server to stop, and the late outcome is swallowed.
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal, cancel: () => void): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    cancel();
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => undefined);
      cancel();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
