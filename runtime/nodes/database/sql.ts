import type { NodeOutput, NodeRun, RunContext } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { bindValue, toJson } from './convert';
import { databaseFailure, type FailurePoint } from './errors';
import { refuseImplicitCommits } from './implicit-commit';
import { castNamed, type Bound } from './placeholders';
import { open, sharedDatabaseNow } from './pools';
import type { Database, PoolOptions, StatementResult } from './session';
import { detectDialect, parseConnection, urlFromParts, type ConnectionInfo, type Dialect } from './url';
import { validateQuery } from './validator';

interface Statement {
  query: string;
  parameters: unknown;
}

/** `query` or the `operations` list (our all-or-nothing extension), never both. */
function statementsOf(inputs: Record<string, unknown>, paramsKey: string): { statements: Statement[]; operations: boolean } {
  const ops = inputs.operations as unknown[] | undefined;
  if (ops !== undefined && ops !== null) {
    if (inputs.query !== undefined && inputs.query !== null)
      throw new NodeFailure('NodeValidationError', "Give either 'query' or 'operations', not both.");
    if (!Array.isArray(ops) || ops.length === 0)
      throw new NodeFailure('NodeValidationError', "'operations' must be a non-empty list of {query, parameters}.");
    const statements = ops.map((op, i) => {
      const o = op as Record<string, unknown> | null;
      if (!o || typeof o !== 'object' || typeof o.query !== 'string' || !o.query.trim())
        throw new NodeFailure('NodeValidationError', `operations[${i}] needs a 'query' string.`);
      return { query: o.query, parameters: o.parameters ?? o.params };
    });
    return { statements, operations: true };
  }
  if (typeof inputs.query !== 'string' || !inputs.query.trim()) throw new NodeFailure('NodeValidationError', 'No query provided');
  return { statements: [{ query: inputs.query, parameters: inputs[paramsKey] }], operations: false };
}

/**
 * Runs the statements on one pooled connection: in one transaction when `transactional` (all or
 * nothing: a failure rolls back; an abort or a lost connection discards the connection, and the
 * server rolls back), else each statement on its own.
 */
async function execute(
  db: Database,
  bound: Bound[],
  sources: Statement[],
  transactional: boolean,
  signal: AbortSignal,
): Promise<StatementResult[]> {
  const at: FailurePoint = { phase: 'connect', inTransaction: false, total: bound.length };
  try {
    if (!transactional && bound.length === 1) {
      // The common case, one statement on its own, without the general path's extra await.
      return [
        await db.session(signal, (s) => {
          Object.assign(at, { phase: 'statement', index: 1, query: sources[0]!.query });
          return s.run(bound[0]!.text, bound[0]!.values, signal);
        }),
      ];
    }
    return await db.session(signal, async (s) => {
      const results: StatementResult[] = [];
      at.phase = 'statement';
      if (transactional) {
        await s.run(db.begin, [], signal);
        at.inTransaction = true;
      }
      try {
        for (let i = 0; i < bound.length; i++) {
          Object.assign(at, { index: i + 1, query: sources[i]!.query });
          const r = await s.run(bound[i]!.text, bound[i]!.values, signal);
          results.push(r);
          if (transactional && r.inTransaction === false) {
            // Something the up-front check could not see (a procedure's DDL, say) committed: say so, claim no rollback.
            at.inTransaction = false;
            throw new NodeFailure(
              'NodeExecutionError',
              `Database error on ${db.info.label}: statement ${i + 1} of ${bound.length} ended the transaction (the server committed it implicitly): statements 1–${i + 1} are written and cannot be rolled back; the rest did not run. (${sources[i]!.query.replace(/\s+/g, ' ').trim().slice(0, 200)})`,
              { retryable: false },
            );
          }
        }
        if (transactional) {
          Object.assign(at, { phase: 'commit', query: undefined });
          await s.run('COMMIT', [], signal);
        }
      } catch (err) {
        if (at.inTransaction && at.phase === 'statement' && !signal.aborted) await s.run('ROLLBACK', [], signal).catch(() => undefined);
        throw err;
      }
      return results;
    });
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw databaseFailure(err, db.info, at);
  }
}

function poolOptions(inputs: Record<string, unknown>, size: number, overflow: number, timeoutSeconds: number): PoolOptions {
  return {
    size: Math.max(1, size),
    overflow: Math.max(0, overflow),
    timeoutMs: Math.max(0.001, timeoutSeconds) * 1000,
    recycleMs: Number(inputs.pool_recycle ?? 3600) * 1000,
    prePing: inputs.pool_pre_ping !== false,
    connectArgs: (inputs.connect_args as Record<string, unknown> | undefined) ?? {},
  };
}

function bindAll(statements: Statement[], dialect: Dialect, types?: Record<string, unknown>): Bound[] {
  return statements.map((st) => {
    const b = castNamed(st.query, st.parameters, types, dialect);
    for (let i = 0; i < b.values.length; i++) b.values[i] = bindValue(b.values[i], dialect);
    return b;
  });
}

function rowsAs(format: unknown, r: StatementResult): unknown[] {
  if (format === 'list' || format === 'raw') return r.rows.map((row) => row.map(toJson));
  return r.rows.map((row) => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < r.columns.length; i++) o[r.columns[i]!] = toJson(row[i]);
    return o;
  });
}

function notSupported(inputs: Record<string, unknown>, flag: string): void {
  if (inputs[flag] === true)
    throw new NodeFailure(
      'NodeValidationError',
      `'${flag}' is not supported by Kailash Workflows yet; use an explicit version check in the query.`,
      { retryable: false },
    );
}

const seconds = (since: number) => Math.round(performance.now() - since) / 1000;

/** Kailash's SQLDatabaseNode: `{data, row_count, columns, execution_time}`. */
export const runSqlDatabase: NodeRun = async (inputs, ctx) => {
  const started = performance.now();
  notSupported(inputs, 'optimistic_locking');
  const connection = String(inputs.connection_string ?? '');
  if (!connection) throw new NodeFailure('NodeValidationError', 'connection_string parameter is required');
  const info = parseConnection(connection, ctx);
  const { statements, operations } = statementsOf(inputs, 'parameters');
  if (operations && info.dialect === 'mysql') refuseImplicitCommits(statements.map((st) => st.query));
  const bound = bindAll(statements, info.dialect);
  const opts = poolOptions(inputs, Number(inputs.pool_size ?? 5), Number(inputs.max_overflow ?? 10), Number(inputs.pool_timeout ?? 30));
  const pooled = sharedDatabaseNow(connection, info, opts);
  const db = pooled instanceof Promise ? await pooled : pooled;
  const results = await execute(db, bound, statements, operations, ctx.signal);
  const shaped = results.map((r) => ({ data: rowsAs(inputs.result_format, r), row_count: r.affected, columns: r.columns }));
  const out: NodeOutput = { ...shaped[shaped.length - 1]!, execution_time: seconds(started) };
  if (operations) out.results = shaped;
  return out;
};

/** The database an AsyncSQLDatabaseNode names, by connection string or by parts. */
function asyncConnection(inputs: Record<string, unknown>, ctx: RunContext): { connection: string; info: ConnectionInfo } {
  const declared = String(inputs.database_type ?? 'postgresql') as Dialect;
  if (!['postgresql', 'mysql', 'sqlite'].includes(declared))
    throw new NodeFailure('NodeValidationError', `Unsupported database_type '${declared}': use postgresql, mysql or sqlite.`);
  let connection = inputs.connection_string === undefined || inputs.connection_string === null ? '' : String(inputs.connection_string);
  if (!connection && inputs.connection_name) {
    throw new NodeFailure(
      'NodeValidationError',
      `connection_name '${String(inputs.connection_name)}' needs Kailash's database.yaml, which Kailash Workflows does not read; give connection_string instead.`,
    );
  }
  if (connection) {
    const detected = detectDialect(connection);
    // Kailash auto-detects only when database_type is left at its default, postgresql.
    if (detected && declared !== 'postgresql' && detected !== declared) {
      throw new NodeFailure('NodeValidationError', `database_type is '${declared}' but the connection string is for ${detected}.`);
    }
    if (detected === 'sqlite' && !/^sqlite/i.test(connection)) connection = `sqlite:///${connection}`;
  } else {
    connection = urlFromParts(declared, inputs);
  }
  return { connection, info: parseConnection(connection, ctx) };
}

function shapeAsync(inputs: Record<string, unknown>, r: StatementResult, query: string, dialect: Dialect): Record<string, unknown> {
  const format = String(inputs.result_format ?? 'dict');
  // In Kailash's order (its AsyncSQLDatabaseNode builds the dict so): data and row_count first.
  const out: Record<string, unknown> = { data: null, row_count: 0, query, database_type: dialect, format };
  if (!r.returnsRows) {
    // Kailash reports DML without RETURNING as one row holding the count.
    out.data = [{ rows_affected: r.affected }];
    out.row_count = 1;
    return out;
  }
  let rows = r.rows;
  if (inputs.fetch_mode === 'one') rows = rows.slice(0, 1);
  else if (inputs.fetch_mode === 'many') rows = rows.slice(0, Number(inputs.fetch_size));
  const sliced = { ...r, rows };
  const records = rowsAs(format === 'list' ? 'list' : 'dict', sliced);
  out.row_count = records.length;
  if (inputs.fetch_mode === 'one') out.data = records[0] ?? null;
  else if (format === 'dataframe')
    out.data = { dataframe: records, columns: r.columns, index: records.map((_, i) => i), _type: 'dataframe' };
  else out.data = records;
  if (format === 'list') out.columns = r.columns;
  return out;
}

/** `auto|manual|none`, or a boolean as integration guides write it: true is all-or-nothing, false none. */
function transactionMode(v: unknown): string {
  if (v === true) return 'auto';
  if (v === false) return 'none';
  const mode = String(v ?? 'auto');
  if (!['auto', 'manual', 'none'].includes(mode))
    throw new NodeFailure(
      'NodeValidationError',
      `transaction_mode must be auto, manual or none (or true / false); got ${JSON.stringify(v)}.`,
      { retryable: false },
    );
  return mode;
}

/** Kailash's AsyncSQLDatabaseNode: everything under `result`. */
export const runAsyncSqlDatabase: NodeRun = async (inputs, ctx) => {
  notSupported(inputs, 'enable_optimistic_locking');
  if (inputs.fetch_mode === 'many' && !(Number(inputs.fetch_size) > 0))
    throw new NodeFailure('NodeValidationError', "fetch_mode 'many' requires fetch_size");
  const { connection, info } = asyncConnection(inputs, ctx);
  const { statements, operations } = statementsOf(inputs, 'params');
  const mode = transactionMode(inputs.transaction_mode);
  if (inputs.validate_queries !== false) for (const st of statements) validateQuery(st.query, inputs.allow_admin === true);
  const bound = bindAll(statements, info.dialect, inputs.parameter_types as Record<string, unknown> | undefined);
  const timeout = Number(inputs.timeout ?? 60);
  const size = Number(inputs.pool_size ?? 10);
  // SQLAlchemy's pair (pool_size + max_overflow), when given, says the cap more directly than max_pool_size.
  const overflow =
    inputs.max_overflow === undefined || inputs.max_overflow === null
      ? Number(inputs.max_pool_size ?? 20) - size
      : Number(inputs.max_overflow);
  const opts = poolOptions(inputs, size, overflow, timeout);
  const shared = inputs.share_pool !== false;
  const db = shared ? await sharedDatabaseNow(connection, info, opts) : await open(info, opts);
  const deadline = AbortSignal.timeout(timeout * 1000);
  const signal = AbortSignal.any([ctx.signal, deadline]);
  const transactional = operations && mode !== 'none';
  if (transactional && info.dialect === 'mysql') refuseImplicitCommits(statements.map((st) => st.query));
  try {
    const results = await execute(db, bound, statements, transactional, signal);
    const shaped = results.map((r, i) => shapeAsync(inputs, r, bound[i]!.text, info.dialect));
    // A copy of the last statement's result: `results` holding the very object would be circular.
    const result = operations ? { ...shaped[shaped.length - 1]!, results: shaped } : shaped[0]!;
    return { result };
  } catch (err) {
    if (deadline.aborted && !ctx.signal.aborted) {
      throw new NodeFailure(
        'TimeoutError',
        `Database query failed on ${info.label}: timed out after ${timeout} s${transactional ? '; the transaction was rolled back' : ''}.`,
      );
    }
    if (err instanceof NodeFailure && err.message.startsWith('Database error on')) {
      throw new NodeFailure(err.type, err.message.replace('Database error on', 'Database query failed on'), { retryable: err.retryable });
    }
    throw err;
  } finally {
    if (!shared) await db.close();
  }
};

/** Circuit breakers and rate limits key on the database server, not the node. */
export function sqlTarget(inputs: Record<string, unknown>): string | undefined {
  const c = inputs.connection_string;
  if (typeof c === 'string' && c) return parseConnection(c, '.').target;
  if (inputs.host) return `${String(inputs.host)}:${String(inputs.port ?? '')}/${String(inputs.database ?? '')}`;
  return undefined;
}
