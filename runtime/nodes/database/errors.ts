import { NodeFailure } from '../../engine/errors';
import { scrub, type ConnectionInfo } from './url';

/** Where a failure happened, which decides what the database kept and whether a retry is safe. */
export interface FailurePoint {
  phase: 'connect' | 'statement' | 'commit';
  /** 1-based statement number and total, for operations. */
  index?: number;
  total?: number;
  query?: string;
  inTransaction: boolean;
}

const QUERY_CHARS = 200;

function driverMessage(err: unknown): { message: string; code?: string } {
  const e = err as { message?: string; code?: string | number; errno?: number; sqlMessage?: string; errors?: unknown[] };
  // Node reports "every address refused" as an AggregateError with an empty message.
  if (!e?.message && Array.isArray(e?.errors) && e.errors.length) return driverMessage(e.errors[0]);
  const message = e?.sqlMessage ?? e?.message ?? String(err);
  return { message, code: e?.code === undefined ? undefined : String(e.code) };
}

/** Connection gone: the server rolled back whatever transaction was open. */
export function isConnectionLoss(err: unknown): boolean {
  const { message, code } = driverMessage(err);
  return (
    /^(57P0[123]|08\w*)$/.test(code ?? '') ||
    /^(PROTOCOL_CONNECTION_LOST|ECONNRESET|EPIPE|ER_CONNECTION_KILLED|ER_SERVER_SHUTDOWN)$/.test(code ?? '') ||
    /Connection terminated|connection lost|server closed the connection/i.test(message)
  );
}

/** Failures a repeat of the whole node may cure without risk of applying anything twice. */
function retryable(err: unknown, at: FailurePoint): boolean {
  const { code } = driverMessage(err);
  if (at.phase === 'connect')
    return /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|57P03|53300|ER_CON_COUNT_ERROR)$/.test(code ?? '');
  // Deadlocks and serialization failures roll the whole transaction back by definition; a SQLite
  // database still locked after the busy timeout ran nothing.
  if (/^(40001|40P01|ER_LOCK_DEADLOCK|ER_LOCK_WAIT_TIMEOUT|SQLITE_BUSY)$/.test(code ?? '')) return true;
  return at.phase === 'statement' && at.inTransaction && isConnectionLoss(err);
}

function oneLine(query: string): string {
  const q = query.replace(/\s+/g, ' ').trim();
  return q.length > QUERY_CHARS ? `${q.slice(0, QUERY_CHARS)}…` : q;
}

/**
 * A driver error as a node failure: it names the database (without password), the statement and
 * what became of the transaction, so the user knows whether anything was written.
 */
export function databaseFailure(err: unknown, info: ConnectionInfo, at: FailurePoint, prefix = 'Database error'): NodeFailure {
  if (err instanceof NodeFailure) return err;
  const { message, code } = driverMessage(err);
  const lost = isConnectionLoss(err);
  let outcome = '';
  if (at.phase === 'commit' && lost)
    outcome = ' The connection was lost while committing: the transaction may or may not have been applied; check before re-running.';
  else if (at.inTransaction && lost)
    outcome = ' The connection was lost during the transaction; the database rolled it back, nothing was written.';
  else if (at.inTransaction) outcome = ' The transaction was rolled back; nothing was written.';
  const where =
    at.query === undefined
      ? ''
      : ` (${at.total && at.total > 1 ? `statement ${at.index} of ${at.total}: ` : 'query: '}${oneLine(at.query)})`;
  const said = message.replace(/[.\s]+$/, '');
  const text = `${prefix} on ${info.label}: ${said}${code && !said.includes(code) ? ` [${code}]` : ''}.${outcome}${where}`;
  return new NodeFailure('NodeExecutionError', scrub(text, info), { retryable: retryable(err, at) });
}
