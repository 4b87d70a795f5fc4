/**
 * Expected and actual values as the same readable text (pretty JSON, keys of the actual value in
 * the expected value's order), and a line diff of the two. Test failures print it in the
 * terminal; the Test Explorer gets the two texts and draws its own diff.
 */

/** Pretty JSON, `undefined` (no value at all) shown as such rather than dropped. */
export function show(v: unknown): string {
  return v === undefined ? '(nothing)' : JSON.stringify(v, null, 2);
}

/** `actual` with its keys reordered to follow `expected` where both have them, so the diff shows only real differences. */
export function align(actual: unknown, expected: unknown): unknown {
  if (Array.isArray(actual) && Array.isArray(expected)) return actual.map((a, i) => align(a, expected[i]));
  if (!isObject(actual) || !isObject(expected)) return actual;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(expected)) if (Object.prototype.hasOwnProperty.call(actual, k)) out[k] = align(actual[k], expected[k]);
  for (const k of Object.keys(actual)) if (!Object.prototype.hasOwnProperty.call(out, k)) out[k] = actual[k];
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Above this many line pairs the diff gives up on alignment and shows both texts whole. */
const MAX_CELLS = 4_000_000;

export type DiffLine = { op: ' ' | '-' | '+'; text: string };

/** A line diff (longest common subsequence): `-` lines only in expected, `+` lines only in actual. */
export function diffLines(expected: string, actual: string): DiffLine[] {
  const a = expected.split('\n');
  const b = actual.split('\n');
  if (a.length * b.length > MAX_CELLS)
    return [...a.map((text) => ({ op: '-' as const, text })), ...b.map((text) => ({ op: '+' as const, text }))];
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', text: a[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ op: '-', text: a[i++]! });
    else out.push({ op: '+', text: b[j++]! });
  }
  while (i < n) out.push({ op: '-', text: a[i++]! });
  while (j < m) out.push({ op: '+', text: b[j++]! });
  return out;
}

/** Unchanged lines kept around each change; longer unchanged runs fold to `…`. */
const CONTEXT = 3;

/** The diff as text: `- expected` / `+ actual` lines, red and green when `color` is set. */
export function renderDiff(expected: string, actual: string, color: boolean): string {
  const lines = diffLines(expected, actual);
  const keep = lines.map(() => false);
  lines.forEach((l, i) => {
    if (l.op === ' ') return;
    for (let k = Math.max(0, i - CONTEXT); k <= Math.min(lines.length - 1, i + CONTEXT); k++) keep[k] = true;
  });
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out = [`${paint('31', '- expected')}  ${paint('32', '+ actual')}`];
  let folded = false;
  lines.forEach((l, i) => {
    if (!keep[i]) {
      if (!folded) out.push(paint('2', '  …'));
      folded = true;
      return;
    }
    folded = false;
    if (l.op === '-') out.push(paint('31', `- ${l.text}`));
    else if (l.op === '+') out.push(paint('32', `+ ${l.text}`));
    else out.push(`  ${l.text}`);
  });
  return out.join('\n');
}
