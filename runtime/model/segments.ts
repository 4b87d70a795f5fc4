/**
 * Cuts a workflow file into pieces that YAML reads independently: each top-level key is a
 * section, and the block-style `nodes` and `connections` sections are cut further into their
 * items. A piece runs from the start of its first line to the first token of the next piece, so
 * comments and blank lines stay with the piece before them (consecutive items overlap by the
 * indentation of the second).
 *
 * Only line shapes whose meaning cannot depend on earlier lines are accepted (plain keys at
 * column 0, items at one indentation); anything else (flow or JSON roots, directives, document
 * markers, tabs, quoted or complex keys, lone CR line breaks) returns `undefined`, and the caller
 * reads the whole text instead. Pieces that YAML still reads differently alone are caught by the
 * caller (a piece with errors or aliases also sends it to the whole-text parse).
 */
export type PieceKind = 'section' | 'seq-item' | 'map-item';

export interface Piece {
  kind: PieceKind;
  start: number;
  end: number;
}

export interface Section {
  /** The key as written (a plain scalar). */
  key: string;
  start: number;
  end: number;
  /** `whole`: one `section` piece; `seq`/`map`: the header line, then one piece per item. */
  form: 'whole' | 'seq' | 'map';
  pieces: Piece[];
}

/** Sections whose block items are read one by one: the parts of a big file that grow. */
const SPLIT_KEYS = new Set(['nodes', 'connections']);
const KEY = /^([A-Za-z0-9_][^:#\r\n]*?) *:(?: |\r?$)/;
const HEADER_ONLY = /^[A-Za-z_][A-Za-z0-9_.-]* *:[ ]*(?:#.*)?\r?$/;
const SPACE = 32;
const HASH = 35;
const DASH = 45;
const CR = 13;

export function layoutOf(text: string): Section[] | undefined {
  // A CR not followed by LF is a line break to YAML but not to this line scanner.
  if (loneCr(text, 0, text.length)) return undefined;
  const st: ScanState = { sections: [], itemIndent: -1, splittable: false };
  if (!scan(text, 0, st)) return undefined;
  return st.sections.length > 0 ? st.sections : undefined;
}

/**
 * The layout of `text`, an edit of `old.text` that kept its first `prefix` and last `suffix`
 * characters, as `layoutOf(text)` gives it, re-cutting only the stretch around the edit: from
 * the item before the edited line to the first unchanged item start (or section start) after
 * it, with the rest of the old layout moved by the edit's length. `undefined` when the edit is
 * not inside the items of a split section (the caller then cuts the whole text). The old
 * layout's objects are reused and moved in place: it must not be used again.
 */
export function relayout(old: { text: string; sections: Section[] }, text: string, prefix: number, suffix: number): Section[] | undefined {
  const delta = text.length - old.text.length;
  const editEnd = text.length - suffix;
  const lineStart = text.lastIndexOf('\n', prefix - 1) + 1;
  const si = old.sections.findIndex((s) => s.start <= lineStart && lineStart < s.end);
  const s = old.sections[si];
  if (!s || s.form === 'whole') return undefined;
  // The last item that starts on a line before the edited one: its line, and the scanner's state there, are unchanged.
  const k = lastBefore(s.pieces, lineStart);
  if (k < 0) return undefined;
  if (loneCr(text, Math.max(0, prefix - 1), Math.min(text.length, editEnd + 1))) return undefined;
  const from = s.pieces[k]!.start;
  let indent = 0;
  while (text.charCodeAt(from + indent) === SPACE) indent++;
  const current: Section = { key: s.key, start: s.start, end: -1, form: s.form, pieces: s.pieces.slice(0, k) };
  const st: ScanState = { sections: [...old.sections.slice(0, si), current], current, itemIndent: indent, splittable: true };
  const oldStarts = (i: number) => s.pieces[i]!.start;
  const resync: Resync = (at, kind) => {
    if (at <= editEnd) return false;
    const was = at - delta;
    if (kind === 'item') {
      // Only in the same section: an edit that opened a new one changed the state items are cut in.
      if (st.current !== current) return false;
      const j = lastBefore(s.pieces, was + 1);
      if (j < 0 || oldStarts(j) !== was) return false;
      for (let i = j; i < s.pieces.length; i++) {
        const p = s.pieces[i]!;
        p.start += delta;
        current.pieces.push(p);
      }
      close(current, s.end + delta, st.itemIndent);
      moveSections(old.sections, si + 1, delta, st.sections);
      return true;
    }
    const next = old.sections.findIndex((x, i) => i > si && x.start === was);
    if (next < 0) return false;
    close(st.current!, at, st.itemIndent);
    moveSections(old.sections, next, delta, st.sections);
    return true;
  };
  const done = scan(text, from, st, resync);
  if (!done) return undefined;
  return st.sections.length > 0 ? st.sections : undefined;
}

/** Where the scanner is: the sections so far, the open one, its item indentation, whether it splits. */
interface ScanState {
  sections: Section[];
  current?: Section;
  /** Indentation of the current section's items, once its first item is seen. */
  itemIndent: number;
  splittable: boolean;
}

/**
 * Called at an item start or a column-0 line while re-cutting after an edit: `true` when the rest
 * of the old layout was taken over from there (the scan then ends).
 */
type Resync = (at: number, kind: 'item' | 'section') => boolean;

/** Cuts lines from `lineStart` on; `false` where the text cannot be cut (see the top of this file). */
function scan(text: string, lineStart: number, st: ScanState, resync?: Resync): boolean {
  while (lineStart < text.length) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl === -1 ? text.length : nl;
    const here = lineStart;
    lineStart = nl === -1 ? text.length : nl + 1;
    let indent = 0;
    while (here + indent < lineEnd && text.charCodeAt(here + indent) === SPACE) indent++;
    const at = here + indent;
    const first = at < lineEnd ? text.charCodeAt(at) : -1;
    if (first === -1 || first === HASH || (first === CR && at + 1 === lineEnd)) continue;
    const after = text.charCodeAt(at + 1);
    const isItemStart = first === DASH && (at + 1 === lineEnd || after === SPACE || after === CR);
    const current = st.current;
    if (current && st.splittable && indent === st.itemIndent && (indent > 0 || isItemStart)) {
      const ok = current.form === 'seq' ? isItemStart : KEY.test(text.slice(at, lineEnd));
      if (!ok) return false;
      if (resync?.(here, 'item')) return true;
      current.pieces.push({ kind: current.form === 'seq' ? 'seq-item' : 'map-item', start: here, end: -1 });
      continue;
    }
    if (indent === 0) {
      if (resync?.(here, 'section')) return true;
      const line = text.slice(here, lineEnd);
      const m = KEY.exec(line);
      if (m) {
        if (current) close(current, here, st.itemIndent);
        st.current = { key: m[1]!, start: here, end: -1, form: 'whole', pieces: [] };
        st.sections.push(st.current);
        st.splittable = SPLIT_KEYS.has(m[1]!) && HEADER_ONLY.test(line);
        st.itemIndent = -1;
        continue;
      }
      // `nodes:` followed by its items at column 0 (YAML allows a list at its key's indentation).
      if (!current || !st.splittable || st.itemIndent !== -1 || !isItemStart) return false;
      current.form = 'seq';
      st.itemIndent = 0;
      current.pieces.push({ kind: 'seq-item', start: here, end: -1 });
      continue;
    }
    if (!current) return false;
    if (!st.splittable) continue;
    if (st.itemIndent === -1) {
      if (isItemStart) current.form = 'seq';
      else if (current.key === 'nodes' && KEY.test(text.slice(at, lineEnd))) current.form = 'map';
      else {
        st.splittable = false;
        continue;
      }
      st.itemIndent = indent;
      current.pieces.push({ kind: current.form === 'seq' ? 'seq-item' : 'map-item', start: here, end: -1 });
    } else if (indent < st.itemIndent) {
      return false;
    }
  }
  if (st.current) close(st.current, text.length, st.itemIndent);
  return true;
}

function loneCr(text: string, from: number, to: number): boolean {
  for (let i = text.indexOf('\r', from); i !== -1 && i < to; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== 10) return true;
  return false;
}

/** The index of the last piece starting before `at` (pieces are in text order), or -1. */
function lastBefore(pieces: Piece[], at: number): number {
  let lo = 0;
  let hi = pieces.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pieces[mid]!.start < at) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The old sections from `from` on, moved by `delta` in place, appended to `out`. */
function moveSections(sections: Section[], from: number, delta: number, out: Section[]): void {
  for (let i = from; i < sections.length; i++) {
    const x = sections[i]!;
    x.start += delta;
    x.end += delta;
    for (const p of x.pieces) {
      p.start += delta;
      p.end += delta;
    }
    out.push(x);
  }
}

function close(s: Section, end: number, indent: number): void {
  s.end = end;
  if (s.form === 'whole' || s.pieces.length === 0) {
    s.form = 'whole';
    s.pieces = [{ kind: 'section', start: s.start, end }];
    return;
  }
  // An item ends where the next item's first token starts, not at its line: YAML extends an
  // empty value at the end of an item up to the next token, so the piece must see that indent.
  for (let i = 0; i < s.pieces.length; i++) s.pieces[i]!.end = i + 1 < s.pieces.length ? s.pieces[i + 1]!.start + indent : end;
}
