import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Database as WasmDatabase, Statement as WasmStatement } from 'node-sqlite3-wasm';
import { NodeFailure } from '../../engine/errors';
import { PyFloat } from '../../values/py';
import type { Database, PoolOptions, Session, StatementResult } from './session';
import { statementPieces } from './sqlite-statements';
import type { ConnectionInfo } from './url';

/**
 * SQLite is node-sqlite3-wasm: SQLite compiled to WebAssembly with a file-system VFS, so pages are
 * read from and written to the database file itself under SQLite's own locking (and journal),
 * and the same code runs on every Node (CLI, CI, VS Code's extension host) with no native addon.
 * Concurrent processes each commit their own writes; a lock held by another process is waited for.
 *
 * The VFS locks with a `<file>.lock` folder (SQLite's "dot-file" scheme): one connection at a time
 * reads or writes, and there is no shared memory, so WAL is not available (journal_mode stays
 * DELETE). SQLite's busy handler would spin the CPU and freeze the event loop in this build, so
 * its busy_timeout is 0 and a locked database is waited for here, asynchronously, up to the
 * node's busy timeout.
 */
type Engine = typeof import('node-sqlite3-wasm') & {
  /** The C API, exported by the module: the row reader gives a whole REAL as a JS number (an int). */
  _sqlite3_column_type(stmt: number, column: number): number;
};
const SQLITE_FLOAT = 2;
let engine: Promise<Engine> | undefined;
// A CommonJS module whose exports Node cannot list statically: its classes sit on `default`.
let loaded: Engine | undefined;
const sqlite3 = () =>
  (engine ??= import('node-sqlite3-wasm').then((m) => (loaded = ((m as unknown as { default?: Engine }).default ?? m) as Engine)));

/** The engine's statement internals used here: its public API returns rows as objects keyed by column name, which loses duplicate names. */
interface StatementInternals {
  _getColumnNames(): string[];
  _bind(values: unknown[] | undefined): void;
  _step(): boolean;
  _getRow(columns: number[], expand: false): Record<number, unknown>;
  _reset(): boolean;
  _ptr: number;
}
const internals = (s: WasmStatement) => s as unknown as StatementInternals;

/** Rows are read in slices so an abort is seen between them (the engine itself is synchronous). */
const ABORT_CHECK_ROWS = 1024;
const BUSY_FIRST_WAIT_MS = 2;
const BUSY_MAX_WAIT_MS = 100;

const isBusy = (err: unknown) => /^database is locked/.test((err as Error)?.message ?? '');
const isIncomplete = (err: unknown) => /^incomplete input/.test((err as Error)?.message ?? '');
const isEmpty = (err: unknown) => (err as Error)?.message === 'Nothing to prepare';

/** One open connection to a real file (or one in-memory database), shared by every handle on it. */
interface Connection {
  db: WasmDatabase;
  file?: string;
  users: number;
  /** Sessions take turns: the connection is one, and SQLite has one writer. */
  turn: Promise<void>;
}

/** Open connections by real path: `rt.db`, `./rt.db` and a symlink to it are one database. */
const byPath = new Map<string, Connection>();

/** Real paths with an open connection (tests check that two spellings share one). */
export function openSqliteFiles(): string[] {
  return [...byPath.keys()];
}

function realPath(file: string, info: ConnectionInfo): string {
  const dir = dirname(file);
  if (!existsSync(dir))
    throw new NodeFailure(
      'NodeExecutionError',
      `Database error on ${info.label}: unable to open database file (folder ${dir} does not exist).`,
    );
  try {
    return realpathSync.native(file);
  } catch {
    // Not created yet: its folder's real path, so a later spelling through a symlink still matches.
    return join(realpathSync.native(dir), basename(file));
  }
}

async function connect(info: ConnectionInfo): Promise<Connection> {
  const { Database: Engine } = await sqlite3();
  const path = info.file === undefined ? undefined : realPath(info.file, info);
  const shared = path === undefined ? undefined : byPath.get(path);
  if (shared) {
    shared.users++;
    return shared;
  }
  let db: WasmDatabase;
  try {
    db = new Engine(path ?? ':memory:');
  } catch (err) {
    throw new NodeFailure(
      'NodeExecutionError',
      `Database error on ${info.label}: unable to open database file (${(err as Error).message}).`,
    );
  }
  // Foreign keys off, as Python's sqlite3 (and so Kailash) opens a database; this engine turns them on.
  db.exec('PRAGMA busy_timeout = 0; PRAGMA foreign_keys = OFF');
  const conn: Connection = { db, file: path, users: 1, turn: Promise.resolve() };
  if (path !== undefined) byPath.set(path, conn);
  return conn;
}

function release(conn: Connection): void {
  if (--conn.users > 0) return;
  if (conn.file !== undefined && byPath.get(conn.file) === conn) byPath.delete(conn.file);
  if (conn.db.isOpen) conn.db.close();
}

/** A locked database that stayed locked past the busy timeout: the message says what holds it. */
function stillLocked(conn: Connection, waitedMs: number): Error {
  const lock = conn.file === undefined ? undefined : `${conn.file}.lock`;
  const held =
    lock && existsSync(lock)
      ? ` (its lock is the folder ${lock}; if no process is using the database, a crashed one left it behind: remove it)`
      : '';
  return Object.assign(
    new Error(`database is locked: another connection held it for longer than the busy timeout of ${Math.round(waitedMs) / 1000} s${held}`),
    { code: 'SQLITE_BUSY' },
  );
}

/**
 * Calls `attempt` until the database is free, waiting between tries without blocking the event
 * loop. Only the first lock of a statement can be refused, before anything ran, so a retry never
 * applies anything twice.
 */
async function whenFree<T>(conn: Connection, attempt: () => T, busyMs: number, signal: AbortSignal): Promise<T> {
  const started = performance.now();
  for (let wait = BUSY_FIRST_WAIT_MS; ; wait = Math.min(wait * 2, BUSY_MAX_WAIT_MS)) {
    let left: number;
    try {
      return attempt();
    } catch (err) {
      if (!isBusy(err)) throw err;
      left = busyMs - (performance.now() - started);
      if (left <= 0) throw stillLocked(conn, busyMs);
    }
    // The last try comes at the deadline, not before it.
    await delay(Math.min(wait, Math.ceil(left)), undefined, { signal });
  }
}

function step(stmt: WasmStatement, values: unknown[] | undefined, signal: AbortSignal): StatementResult {
  try {
    return stepOnce(stmt, values, signal);
  } catch (err) {
    // A statement refused the lock must be reset before it is tried again (the reset reports the refusal once more).
    if (isBusy(err)) internals(stmt)._reset();
    throw err;
  }
}

function stepOnce(stmt: WasmStatement, values: unknown[] | undefined, signal: AbortSignal): StatementResult {
  const s = internals(stmt);
  const columns = s._getColumnNames();
  if (columns.length === 0) {
    const { changes } = stmt.run(values as never);
    return { columns, rows: [], affected: changes, returnsRows: false };
  }
  // Rows keyed by column position, so `SELECT a.id, b.id` keeps both.
  const positions = columns.map((_, i) => i);
  const rows: unknown[][] = [];
  s._bind(values);
  const api = loaded!;
  while (s._step()) {
    const row = Object.values(s._getRow(positions, false));
    // A REAL that is a whole number is a float in Python's sqlite3 (`2.0`), not an int.
    for (let i = 0; i < row.length; i++) {
      const v = row[i];
      if (typeof v === 'number' && Number.isInteger(v) && api._sqlite3_column_type(s._ptr, i) === SQLITE_FLOAT) row[i] = new PyFloat(v);
    }
    rows.push(row);
    if (rows.length % ABORT_CHECK_ROWS === 0) signal.throwIfAborted();
  }
  return { columns, rows, affected: rows.length, returnsRows: true };
}

/** How long a statement waits for a database another connection has locked. */
function busyTimeoutMs(opts?: PoolOptions): number {
  // `connect_args: {timeout: S}` is Python sqlite3's own busy timeout, which SQLAlchemy passes on.
  const own = Number(opts?.connectArgs.timeout);
  if (Number.isFinite(own) && own >= 0) return own * 1000;
  return opts?.timeoutMs ?? 5000;
}

export async function openSqlite(info: ConnectionInfo, opts?: PoolOptions): Promise<Database> {
  const conn = await connect(info);
  const busyMs = busyTimeoutMs(opts);
  let closed = false;

  /** Every statement of `text` in turn; the last one's result counts, as the other dialects report it. */
  const run = async (text: string, values: unknown[], signal: AbortSignal): Promise<StatementResult> => {
    let last: StatementResult = { columns: [], rows: [], affected: 0, returnsRows: false };
    let pending = '';
    let incomplete: unknown;
    let index = 0;
    for (const piece of statementPieces(text)) {
      pending += piece;
      signal.throwIfAborted();
      let stmt: WasmStatement | undefined;
      try {
        stmt = await whenFree(conn, () => conn.db.prepare(pending), busyMs, signal);
      } catch (err) {
        // A trigger body's `;` ended the piece, not the statement; comments and blanks hold none.
        if (isIncomplete(err)) {
          incomplete = err;
          continue;
        }
        pending = '';
        if (isEmpty(err)) continue;
        throw err;
      }
      pending = '';
      try {
        if (index++ > 0 && values.length) throw new NodeFailure('NodeValidationError', 'A query with parameters must hold one statement.');
        const bound = values.length ? values : undefined;
        const prepared = stmt;
        last = await whenFree(conn, () => step(prepared, bound, signal), busyMs, signal);
      } finally {
        stmt.finalize();
      }
    }
    if (pending.trim()) throw incomplete;
    return last;
  };

  const rollback = () => {
    try {
      if (conn.db.isOpen && conn.db.inTransaction) conn.db.exec('ROLLBACK');
    } catch {
      // The connection is unusable; the next statement reports it.
    }
  };

  return {
    info,
    begin: 'BEGIN',
    size: () => (closed ? 0 : 1),
    close: async () => {
      if (closed) return;
      closed = true;
      await conn.turn;
      release(conn);
    },
    async session<T>(signal: AbortSignal, fn: (s: Session) => Promise<T>): Promise<T> {
      const previous = conn.turn;
      let done!: () => void;
      conn.turn = new Promise((r) => (done = r));
      try {
        await previous;
        signal.throwIfAborted();
        if (closed) throw new NodeFailure('NodeExecutionError', `Database error on ${info.label}: the database was closed.`);
        const session: Session = { run };
        let out: T;
        try {
          out = await fn(session);
        } catch (err) {
          rollback();
          throw err;
        }
        // An open transaction would keep the file locked for every other process: a session never leaves one behind.
        if (conn.db.inTransaction) {
          rollback();
          throw new NodeFailure(
            'NodeExecutionError',
            `Database error on ${info.label}: the query began a transaction and did not end it (BEGIN without COMMIT); it was rolled back, nothing it did was kept.`,
          );
        }
        return out;
      } finally {
        done();
      }
    },
  };
}
