import { onDispose } from '../../engine/resources';
import { openMysql } from './mysql';
import { openPostgres } from './postgres';
import type { Database, PoolOptions } from './session';
import { openSqlite } from './sqlite';
import type { ConnectionInfo } from './url';

/**
 * Pools shared per connection string and pool settings, across nodes and runs, as Kailash shares
 * its SQLAlchemy engines. `LocalRuntime.dispose()` closes them.
 */
const pools = new Map<string, Map<string, Promise<Database>>>();

function keyOf(info: ConnectionInfo, opts: PoolOptions): string {
  // SQLite has one connection per real file (sqlite.ts shares it); only the busy timeout differs.
  if (info.dialect === 'sqlite') return `${info.target}|${opts.timeoutMs}|${String(opts.connectArgs.timeout ?? '')}`;
  const args = Object.keys(opts.connectArgs).length ? JSON.stringify(opts.connectArgs) : '';
  return `${opts.size}|${opts.overflow}|${opts.timeoutMs}|${opts.recycleMs}|${opts.prePing}|${args}`;
}

export function open(info: ConnectionInfo, opts: PoolOptions): Promise<Database> {
  switch (info.dialect) {
    case 'postgresql':
      return openPostgres(info, opts);
    case 'mysql':
      return openMysql(info, opts);
    case 'sqlite':
      return openSqlite(info, opts);
  }
}

/**
 * The pool a parsed connection (cached per string and folder by parseConnection) last resolved
 * to, with its settings: a node in a loop asks for it every time.
 */
let recent = new WeakMap<ConnectionInfo, { opts: PoolOptions; db: Database }>();

const sameOptions = (a: PoolOptions, b: PoolOptions): boolean =>
  a.size === b.size &&
  a.overflow === b.overflow &&
  a.timeoutMs === b.timeoutMs &&
  a.recycleMs === b.recycleMs &&
  a.prePing === b.prePing &&
  Object.keys(a.connectArgs).length === 0 &&
  Object.keys(b.connectArgs).length === 0;

/** The shared pool, without waiting when it is already open. */
export function sharedDatabaseNow(connection: string, info: ConnectionInfo, opts: PoolOptions): Database | Promise<Database> {
  const hit = recent.get(info);
  if (hit && sameOptions(hit.opts, opts)) return hit.db;
  return sharedDatabase(connection, info, opts).then((db) => {
    recent.set(info, { opts, db });
    return db;
  });
}

/** The shared pool for this connection string, opened on first use. */
export function sharedDatabase(connection: string, info: ConnectionInfo, opts: PoolOptions): Promise<Database> {
  // Keyed by connection string, then settings (nested: see parseConnection).
  let forConnection = pools.get(connection);
  if (!forConnection) pools.set(connection, (forConnection = new Map()));
  const key = keyOf(info, opts);
  const byKey = forConnection;
  let db = byKey.get(key);
  if (!db) {
    db = open(info, opts);
    byKey.set(key, db);
    const forget = () => {
      if (byKey.get(key) === db) byKey.delete(key);
    };
    db.then(
      (d) =>
        onDispose(async () => {
          forget();
          recent = new WeakMap();
          await d.close();
        }),
      forget,
    );
  }
  return db;
}
