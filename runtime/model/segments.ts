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
  for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== 10) return undefined;
  const sections: Section[] = [];
  let current: Section | undefined;
  /** Indentation of the current section's items, once its first item is seen. */
  let itemIndent = -1;
  let splittable = false;
  let lineStart = 0;
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
    if (current && splittable && indent === itemIndent && (indent > 0 || isItemStart)) {
      const ok = current.form === 'seq' ? isItemStart : KEY.test(text.slice(at, lineEnd));
      if (!ok) return undefined;
      current.pieces.push({ kind: current.form === 'seq' ? 'seq-item' : 'map-item', start: here, end: -1 });
      continue;
    }
    if (indent === 0) {
      const line = text.slice(here, lineEnd);
      const m = KEY.exec(line);
      if (m) {
        if (current) close(current, here, itemIndent);
        current = { key: m[1]!, start: here, end: -1, form: 'whole', pieces: [] };
        sections.push(current);
        splittable = SPLIT_KEYS.has(m[1]!) && HEADER_ONLY.test(line);
        itemIndent = -1;
        continue;
      }
      // `nodes:` followed by its items at column 0 (YAML allows a list at its key's indentation).
      if (!current || !splittable || itemIndent !== -1 || !isItemStart) return undefined;
      current.form = 'seq';
      itemIndent = 0;
      current.pieces.push({ kind: 'seq-item', start: here, end: -1 });
      continue;
    }
    if (!current) return undefined;
    if (!splittable) continue;
    if (itemIndent === -1) {
      if (isItemStart) current.form = 'seq';
      else if (current.key === 'nodes' && KEY.test(text.slice(at, lineEnd))) current.form = 'map';
      else {
        splittable = false;
        continue;
      }
      itemIndent = indent;
      current.pieces.push({ kind: current.form === 'seq' ? 'seq-item' : 'map-item', start: here, end: -1 });
    } else if (indent < itemIndent) {
      return undefined;
    }
  }
  if (current) close(current, text.length, itemIndent);
  return sections.length > 0 ? sections : undefined;
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
