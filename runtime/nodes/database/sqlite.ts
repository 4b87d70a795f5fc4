import { existsSync, statSync } from 'node:fs';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Database as SqlJsDatabase, SqlJsStatic, SqlValue } from 'sql.js';
import { NodeFailure } from '../../engine/errors';
import type { Database, Session, StatementResult } from './session';
import type { ConnectionInfo } from './url';

/**
 * SQLite is sql.js (SQLite compiled to WebAssembly, the build with the module inlined), so the
 * same code runs on Node 20, in CI and in VS Code's extension host with no native addon and no
 * extra file to ship. The database lives in memory, loaded from its file, and is written back
 * (to a temporary file, then renamed over it) after every session that changed something.
 */
let engine: Promise<SqlJsStatic> | undefined;
function sqlJs(): Promise<SqlJsStatic> {
  engine ??= import('sql.js/dist/sql-wasm-inline.js').then((m) => {
    const init = ((m as { default?: unknown }).default ?? m) as (config?: object) => Promise<SqlJsStatic>;
    return init();
  });
  return engine;
}

/** Rows are read in slices so an abort is seen between them (sql.js itself is synchronous). */
const ABORT_CHECK_ROWS = 1024;

type Stamp = string;
const stampOf = (file: string): Stamp | undefined => {
  try {
    const s = statSync(file);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return undefined;
  }
};

function toSql(v: unknown): SqlValue {
  return v as SqlValue;
}

export async function openSqlite(info: ConnectionInfo): Promise<Database> {
  const SQL = await sqlJs();
  const file = info.file;
  if (file && !existsSync(dirname(file))) {
    throw new NodeFailure('NodeExecutionError', `Database error on ${info.label}: unable to open database file (folder ${dirname(file)} does not exist).`);
  }
  let db: SqlJsDatabase | undefined;
  let stamp: Stamp | undefined;
  let closed = false;
  /** Sessions take turns: SQLite has one writer, and sql.js one connection. */
  let turn: Promise<void> = Promise.resolve();

  const load = async () => {
    const current = file ? stampOf(file) : undefined;
    if (db && current === stamp) return;
    db?.close();
    db = new SQL.Database(file && current !== undefined ? await readFile(file) : undefined);
    stamp = current;
  };
  const version = (): string => JSON.stringify(db!.exec('SELECT total_changes(); PRAGMA schema_version;').map((r) => r.values));
  const persist = async () => {
    if (!file) return;
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, db!.export());
    await rename(tmp, file);
    const s = await stat(file);
    stamp = `${s.mtimeMs}:${s.size}`;
  };

  const run = (text: string, values: unknown[], signal: AbortSignal): StatementResult => {
    let last: StatementResult = { columns: [], rows: [], affected: 0, returnsRows: false };
    let index = 0;
    for (const stmt of db!.iterateStatements(text)) {
      try {
        signal.throwIfAborted();
        if (index++ === 0 && values.length) stmt.bind(values.map(toSql));
        else if (values.length) throw new NodeFailure('NodeValidationError', 'A query with parameters must hold one statement.');
        const columns = stmt.getColumnNames();
        const rows: unknown[][] = [];
        while (stmt.step()) {
          // Integers as BigInt, so ids beyond 2^53 are not rounded (toJson keeps them as text).
          rows.push((stmt as unknown as { get(p: null, o: { useBigInt: boolean }): unknown[] }).get(null, { useBigInt: true }));
          if (rows.length % ABORT_CHECK_ROWS === 0) signal.throwIfAborted();
        }
        const returnsRows = columns.length > 0;
        last = { columns, rows, affected: returnsRows ? rows.length : db!.getRowsModified(), returnsRows };
      } finally {
        stmt.free();
      }
    }
    return last;
  };

  return {
    info,
    begin: 'BEGIN',
    size: () => (db ? 1 : 0),
    close: async () => {
      closed = true;
      await turn;
      db?.close();
      db = undefined;
    },
    async session(signal, fn) {
      const previous = turn;
      let release!: () => void;
      turn = new Promise((r) => (release = r));
      try {
        await previous;
        signal.throwIfAborted();
        if (closed) throw new NodeFailure('NodeExecutionError', `Database error on ${info.label}: the database was closed.`);
        await load();
        const before = version();
        const session: Session = { run: async (text, values, s) => run(text, values, s) };
        try {
          return await fn(session);
        } catch (err) {
          // A failed transaction must not stay open for the next session.
          try {
            db!.exec('ROLLBACK');
          } catch {
            // none was open
          }
          throw err;
        } finally {
          if (version() !== before) await persist();
        }
      } finally {
        release();
      }
    },
  };
}
