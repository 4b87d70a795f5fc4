/**
 * Fixture markers. `# want: <code> [<code>...]` at the end of a line says which diagnostics must
 * start on that line; `|` in a fixture string marks a cursor.
 */
export function wantMarkers(text: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  text.split('\n').forEach((line, i) => {
    const m = /#\s*want:\s*(.+)$/.exec(line);
    if (m) out.set(i, m[1]!.trim().split(/\s+/).sort());
  });
  return out;
}

/** Splits fixture text at its `|` cursor marker. */
export function cursor(text: string): { text: string; offset: number } {
  const offset = text.indexOf('|');
  if (offset === -1) throw new Error('fixture has no | cursor marker');
  return { text: text.slice(0, offset) + text.slice(offset + 1), offset };
}
