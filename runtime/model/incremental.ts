import type { Diagnostic } from '../diagnostics';
import { isMap, isSeq, type Node as YamlNode } from 'yaml';
import {
  parseWorkflow,
  parseYaml,
  readConnectionItem,
  readNodeItem,
  readWorkflow,
  readYamlFast,
  refuseUnreadable,
  ValueReader,
  type ConnectionItemRead,
  type ItemCache,
  type NodeItemRead,
  NO_DIAGNOSTICS,
} from './parse';
import { layoutOf, relayout, type Piece, type PieceKind, type Section } from './segments';
import { detached } from '../util/detach';
import type { ConnectionModel, NodeModel, Value, WorkflowModel } from './types';
import { Entry, MapValue, SeqValue } from './types';
import { forgetInterned } from './intern';

/**
 * One piece of the text read on its own, with absolute spans for where it currently sits.
 * Reused across edits while its text is unchanged: only its offsets move.
 */
interface ReadPiece {
  kind: PieceKind;
  /** Where the piece starts and ends in the text its spans refer to. */
  base: number;
  end: number;
  /** The last parse that used this piece (a piece serves one place per version). */
  gen: number;
  /** The mapping entry (sections and map-form nodes) or list item (seq-form items). */
  entry: Entry | undefined;
  item: Value | undefined;
  /**
   * The range YAML gives the collection that holds this piece (as read alone), as two numbers
   * (a tuple per piece was 1.3 MB at 10,000 nodes). Only its start is read for a list or map item
   * (where its section's value starts); a whole section's end is where the root mapping ends
   * when it is the last.
   */
  containerStart: number;
  containerEnd: number;
  /** Problems the value reader found in the piece (depth, merge keys, complex keys). */
  diagnostics: Diagnostic[];
  /**
   * Every value and entry of the piece, gathered at its first move (most pieces of an opened
   * file never move, and the lists cost 4 MB at 10,000 nodes): later moves are one loop, not a walk.
   */
  moving: (Value | Entry)[] | undefined;
  /** Read by the `yaml` library (merge keys may reuse an entry), so the list is gathered de-duplicated. */
  slow: boolean;
}

/** A section as the model reads it: its key, form and items (a whole section: its one entry). */
interface Shape {
  key: string;
  form: 'whole' | 'seq' | 'map';
  items: (Value | Entry)[];
}

export interface IncrementalStats {
  /** Whether the last model was the one before patched with the changed items (see `patch`). */
  patched: boolean;
  /** Whether the last text was read piecewise (false: the whole text was parsed). */
  piecewise: boolean;
  /** Pieces parsed afresh by the last call (the rest were reused). */
  parsed: number;
  reused: number;
}

/**
 * Parses successive versions of one document, reparsing only the pieces whose text changed
 * (see `segments.ts`) and composing the same model `parseWorkflow` gives for the whole text.
 * When the text cannot be cut safely, or a piece reads with errors or aliases (whose meaning
 * depends on the rest of the file), it parses the whole text instead, so results never differ.
 */
export class IncrementalParser {
  constructor(
    /**
     * Whether a first read takes the items of the split sections from one fast read of the whole
     * text (`itemsFromWhole`) rather than reading each piece alone: the same values, without a
     * copy, a reader and a result per piece. Off only to compare the two (tests).
     */
    private readonly wholeFirst = true,
  ) {}

  /** Pieces of the last piecewise read, in text order, and the text they were read from. */
  private pieces: ReadPiece[] = [];
  private lastText = '';
  private generation = 0;
  readonly stats: IncrementalStats = { piecewise: false, patched: false, parsed: 0, reused: 0 };
  /** Node and connection reads by their item: an unchanged piece keeps its item objects. */
  private readonly nodeReads = new WeakMap<object, NodeItemRead>();
  private readonly connectionReads = new WeakMap<object, ConnectionItemRead>();
  private readonly items: ItemCache = {
    node: (item, compute) => {
      let r = this.nodeReads.get(item);
      if (!r) this.nodeReads.set(item, (r = compute()));
      return r;
    },
    connection: (item, compute) => {
      let r = this.connectionReads.get(item);
      if (!r) this.connectionReads.set(item, (r = compute()));
      return r;
    },
  };

  parse(text: string, format: 'yaml' | 'json' = 'yaml'): WorkflowModel {
    // Set again only by a piecewise read that completes.
    const last = this.last;
    this.last = undefined;
    this.stats.patched = false;
    // JSON files are read whole: pieces are cut by YAML's indentation.
    if (format === 'json') {
      this.stats.piecewise = false;
      return parseWorkflow(text, 'json');
    }
    let model: WorkflowModel | undefined;
    try {
      model = this.tryPiecewise(text, last);
    } finally {
      forgetInterned();
    }
    this.stats.piecewise = model !== undefined;
    return model ?? parseWorkflow(text);
  }

  /** Where a split section (and the file, if it is last) ends, by the text that decides it. */
  private tails = new Map<string, { valueEnd: number; rootEnd: number }>();
  private nextTails = new Map<string, { valueEnd: number; rootEnd: number }>();

  /**
   * YAML decides where a collection ends by what follows its last item (trailing comments may
   * belong to it or to an outer one), so the ends come from a small document of the section's
   * header and its last item, read as the whole file would read them. Offsets are relative to
   * the last item.
   */
  private tailOf(text: string, sectionStart: number, headerEnd: number, last: Piece): { valueEnd: number; rootEnd: number } | undefined {
    const header = text.slice(sectionStart, headerEnd);
    const source = header + text.slice(last.start, last.end);
    let t = this.tails.get(source) ?? this.nextTails.get(source);
    const fast = t ? undefined : readYamlFast(source);
    if (!t && fast) {
      const root = fast.root;
      if (root?.kind !== 'map' || root.entries.length !== 1) return undefined;
      t = { valueEnd: root.entries[0]!.value.span[1] - header.length, rootEnd: root.span[1] - header.length };
    }
    if (!t) {
      let doc;
      try {
        doc = parseYaml(source);
      } catch {
        return undefined;
      }
      const root = doc.contents as YamlNode | null;
      if (doc.errors.length > 0 || !isMap(root) || root.items.length !== 1 || !root.range) return undefined;
      const value = root.items[0]!.value as YamlNode | null;
      if (!value?.range) return undefined;
      t = { valueEnd: value.range[1] - header.length, rootEnd: root.range[1] - header.length };
    }
    this.nextTails.set(source, t);
    return { valueEnd: last.start + t.valueEnd, rootEnd: last.start + t.rootEnd };
  }

  private tryPiecewise(text: string, last: { model: WorkflowModel; shape: Shape[] } | undefined): WorkflowModel | undefined {
    this.nextTails = new Map();
    if (refuseUnreadable(text)) return undefined;
    const { prefix, suffix } = commonEnds(this.lastText, text);
    // The last layout is taken over around the edit when it was cut from the last text read.
    const layout = this.layout?.text === this.lastText ? this.layout : undefined;
    this.layout = undefined;
    const sections = (layout && relayout(layout, text, prefix, suffix)) ?? layoutOf(text);
    if (!sections) return undefined;
    const gen = ++this.generation;
    const old = this.pieces;
    const pieces: ReadPiece[] = [];
    let parsed = 0;
    let reused = 0;
    // Pieces wholly before the edit are where they were; pieces wholly after it moved by `delta`.
    // Both are found by position (one forward walk over the old pieces); others by their text,
    // through an index built only when many pieces changed (a paste or a moved block).
    const delta = text.length - this.lastText.length;
    let cursor = 0;
    let byText: Map<string, ReadPiece[]> | undefined;
    let misses = 0;
    const positional = (p: Piece): ReadPiece | undefined => {
      const target = p.end <= prefix ? p.start : p.start >= text.length - suffix ? p.start - delta : -1;
      if (target < 0) return undefined;
      while (cursor < old.length && old[cursor]!.base < target) cursor++;
      const r = old[cursor];
      return r && r.base === target && r.end - r.base === p.end - p.start && r.kind === p.kind && r.gen !== gen ? r : undefined;
    };
    // Nothing to reuse: the split sections' items come from one read of the whole text, when it has one.
    const fromWhole = old.length === 0 && this.wholeFirst ? itemsFromWhole(text, sections) : undefined;
    const take = (p: Piece, whole?: ReadPiece): ReadPiece | undefined => {
      if (whole) {
        parsed++;
        whole.gen = gen;
        pieces.push(whole);
        return whole;
      }
      let read = positional(p);
      if (!read && ++misses > 8) {
        byText ??= indexByText(old, this.lastText);
        const pool = byText.get(text.slice(p.start, p.end));
        while (pool?.length && (!read || read.gen === gen)) read = pool.pop();
        if (read?.gen === gen || read?.kind !== p.kind) read = undefined;
      }
      if (read) {
        reused++;
        if (read.base !== p.start) shiftPiece(read, p.start - read.base);
      } else {
        parsed++;
        // Its own copy: the values cut from it must not keep this version of the whole text alive.
        read = readPiece(p.kind, detached(text.slice(p.start, p.end)), p.start);
        if (!read) return undefined;
      }
      read.gen = gen;
      pieces.push(read);
      return read;
    };
    const entries: Entry[] = [];
    const diagnostics: Diagnostic[] = [];
    const shape: Shape[] = [];
    let rootEnd = 0;
    for (let k = 0; k < sections.length; k++) {
      const s = sections[k]!;
      if (s.form === 'whole') {
        const r = take(s.pieces[0]!);
        if (!r) return undefined;
        entries.push(r.entry!);
        shape.push({ key: s.key, form: 'whole', items: [r.entry!] });
        for (let i = 0; i < r.diagnostics.length; i++) diagnostics.push(copy(r.diagnostics[i]!));
        rootEnd = r.containerEnd;
        continue;
      }
      const reads: ReadPiece[] = [];
      const whole = fromWhole?.[k];
      for (let i = 0; i < s.pieces.length; i++) {
        const r = take(s.pieces[i]!, whole?.[i]);
        if (!r) return undefined;
        reads.push(r);
        // Copies: the piece's own move with it on later edits, the model's must not. (Indexed: a
        // `for…of` makes an iterator per piece while the code is cold, on open.)
        for (let j = 0; j < r.diagnostics.length; j++) diagnostics.push(copy(r.diagnostics[j]!));
      }
      const tail = this.tailOf(text, s.start, s.pieces[0]!.start, s.pieces[s.pieces.length - 1]!);
      if (!tail) return undefined;
      const from = reads[0]!.containerStart;
      const value: Value =
        s.form === 'seq'
          ? new SeqValue(
              from,
              tail.valueEnd,
              reads.map((r) => r.item!),
            )
          : new MapValue(
              from,
              tail.valueEnd,
              reads.map((r) => r.entry!),
            );
      entries.push(new Entry(s.key, s.start, s.start + s.key.length, value));
      shape.push({ key: s.key, form: s.form, items: reads.map((r) => (s.form === 'seq' ? r.item! : r.entry!)) });
      rootEnd = tail.rootEnd;
    }
    this.tails = this.nextTails;
    this.nextTails = new Map();
    this.pieces = pieces;
    this.lastText = text;
    this.layout = { text, sections };
    this.stats.parsed = parsed;
    this.stats.reused = reused;
    const root = new MapValue(sections[0]!.start, rootEnd, entries);
    const pieceDiagnostics = diagnostics.length;
    let model = last && this.patch(last, shape, text, root, diagnostics);
    if (model) this.stats.patched = true;
    else {
      model = { text, nodesForm: 'none', nodes: [], nodesById: new Map(), connections: [], diagnostics };
      readWorkflow(model, root, this.items);
    }
    // Only a model whose reading reported nothing is patched later: its diagnostics are the pieces' own.
    if (model.diagnostics.length === pieceDiagnostics) this.last = { model, shape };
    return model;
  }

  /** The sections of the last piecewise read, re-cut around the next edit (`relayout`). */
  private layout?: { text: string; sections: Section[] };

  /** The last model, kept for patching while its reading found nothing to report. */
  private last?: { model: WorkflowModel; shape: Shape[] };

  /**
   * The last model with the node and connection items an edit changed read again, when that gives
   * what `readWorkflow` would: the same sections, every other section the very same value, and each
   * changed item still a node with the same id (or still a connection) whose reading reports
   * nothing. Then only those items are read; the rest of the model is the last one's.
   */
  private patch(
    last: { model: WorkflowModel; shape: Shape[] },
    shape: Shape[],
    text: string,
    root: MapValue,
    diagnostics: Diagnostic[],
  ): WorkflowModel | undefined {
    if (shape.length !== last.shape.length) return undefined;
    const m = last.model;
    let nodes: NodeModel[] | undefined;
    let connections: ConnectionModel[] | undefined;
    const renamed: NodeModel[] = [];
    const seenKeys = new Set<string>();
    for (let k = 0; k < shape.length; k++) {
      const now = shape[k]!;
      const was = last.shape[k]!;
      if (now.key !== was.key || now.form !== was.form || now.items.length !== was.items.length) return undefined;
      const split = now.form !== 'whole' && !seenKeys.has(now.key) && (now.key === 'nodes' || now.key === 'connections');
      seenKeys.add(now.key);
      for (let i = 0; i < now.items.length; i++) {
        const item = now.items[i]!;
        if (item === was.items[i]) continue;
        if (!split) return undefined;
        if (now.key === 'nodes') {
          if (m.nodes.length !== now.items.length) return undefined;
          const r = readNodeItem(item, now.form === 'seq' ? 'list' : 'map', this.items);
          const old = m.nodes[i]!;
          if (!r.node || r.node.id !== old.id || r.before.length > 0 || r.after.length > 0) return undefined;
          (nodes ??= m.nodes.slice())[i] = r.node;
          renamed.push(r.node);
        } else {
          if (m.connections.length !== now.items.length) return undefined;
          const r = readConnectionItem(item as Value, i, this.items);
          if (!r.connection || r.diagnostics.length > 0) return undefined;
          (connections ??= m.connections.slice())[i] = r.connection;
        }
      }
    }
    // Ids are unique (a duplicate would have been reported), so each id names its one node.
    for (const n of renamed) m.nodesById.set(n.id, n);
    const model: WorkflowModel = {
      text,
      nodesForm: m.nodesForm,
      nodes: nodes ?? m.nodes.slice(),
      nodesById: m.nodesById,
      connections: connections ?? m.connections.slice(),
      diagnostics,
      root,
      name: m.name,
      description: m.description,
    };
    if (m.parameters) model.parameters = m.parameters;
    return model;
  }
}

/** Reads one piece alone; `undefined` when it cannot stand alone (errors, aliases, an unexpected shape). */
function readPiece(kind: PieceKind, source: string, base: number): ReadPiece | undefined {
  // Depth as in the whole file: root mapping 0, the list 1, its items 2.
  const fast = readYamlFast(source, kind === 'section' ? 0 : 1, base);
  if (fast) return fastPiece(kind, fast.root, source.length, base);
  let doc;
  try {
    doc = parseYaml(source);
  } catch {
    return undefined;
  }
  if (doc.errors.length > 0 || !doc.contents) return undefined;
  const diagnostics: Diagnostic[] = [];
  const reader = new ValueReader(doc, diagnostics, source.length);
  const root = doc.contents as YamlNode;
  const range = root.range;
  if (!range) return undefined;
  let read: ReadPiece;
  try {
    if (kind === 'seq-item') {
      if (!isSeq(root) || root.items.length !== 1) return undefined;
      // Depth as in the whole file: root mapping 0, the list 1, its items 2.
      const seq = reader.read(root, 1);
      if (seq.kind !== 'seq') return undefined;
      read = readPieceOf(kind, 0, source.length, undefined, seq.items[0]!, range[0], range[1], diagnostics, true);
    } else {
      if (!isMap(root) || root.items.length !== 1) return undefined;
      const map = reader.read(root, kind === 'section' ? 0 : 1);
      if (map.kind !== 'map' || map.entries.length !== 1) return undefined;
      read = readPieceOf(kind, 0, source.length, map.entries[0]!, undefined, range[0], range[1], diagnostics, true);
    }
  } catch {
    return undefined;
  }
  if (reader.sawAlias) return undefined;
  // Own span tuples: a piece's diagnostics move with it, and the model's copies must not.
  read.diagnostics = diagnostics.map(copy);
  if (base !== 0) shiftPiece(read, base);
  return read;
}

/**
 * The pieces of the split sections (list and map items) as one fast read of the whole text gives
 * their values, by section and piece (none for a whole section); `undefined` when the fast reader does not take the whole text or its
 * top level is not the layout's (the caller then reads each piece alone). An item's value is the
 * one its piece gives read alone: a piece runs up to the next item's first token, so the reader
 * sees the same text after each value (see `segments.ts`), at the same depth; the property tests
 * compare both. Its strings are copies (`intern`), so the pieces keep no version of the text alive.
 */
function itemsFromWhole(text: string, sections: Section[]): (ReadPiece[] | undefined)[] | undefined {
  if (sections.every((s) => s.form === 'whole')) return undefined;
  const root = readYamlFast(text)?.root;
  if (root?.kind !== 'map' || root.entries.length !== sections.length) return undefined;
  const out: (ReadPiece[] | undefined)[] = [];
  for (let k = 0; k < sections.length; k++) {
    const s = sections[k]!;
    const e = root.entries[k]!;
    if (e.keyStart !== s.start) return undefined;
    if (s.form === 'whole') {
      out.push(undefined);
      continue;
    }
    const v = e.value;
    const n = s.pieces.length;
    if (s.form === 'seq' ? v.kind !== 'seq' || v.items.length !== n : v.kind !== 'map' || v.entries.length !== n) return undefined;
    const reads: ReadPiece[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const p = s.pieces[i]!;
      let at = p.start;
      while (text.charCodeAt(at) === 32) at++;
      // Where the piece's collection starts alone: its `-`, or its key. The section's value starts at the first.
      if (i === 0 && v.start !== at) return undefined;
      let read: ReadPiece;
      if (v.kind === 'seq') {
        const item = v.items[i]!;
        if (item.start < at || item.end > p.end) return undefined;
        read = readPieceOf(p.kind, p.start, p.end, undefined, item, at, item.end, NO_DIAGNOSTICS, false);
      } else {
        const entry = (v as MapValue).entries[i]!;
        if (entry.keyStart !== at || entry.value.end > p.end) return undefined;
        read = readPieceOf(p.kind, p.start, p.end, entry, undefined, at, entry.value.end, NO_DIAGNOSTICS, false);
      }
      reads[i] = read;
    }
    out.push(reads);
  }
  return out;
}

/** A piece the fast reader read at `base` (no diagnostics, no aliases); `undefined` for an unexpected shape. */
function fastPiece(kind: PieceKind, root: Value | undefined, length: number, base: number): ReadPiece | undefined {
  if (!root) return undefined;
  if (kind === 'seq-item') {
    if (root.kind !== 'seq' || root.items.length !== 1) return undefined;
    return readPieceOf(kind, base, base + length, undefined, root.items[0]!, root.start, root.end, NO_DIAGNOSTICS, false);
  }
  if (root.kind !== 'map' || root.entries.length !== 1) return undefined;
  return readPieceOf(kind, base, base + length, root.entries[0]!, undefined, root.start, root.end, NO_DIAGNOSTICS, false);
}

/** A piece record, every field set in one order (one object shape for all of them: 20,000 at 10,000 nodes). */
function readPieceOf(
  kind: PieceKind,
  base: number,
  end: number,
  entry: Entry | undefined,
  item: Value | undefined,
  containerStart: number,
  containerEnd: number,
  diagnostics: Diagnostic[],
  slow: boolean,
): ReadPiece {
  return { kind, base, end, gen: 0, entry, item, containerStart, containerEnd, diagnostics, moving: undefined, slow };
}

/** A piece's values and entries in tree order (a slow read's de-duplicated, as merge keys may reuse an entry). */
function movingOf(p: ReadPiece): (Value | Entry)[] {
  const out: (Value | Entry)[] = [];
  if (p.entry) entryParts(p.entry, out);
  else valueParts(p.item!, out);
  return p.slow ? [...new Set(out)] : out;
}

function valueParts(v: Value, out: (Value | Entry)[]): void {
  out.push(v);
  if (v.kind === 'map') for (const e of v.entries) entryParts(e, out);
  else if (v.kind === 'seq') for (const i of v.items) valueParts(i, out);
}

function entryParts(e: Entry, out: (Value | Entry)[]): void {
  out.push(e);
  valueParts(e.value, out);
}

function indexByText(pieces: ReadPiece[], text: string): Map<string, ReadPiece[]> {
  const out = new Map<string, ReadPiece[]>();
  for (const p of pieces) {
    const key = text.slice(p.base, p.end);
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push(p);
  }
  return out;
}

/** Lengths of the longest common prefix and suffix (not overlapping) of two texts. */
export function commonEnds(a: string, b: string): { prefix: number; suffix: number } {
  const max = Math.min(a.length, b.length);
  // Chunks first: comparing slices is a native memory compare, far faster than a char loop.
  const CHUNK = 1024;
  let prefix = 0;
  while (prefix + CHUNK <= max && a.slice(prefix, prefix + CHUNK) === b.slice(prefix, prefix + CHUNK)) prefix += CHUNK;
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  const room = max - prefix;
  let suffix = 0;
  while (
    suffix + CHUNK <= room &&
    a.slice(a.length - suffix - CHUNK, a.length - suffix) === b.slice(b.length - suffix - CHUNK, b.length - suffix)
  )
    suffix += CHUNK;
  while (suffix < room && a.charCodeAt(a.length - suffix - 1) === b.charCodeAt(b.length - suffix - 1)) suffix++;
  return { prefix, suffix };
}

function copy(d: Diagnostic): Diagnostic {
  return { ...d, span: [d.span[0], d.span[1]] };
}

/**
 * Moves a piece in place: its values and entries are mutated, not replaced (allocation would cost
 * more than the rest of a reparse), and with them every span tuple read from them. A model is
 * therefore valid only until the parser's next call.
 */
function shiftPiece(p: ReadPiece, delta: number): void {
  p.base += delta;
  p.end += delta;
  p.containerStart += delta;
  p.containerEnd += delta;
  for (let i = 0; i < p.diagnostics.length; i++) {
    const s = p.diagnostics[i]!.span as [number, number];
    s[0] += delta;
    s[1] += delta;
  }
  const moving = (p.moving ??= movingOf(p));
  for (let i = 0; i < moving.length; i++) moving[i]!.moveBy(delta);
}
