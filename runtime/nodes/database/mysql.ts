import type { FieldPacket, PoolConnection, PoolOptions as MysqlPoolOptions, ResultSetHeader, TypeCastField } from 'mysql2/promise';
import { bigToJson, isoFromSql, secondsFromTime } from './convert';
import { pyFloat } from '../../values/py';
import { abortable, acquire, PING_AFTER_IDLE_MS, type Database, type PoolOptions, type Session, type StatementResult } from './session';
import type { ConnectionInfo } from './url';

/** Dates as MySQL wrote them (no time-zone shift), TIME as seconds (Python's timedelta), numbers as Python's. */
function typeCast(field: TypeCastField, next: () => unknown): unknown {
  if (field.type === 'DATETIME' || field.type === 'TIMESTAMP') {
    const s = field.string();
    return s === null ? null : isoFromSql(s);
  }
  if (field.type === 'TIME') {
    const s = field.string();
    return s === null ? null : secondsFromTime(s);
  }
  // Python's types (runtime/values): DECIMAL (Kailash's float()), FLOAT and DOUBLE are floats, `2.0`
  // not `2`; BIGINT beyond 2^53 an exact int.
  if (field.type === 'NEWDECIMAL' || field.type === 'DECIMAL' || field.type === 'FLOAT' || field.type === 'DOUBLE') {
    const s = field.string();
    return s === null ? null : pyFloat(Number.parseFloat(s));
  }
  if (field.type === 'LONGLONG') {
    const s = field.string();
    return s === null ? null : bigToJson(s);
  }
  return next();
}

function driverOptions(info: ConnectionInfo, opts: PoolOptions): MysqlPoolOptions {
  const url = info.url!;
  const ssl = url.searchParams.get('ssl') ?? url.searchParams.get('ssl_mode');
  return {
    host: url.hostname || 'localhost',
    port: Number(url.port || 3306),
    user: url.username ? decodeURIComponent(url.username) : undefined,
    password: info.password,
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || undefined,
    charset: url.searchParams.get('charset') ?? undefined,
    ...(ssl && !/^(false|disabled?|0)$/i.test(ssl) ? { ssl: { rejectUnauthorized: /verify/i.test(ssl) } } : {}),
    // One statement per call: a spliced `; DROP …` cannot ride along.
    multipleStatements: false,
    decimalNumbers: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    dateStrings: true,
    typeCast,
    connectTimeout: opts.timeoutMs,
    ...(opts.connectArgs as MysqlPoolOptions),
  };
}

/** The server's "a transaction is open" status flag, sent with every OK packet. */
const SERVER_STATUS_IN_TRANS = 1;

/** Connections that already carry our 'error' listener. */
const listening = new WeakSet<object>();

export async function openMysql(info: ConnectionInfo, opts: PoolOptions): Promise<Database> {
  const mysql = (await import('mysql2/promise')).default;
  const options = driverOptions(info, opts);
  const pool = mysql.createPool({
    ...options,
    connectionLimit: opts.size + opts.overflow,
    // Overflow connections close when idle, as SQLAlchemy's do.
    maxIdle: opts.size,
    idleTimeout: 60_000,
    queueLimit: 0,
  });
  // mysql2 emits pool errors for connections it already discarded; nothing to do but not crash.
  (pool as unknown as NodeJS.EventEmitter).on('error', () => undefined);
  const lastUsed = new WeakMap<PoolConnection, number>();
  const born = new WeakMap<PoolConnection, number>();

  /** KILL from a second connection: the only way to stop a MySQL statement in flight. */
  const kill = (threadId: number) => {
    mysql
      .createConnection({ ...options, connectTimeout: 5000 })
      .then(async (c) => {
        try {
          await c.query(`KILL CONNECTION ${Number(threadId)}`);
        } finally {
          c.destroy();
        }
      })
      .catch(() => undefined);
  };

  const checkout = async (signal: AbortSignal): Promise<PoolConnection> => {
    for (let tries = 0; ; tries++) {
      const conn = await acquire(pool.getConnection(), (c) => c.release(), opts.timeoutMs, signal, info, opts);
      if (!born.has(conn)) born.set(conn, Date.now());
      if (opts.recycleMs > 0 && Date.now() - born.get(conn)! > opts.recycleMs) {
        conn.destroy();
        continue;
      }
      const idle = Date.now() - (lastUsed.get(conn) ?? Date.now());
      if (!opts.prePing || idle < PING_AFTER_IDLE_MS || tries > 0) return conn;
      try {
        await abortable(conn.ping(), signal, () => undefined);
        return conn;
      } catch {
        conn.destroy();
        signal.throwIfAborted();
      }
    }
  };

  let open = 0;
  let ended: Promise<void> | undefined;
  return {
    info,
    begin: 'START TRANSACTION',
    size: () => {
      const p = (pool as unknown as { pool: { _allConnections?: { length: number } } }).pool;
      return p._allConnections?.length ?? open;
    },
    close: () => (ended ??= pool.end()),
    async session(signal, fn) {
      const conn = await checkout(signal);
      open++;
      let broken = false;
      // mysql2 listens once for a connection's fatal error; a second one, unheard, would crash the process.
      const core = (conn as unknown as { connection: NodeJS.EventEmitter }).connection;
      if (!listening.has(core)) {
        listening.add(core);
        core.on('error', () => undefined);
      }
      const session: Session = {
        async run(text, values, s): Promise<StatementResult> {
          // Prepared statements bind on the server; statements without values use the text protocol.
          const work = values.length
            ? conn.execute({ sql: text, values, rowsAsArray: true })
            : conn.query({ sql: text, rowsAsArray: true });
          const [rows, fields] = await abortable(work as Promise<[unknown, FieldPacket[] | undefined]>, s, () => {
            broken = true;
            kill(conn.threadId);
          });
          if (Array.isArray(rows) && fields) {
            return { columns: fields.map((f) => f.name), rows: rows as unknown[][], affected: rows.length, returnsRows: true };
          }
          const header = rows as ResultSetHeader;
          return {
            columns: [],
            rows: [],
            affected: header.affectedRows ?? 0,
            returnsRows: false,
            ...(typeof header.serverStatus === 'number' ? { inTransaction: (header.serverStatus & SERVER_STATUS_IN_TRANS) !== 0 } : {}),
          };
        },
      };
      try {
        return await fn(session);
      } catch (err) {
        const code = (err as { code?: string }).code ?? '';
        if (
          /PROTOCOL_CONNECTION_LOST|ECONNRESET|EPIPE|ER_SERVER_SHUTDOWN|ER_CONNECTION_KILLED/.test(code) ||
          (err as { fatal?: boolean }).fatal
        )
          broken = true;
        throw err;
      } finally {
        open--;
        lastUsed.set(conn, Date.now());
        if (broken) conn.destroy();
        else conn.release();
      }
    },
  };
}
