import { isAbsolute, resolve } from 'node:path';
import type { RunContext } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { realWithinSync, safePath } from '../files/paths';

export type Dialect = 'postgresql' | 'mysql' | 'sqlite';

/** A parsed connection string. `label` names the database in messages and never holds a password. */
export interface ConnectionInfo {
  dialect: Dialect;
  label: string;
  /** Breaker and rate-limit key: host:port/database, or the SQLite file. */
  target: string;
  /** The password, so messages can scrub it even where a driver echoes it. */
  password?: string;
  /** Network databases: the URL the driver gets (scheme normalised, `+driver` suffix dropped). */
  url?: URL;
  /** SQLite: the absolute file, or undefined for an in-memory database. */
  file?: string;
  /** SQLite: the file's path as the connection string wrote it. */
  written?: string;
}

const SCHEMES: Record<string, Dialect> = {
  postgresql: 'postgresql',
  postgres: 'postgresql',
  mysql: 'mysql',
  mariadb: 'mysql',
  sqlite: 'sqlite',
};

/**
 * Reads a SQLAlchemy-style URL (`postgresql+psycopg2://…`, `mysql+pymysql://…`,
 * `sqlite:///relative.db`, `sqlite:////absolute.db`, `sqlite:///:memory:`) or, as AsyncSQL
 * accepts, a bare SQLite path. Relative SQLite paths resolve against the workflow's folder.
 */
export function parseConnection(raw: string, where: string | Pick<RunContext, 'baseDir' | 'roots'>): ConnectionInfo {
  const baseDir = typeof where === 'string' ? where : where.baseDir;
  // Nodes in a loop parse the same string thousands of times. (Nested maps: a concatenated key
  // would be rebuilt and rehashed on every call.)
  let forDir = parsed.get(baseDir);
  if (!forDir) parsed.set(baseDir, (forDir = new Map()));
  let info = forDir.get(raw);
  if (!info) {
    if (forDir.size >= PARSED_MAX) forDir.clear();
    forDir.set(raw, (info = parse(raw, baseDir)));
  }
  // A SQLite file is a file the run touches: confined as file nodes' paths are, on every use
  // rather than cached, since a link can change between runs.
  if (typeof where !== 'string' && info.written !== undefined) sqliteWithin(info.written, where);
  return info;
}

const PARSED_MAX = 256;
const parsed = new Map<string, Map<string, ConnectionInfo>>();

function parse(raw: string, baseDir: string): ConnectionInfo {
  const s = raw.trim();
  const m = /^([a-z][a-z0-9]*)(?:\+[a-z0-9_]+)?:\/\//i.exec(s);
  if (!m) {
    if (s === ':memory:' || /\.(db|sqlite3?)$/i.test(s) || s.startsWith('/') || s.startsWith('.')) return sqliteInfo(s, baseDir);
    throw new NodeFailure(
      'NodeValidationError',
      `Cannot read the connection string: expected postgresql://, mysql:// or sqlite:///, got '${redactUrl(s)}'.`,
    );
  }
  const dialect = SCHEMES[m[1]!.toLowerCase()];
  if (!dialect)
    throw new NodeFailure(
      'NodeValidationError',
      `Unsupported database '${m[1]}' in the connection string: use postgresql, mysql or sqlite.`,
    );
  if (dialect === 'sqlite') {
    // `sqlite://` + `/path`: three slashes then a relative path, four for an absolute one.
    const rest = s.slice(m[0].length);
    return sqliteInfo(rest === '' ? ':memory:' : rest.replace(/^\//, '').split('?')[0]!, baseDir);
  }
  let url: URL;
  try {
    url = new URL(`${dialect}://${s.slice(m[0].length)}`);
  } catch {
    throw new NodeFailure('NodeValidationError', `Cannot read the connection string '${redactUrl(s)}'.`);
  }
  const port = url.port || (dialect === 'postgresql' ? '5432' : '3306');
  const host = url.hostname || url.searchParams.get('host') || 'localhost';
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const password = url.password ? decodeURIComponent(url.password) : (url.searchParams.get('password') ?? undefined);
  const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
  return {
    dialect,
    url,
    password,
    label: `${dialect}://${user}${host}:${port}/${database}`,
    target: `${host}:${port}/${database}`,
  };
}

/** The SQLite file must lie in the workflow's folder or an allowed root, after links. */
function sqliteWithin(path: string, ctx: Pick<RunContext, 'baseDir' | 'roots'>): void {
  try {
    realWithinSync(safePath(path, ctx, 'connection_string'), ctx, path);
  } catch (err) {
    if (err instanceof NodeFailure) throw new NodeFailure(err.type, `SQLite database: ${err.message}`, { retryable: false });
    throw err;
  }
}

function sqliteInfo(path: string, baseDir: string): ConnectionInfo {
  if (path === ':memory:' || path === '') return { dialect: 'sqlite', label: 'sqlite://:memory:', target: 'sqlite::memory:' };
  const file = isAbsolute(path) ? path : resolve(baseDir, path);
  return { dialect: 'sqlite', file, written: path, label: `sqlite:///${file}`, target: `sqlite:${file}` };
}

/** Kailash's AsyncSQL auto-detection when `database_type` is left at its default. */
export function detectDialect(connectionString: string): Dialect | undefined {
  const s = connectionString.trim().toLowerCase();
  if (s.startsWith('sqlite') || s === ':memory:' || /\.(db|sqlite3?)$/.test(s) || s.startsWith('/') || s.startsWith('.')) return 'sqlite';
  if (s.startsWith('mysql') || s.startsWith('mariadb')) return 'mysql';
  if (s.startsWith('postgres')) return 'postgresql';
  return undefined;
}

/** Builds a URL from AsyncSQL's separate host/port/database/user/password params. */
export function urlFromParts(
  dialect: Dialect,
  p: { host?: unknown; port?: unknown; database?: unknown; user?: unknown; password?: unknown },
): string {
  if (dialect === 'sqlite') return `sqlite:///${String(p.database ?? ':memory:')}`;
  if (!p.host || !p.database)
    throw new NodeFailure('NodeValidationError', `${dialect} needs either connection_string or host and database.`);
  const auth = p.user ? `${encodeURIComponent(String(p.user))}${p.password ? `:${encodeURIComponent(String(p.password))}` : ''}@` : '';
  return `${dialect}://${auth}${String(p.host)}${p.port ? `:${String(p.port)}` : ''}/${encodeURIComponent(String(p.database))}`;
}

/** Hides `user:password@` credentials in any URL inside a text. */
export function redactUrl(text: string): string {
  return text.replace(/(\/\/[^/:@\s]*):[^@\s/]*@/g, '$1:***@').replace(/([?&]password=)[^&\s]*/gi, '$1***');
}

/** Scrubs the password (and URL credentials) from a driver's message. */
export function scrub(message: string, info: Pick<ConnectionInfo, 'password'>): string {
  let out = redactUrl(message);
  if (info.password && info.password.length >= 3) out = out.split(info.password).join('***');
  return out;
}
