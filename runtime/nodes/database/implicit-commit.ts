import { NodeFailure } from '../../engine/errors';

/**
 * Statements MySQL and MariaDB end the open transaction for ("Statements That Cause an Implicit
 * Commit" in their manuals): DDL, account and privilege changes, table locks, transaction control
 * and table maintenance. Inside an all-or-nothing block they would commit what ran before them
 * and themselves, whatever fails later. CREATE/DROP TEMPORARY TABLE do not commit.
 */
const IMPLICIT_COMMIT =
  /^(?:(?:CREATE|DROP)\s+(?!TEMPORARY\b)|ALTER\s|RENAME\s|TRUNCATE\s|GRANT\s|REVOKE\s|SET\s+PASSWORD\b|SET\s+(?:(?:SESSION|LOCAL|@@(?:SESSION\.)?)\s*)?AUTOCOMMIT\b|LOCK\s+TABLES?\b|UNLOCK\s+TABLES?\b|BEGIN\b|START\s+TRANSACTION\b|COMMIT\b|ROLLBACK\s*(?:;|$|WORK\s*(?:;|$)|AND\b|RELEASE\b)|(?:ANALYZE|CHECK|OPTIMIZE|REPAIR)\s+(?:NO_WRITE_TO_BINLOG\s+|LOCAL\s+)?TABLES?\b|FLUSH\b|RESET\b|CACHE\s+INDEX\b|LOAD\s+INDEX\b|(?:UN)?INSTALL\s+(?:PLUGIN|SONAME)\b|(?:START|STOP|RESET|CHANGE)\s+(?:SLAVE|REPLICA|MASTER|REPLICATION)\b)/i;

/** The statement's text from its first keyword: leading blanks, comments and `(` skipped. */
function head(query: string): string {
  let s = query;
  for (;;) {
    const t = s.replace(/^[\s(]+/, '');
    if (t.startsWith('--') || t.startsWith('#')) s = t.slice(t.indexOf('\n') < 0 ? t.length : t.indexOf('\n') + 1);
    else if (t.startsWith('/*') && !t.startsWith('/*!')) s = t.slice(t.indexOf('*/') < 0 ? t.length : t.indexOf('*/') + 2);
    else return t;
  }
}

export function commitsImplicitly(query: string): boolean {
  const h = head(query);
  // A version comment (`/*!50100 … */`) runs on the server: read what it holds.
  return IMPLICIT_COMMIT.test(h.startsWith('/*!') ? h.replace(/^\/\*!\d*\s*/, '') : h);
}

/**
 * Refuses, before any statement runs, an all-or-nothing block that MySQL or MariaDB could not roll
 * back. PostgreSQL and SQLite keep DDL inside the transaction, so only this dialect is checked.
 */
export function refuseImplicitCommits(queries: string[]): void {
  const i = queries.findIndex(commitsImplicitly);
  if (i < 0) return;
  const first = queries[i]!.replace(/\s+/g, ' ').trim().slice(0, 80);
  throw new NodeFailure(
    'NodeValidationError',
    `operations[${i}] (${first}) would commit the transaction on MySQL/MariaDB, which end it for DDL, privilege, lock and transaction statements, so the block could not be rolled back; nothing was run. Run that statement in a node of its own (query), or set transaction_mode: none on AsyncSQLDatabaseNode.`,
    { retryable: false },
  );
}
