import { createHash } from 'node:crypto';
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
const pools = new Map<string, Promise<Database>>();

function keyOf(connection: string, info: ConnectionInfo, opts: PoolOptions): string {
  // SQLite has one in-process database per file, whatever the pool settings.
  const parts = info.dialect === 'sqlite' ? [info.target] : [connection, opts.size, opts.overflow, opts.timeoutMs, opts.recycleMs, opts.prePing, JSON.stringify(opts.connectArgs)];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export function open(info: ConnectionInfo, opts: PoolOptions): Promise<Database> {
  switch (info.dialect) {
    case 'postgresql':
      return openPostgres(info, opts);
    case 'mysql':
      return openMysql(info, opts);
    case 'sqlite':
      return openSqlite(info);
  }
}

/** The shared pool for this connection string, opened on first use. */
export function sharedDatabase(connection: string, info: ConnectionInfo, opts: PoolOptions): Promise<Database> {
  const key = keyOf(connection, info, opts);
  let db = pools.get(key);
  if (!db) {
    db = open(info, opts);
    pools.set(key, db);
    const forget = () => {
      if (pools.get(key) === db) pools.delete(key);
    };
    db.then(
      (d) =>
        onDispose(async () => {
          forget();
          await d.close();
        }),
      forget,
    );
  }
  return db;
}
