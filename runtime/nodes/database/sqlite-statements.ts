/**
 * Splits SQLite text into pieces that each end at a `;` outside quotes, bracketed identifiers
 * and comments. A piece may still be part of a longer statement (a trigger body holds `;`s): the
 * caller joins pieces until SQLite stops answering "incomplete input". Splitting at every such
 * `;` matters because the engine prepares only the first statement of a text and silently drops
 * the rest.
 */
export function statementPieces(sql: string): string[] {
  const pieces: string[] = [];
  const n = sql.length;
  let start = 0;
  let i = 0;
  while (i < n) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      i++;
      while (i < n) {
        if (sql[i] === close) {
          // Doubled quotes stand for one; brackets have no escape.
          if (close !== ']' && sql[i + 1] === close) i += 2;
          else break;
        } else i++;
      }
      i++;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    i++;
    if (c === ';') {
      pieces.push(sql.slice(start, i));
      start = i;
    }
  }
  if (start < n) pieces.push(sql.slice(start));
  return pieces;
}
