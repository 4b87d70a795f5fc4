import { connect } from 'node:net';
import type { PoolClient, PoolConfig, QueryArrayResult } from 'pg';
import { bigToJson, isoFromSql, secondsFromInterval } from './convert';
import { pyFloat } from '../../values/py';
import { isConnectionLoss } from './errors';
import { abortable, acquire, PING_AFTER_IDLE_MS, type Database, type PoolOptions, type Session, type StatementResult } from './session';
import type { ConnectionInfo } from './url';

/** PostgreSQL type OIDs whose default JS parsing loses what Kailash keeps. */
const OID = {
  int8: 20,
  numeric: 1700,
  float4: 700,
  float8: 701,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  int8Array: 1016,
  numericArray: 1231,
};

type Parser = (text: string) => unknown;

async function typeParsers(): Promise<{ getTypeParser: (oid: number, format?: string) => Parser }> {
  const { types } = (await import('pg')).default;
  const base = (oid: number) => types.getTypeParser(oid, 'text') as Parser;
  const deep =
    (f: (s: string) => unknown) =>
    (v: unknown): unknown =>
      Array.isArray(v) ? v.map(deep(f)) : v === null ? null : f(String(v));
  const own: Record<number, Parser> = {
    [OID.int8]: (s) => bigToJson(s),
    // Kailash turns Decimal into float, and psycopg reads float columns as floats: `2.0`, never `2`.
    [OID.numeric]: (s) => pyFloat(Number.parseFloat(s)),
    [OID.float4]: (s) => pyFloat(Number.parseFloat(s)),
    [OID.float8]: (s) => pyFloat(Number.parseFloat(s)),
    // Dates and times stay as PostgreSQL wrote them (ISO, session time zone, microseconds).
    [OID.date]: (s) => s,
    [OID.timestamp]: isoFromSql,
    [OID.timestamptz]: isoFromSql,
    [OID.interval]: (s) => secondsFromInterval(base(OID.interval)(s) as Record<string, number>),
    [OID.int8Array]: (s) => deep((x) => bigToJson(x))(base(OID.int8Array)(s)),
    [OID.numericArray]: (s) => deep((x) => pyFloat(Number.parseFloat(x)))(base(OID.numericArray)(s)),
  };
  return { getTypeParser: (oid, format) => own[oid] ?? (types.getTypeParser(oid, (format ?? 'text') as 'text') as Parser) };
}

/** psycopg-style `connect_args` → node-postgres options. */
function connectArgs(args: Record<string, unknown>): Partial<PoolConfig> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) {
    if (k === 'connect_timeout') out.connectionTimeoutMillis = Number(v) * 1000;
    else if (k === 'sslmode') out.ssl = v === 'disable' ? false : { rejectUnauthorized: v === 'verify-full' || v === 'verify-ca' };
    else out[k] = v;
  }
  return out as Partial<PoolConfig>;
}

/** PostgreSQL's CancelRequest, sent on its own socket: stops the statement without waiting for it. */
function sendCancel(client: PoolClient): void {
  const c = client as unknown as { processID?: number; secretKey?: number; host?: string; port?: number };
  if (!c.processID || c.secretKey === undefined) return;
  const packet = Buffer.alloc(16);
  packet.writeInt32BE(16, 0);
  packet.writeInt32BE(80877102, 4);
  packet.writeInt32BE(c.processID, 8);
  packet.writeInt32BE(c.secretKey, 12);
  const host = c.host ?? 'localhost';
  const socket = host.startsWith('/') ? connect(`${host}/.s.PGSQL.${c.port ?? 5432}`) : connect(c.port ?? 5432, host);
  socket.setTimeout(5000, () => socket.destroy());
  socket.on('error', () => undefined);
  socket.on('connect', () => socket.end(packet));
}

export async function openPostgres(info: ConnectionInfo, opts: PoolOptions): Promise<Database> {
  const { Pool } = (await import('pg')).default;
  const pool = new Pool({
    connectionString: info.url!.toString(),
    max: opts.size + opts.overflow,
    // Our own wait (acquire) fails first, with a message that names the pool settings.
    connectionTimeoutMillis: opts.timeoutMs + 1000,
    maxLifetimeSeconds: opts.recycleMs > 0 ? Math.ceil(opts.recycleMs / 1000) : 0,
    types: await typeParsers(),
    ...connectArgs(opts.connectArgs),
  } as PoolConfig);
  // An idle connection the server drops is removed by the pool; without a listener it would crash the process.
  pool.on('error', () => undefined);
  const lastUsed = new WeakMap<PoolClient, number>();
  let ended: Promise<void> | undefined;

  /** A connection ready to lend: waited for within pool_timeout, and pinged when it sat idle a while. */
  const checkout = async (signal: AbortSignal): Promise<PoolClient> => {
    for (let tries = 0; ; tries++) {
      const client = await acquire(pool.connect(), (c) => c.release(), opts.timeoutMs, signal, info, opts);
      if (tries > 0 || !needsPing(client)) return client;
      try {
        await abortable(client.query('SELECT 1'), signal, () => undefined);
        return client;
      } catch {
        client.release(true);
        signal.throwIfAborted();
      }
    }
  };
  const needsPing = (client: PoolClient) => opts.prePing && Date.now() - (lastUsed.get(client) ?? Date.now()) >= PING_AFTER_IDLE_MS;

  return {
    info,
    begin: 'BEGIN',
    size: () => pool.totalCount,
    close: () => (ended ??= pool.end()),
    async session(signal, fn) {
      // With a connection idle in the pool there is nothing to wait for (no timer to arm, one await less).
      let client = pool.idleCount > 0 && pool.waitingCount === 0 && !signal.aborted ? await pool.connect() : await checkout(signal);
      if (needsPing(client)) {
        client.release();
        client = await checkout(signal);
      }
      const session = new PgSession(client, signal);
      try {
        return await fn(session);
      } catch (err) {
        if (!session.broken && isConnectionLoss(err)) session.broken = err as Error;
        throw err;
      } finally {
        session.end();
        lastUsed.set(client, Date.now());
        client.release(session.broken ?? undefined);
      }
    },
  };
}

/** The session a client is lent to, so its one 'error' listener can mark the right session broken. */
const lentTo = new WeakMap<PoolClient, PgSession>();
const listening = new WeakSet<PoolClient>();

/**
 * One borrowed connection. An abort sends PostgreSQL a CancelRequest and drops the socket, so the
 * caller is released at once and the connection is discarded (the server rolls back).
 */
class PgSession implements Session {
  broken: Error | undefined;
  private readonly onAbort = () => {
    this.broken ??= new Error('aborted');
    sendCancel(this.client);
    (this.client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  };

  constructor(
    private readonly client: PoolClient,
    private readonly signal: AbortSignal,
  ) {
    if (!listening.has(client)) {
      listening.add(client);
      // A checked-out client the server kills emits 'error'; unheard, that would crash the process.
      client.on('error', (err) => {
        const s = lentTo.get(client);
        if (s) s.broken ??= err;
      });
    }
    lentTo.set(client, this);
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  end(): void {
    lentTo.delete(this.client);
    this.signal.removeEventListener('abort', this.onAbort);
  }

  async run(text: string, values: unknown[], signal: AbortSignal): Promise<StatementResult> {
    if (this.broken) throw this.broken;
    signal.throwIfAborted();
    let raw: QueryArrayResult | QueryArrayResult[];
    try {
      raw = await this.client.query({ text, values, rowMode: 'array' });
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw err;
    }
    // Several statements without parameters come back as one result each; the last one counts.
    const res = (Array.isArray(raw) ? raw[raw.length - 1] : raw) as QueryArrayResult;
    const returnsRows = res.fields.length > 0;
    return {
      columns: returnsRows ? res.fields.map((f) => f.name) : [],
      rows: res.rows as unknown[][],
      affected: returnsRows ? res.rows.length : (res.rowCount ?? 0),
      returnsRows,
    };
  }
}
