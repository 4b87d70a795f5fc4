import { NodeFailure } from '../../engine/errors';

/**
 * AsyncSQLDatabaseNode's QueryValidator (`kailash/nodes/data/async_sql.py` in the SDK): applied to the raw query
 * text, as Kailash applies it, so a literal that merely looks dangerous is refused too.
 */
const DANGEROUS: readonly [RegExp, string][] = [
  [/;\s*\S/, 'multiple statements'],
  [/--|\/\*|\*\//, 'SQL comments'],
  [/\bUNION\b(\s+ALL)?\s+SELECT\b/i, 'UNION SELECT'],
  [/\b(SLEEP|PG_SLEEP|BENCHMARK)\s*\(|\bWAITFOR\s+DELAY\b/i, 'time-based functions'],
  [/\bLOAD_FILE\s*\(|\bINTO\s+(OUT|DUMP)FILE\b/i, 'file access'],
  [/\bXP_CMDSHELL\b|\bEXEC(UTE)?\s+MASTER\b/i, 'command execution'],
];

const ADMIN: readonly RegExp[] = [
  /\b(CREATE|ALTER|DROP)\s+(TABLE|INDEX|VIEW|PROCEDURE|FUNCTION|TRIGGER)\b/i,
  /\b(GRANT|REVOKE)\b/i,
  /\bTRUNCATE\b/i,
];

export function validateQuery(query: string, allowAdmin: boolean): void {
  const bypass = ' Set validate_queries=False to bypass (not recommended).';
  for (const [re, what] of DANGEROUS) {
    if (re.test(query))
      throw new NodeFailure(
        'NodeValidationError',
        `Query validation failed: Query contains potentially dangerous pattern (${what}): ${re.source}.${bypass}`,
        { retryable: false },
      );
  }
  if (allowAdmin) return;
  for (const re of ADMIN) {
    if (re.test(query))
      throw new NodeFailure(
        'NodeValidationError',
        `Query validation failed: Query contains administrative command that is not allowed: ${re.source}. Set allow_admin=True to permit it.${bypass}`,
        { retryable: false },
      );
  }
}
