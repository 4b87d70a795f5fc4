/**
 * Converts offsets to line/column and back; built once per text. Lines end at `\n`, `\r\n` or a
 * lone `\r`, as LSP (and YAML) count them, so positions agree with the editor's.
 */
export class LineIndex {
  /** Line starts, packed: an edit copies them in one block (and they take half the memory of a list). */
  private readonly starts: Int32Array;

  constructor(
    readonly text: string,
    starts?: Int32Array,
  ) {
    if (starts) {
      this.starts = starts;
      return;
    }
    const list = [0];
    scanStarts(text, 0, text.length, list);
    // The constructor copies a list in one go; `Int32Array.from` iterates it.
    this.starts = new Int32Array(list);
  }

  /**
   * The index of `text`, an edit of `prev.text` that kept its first `prefix` and last `suffix`
   * characters (see `commonEnds`): line starts before the edit are kept, those after it moved, and
   * only the edited stretch is scanned, so an edit costs no scan of the whole text.
   */
  static edited(prev: LineIndex, text: string, prefix: number, suffix: number): LineIndex {
    const old = prev.starts;
    const oldLength = prev.text.length;
    const delta = text.length - oldLength;
    // A line start `s` follows the break at `s - 1`, which `s - 1` and `s` decide (a `\r` before `\n` is no break).
    // `0` starts the first line, after no break; the rest are found by binary search.
    const head = Math.max(1, firstAtLeast(old, prefix));
    const tail = Math.max(head, firstAtLeast(old, oldLength - suffix + 1));
    const edited: number[] = [];
    scanStarts(text, Math.max(0, prefix - 1), text.length - suffix, edited);
    const starts = new Int32Array(head + edited.length + old.length - tail);
    starts.set(old.subarray(0, head));
    starts.set(edited, head);
    for (let i = tail, j = head + edited.length; i < old.length; i++, j++) starts[j] = old[i]! + delta;
    return new LineIndex(text, starts);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Where 0-based `line` starts (clamped to the lines there are). */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))]!;
  }

  /** The line `offset` is on, as given: no move off a `\r\n` or a surrogate pair (see `position`). */
  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * 0-based line and character of an offset (clamped to the text). An offset that would split a
   * character moves off it: between `\r` and `\n` to the line's end; inside a surrogate pair to
   * its start (`end`: past it), so a range never cuts an emoji that strict clients then reject.
   */
  position(offset: number, bias: 'start' | 'end' = 'start'): { line: number; character: number } {
    const o = this.snap(Math.max(0, Math.min(offset, this.text.length)), bias);
    const line = this.lineAt(o);
    return { line, character: o - this.starts[line]! };
  }

  /** A span as a range whose ends never split a character or a line break. */
  range(span: readonly [number, number]): { start: { line: number; character: number }; end: { line: number; character: number } } {
    const start = this.position(span[0], 'start');
    const end = this.position(Math.max(span[0], span[1]), 'end');
    return end.line < start.line || (end.line === start.line && end.character < start.character) ? { start, end: start } : { start, end };
  }

  /** The nearest offset to `o` that sits between two characters (`bias` says which way to go inside a pair). */
  private snap(o: number, bias: 'start' | 'end'): number {
    if (o <= 0 || o >= this.text.length) return o;
    const prev = this.text.charCodeAt(o - 1);
    const next = this.text.charCodeAt(o);
    if (prev === 13 && next === 10) return o - 1;
    if (prev >= 0xd800 && prev <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) return bias === 'end' ? o + 1 : o - 1;
    return o;
  }

  /** Offset of a 0-based line and character (clamped to the line, its break excluded). */
  offset(line: number, character: number): number {
    if (line < 0) return 0;
    if (line >= this.starts.length) return this.text.length;
    const start = this.starts[line]!;
    return Math.min(start + Math.max(0, character), this.contentEnd(line));
  }

  lineText(line: number): string {
    const start = this.starts[line] ?? this.text.length;
    return this.text.slice(start, line < this.starts.length ? this.contentEnd(line) : start);
  }

  /** Where a line's text ends, before its `\n`, `\r\n` or `\r`. */
  private contentEnd(line: number): number {
    if (line + 1 >= this.starts.length) return this.text.length;
    let end = this.starts[line + 1]! - 1;
    if (this.text.charCodeAt(end) === 10 && end > this.starts[line]! && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }
}

/** The first index of a sorted list whose value is at least `x` (the length if none). */
function firstAtLeast(list: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Pushes the start of the line after each break found at `from <= i < to` (`\n`, `\r\n`, lone `\r`). */
function scanStarts(text: string, from: number, to: number, out: number[]): void {
  if (from >= to) return;
  const cr = text.indexOf('\r', from);
  if (cr === -1 || cr >= to) {
    for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) out.push(i + 1);
    return;
  }
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) out.push(i + 1);
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A string with no half of a surrogate pair (each lone half becomes U+FFFD). Messages quoting the
 * text one code unit at a time (the YAML parser's escape errors) can hold one, and a client that
 * decodes JSON strictly (Neovim, Emacs) then drops the whole notification it came in.
 */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD');
}
