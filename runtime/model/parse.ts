import { readJson } from './json';
import { wellFormed } from './lines';
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { Diagnostic, DiagnosticCode, Severity } from '../diagnostics';
import type { ConnectionModel, NodeModel, PolicyKey, Span, Spanned, Value, WorkflowModel } from './types';
import { Entry, MapValue, ScalarValue, scalarOf, SeqValue } from './types';
import { POLICY_KEYS } from './types';
import { getEntry } from './values';
import { PYYAML_OPTIONS, pyyamlExact, pyyamlTimestamp } from './pyyaml-schema';
import { closest } from '../util/suggest';
import { forgetInterned, intern } from './intern';
import { ConnectionItem, NodeItem } from './items';
import { readFastYaml } from './fast-yaml';

import { MAX_ALIAS_EXPANSION, MAX_DEPTH, MAX_FILE_BYTES } from './limits';

export { MAX_ALIAS_EXPANSION, MAX_DEPTH, MAX_FILE_BYTES } from './limits';

const TOP_LEVEL_KEYS = ['name', 'description', 'version', 'author', 'metadata', 'nodes', 'connections', 'parameters'];
const NODE_KEYS = ['id', 'type', 'config', 'parameters', ...POLICY_KEYS];
const CONNECTION_KEYS = [
  'from_node',
  'from_output',
  'to_node',
  'to_input',
  'from',
  'to',
  'cycle',
  'cycle_id',
  'max_iterations',
  'convergence_check',
  'timeout',
  'condition',
];

/**
 * Reads a workflow file (YAML or JSON) into a model that keeps the source span of every node,
 * key, value and connection. Never throws: broken input becomes diagnostics.
 */
export function parseWorkflow(text: string, format: 'yaml' | 'json' = 'yaml'): WorkflowModel {
  try {
    return readWorkflowText(text, format);
  } finally {
    forgetInterned();
  }
}

function readWorkflowText(text: string, format: 'yaml' | 'json'): WorkflowModel {
  const model: WorkflowModel = {
    text,
    nodesForm: 'none',
    nodes: [],
    nodesById: new Map(),
    connections: [],
    diagnostics: [],
    ...(format === 'json' ? { format: 'json' as const } : {}),
  };
  const refusal = refuseUnreadable(text);
  if (refusal) {
    model.diagnostics.push(refusal);
    return model;
  }
  const root = format === 'json' ? readJsonRoot(text, model) : readYamlRoot(text, model);
  if (root === false) return model;
  if (!root || (root.kind === 'scalar' && root.value === null)) {
    model.diagnostics.push(
      diag('schema', 'error', 'The file is empty: a workflow needs `nodes` (and usually `connections`).', [0, Math.min(text.length, 1)]),
    );
    return model;
  }
  if (root.kind !== 'map') {
    model.diagnostics.push(
      diag('schema', 'error', 'A workflow file must be a mapping with `nodes` and `connections` at the top level.', root.span),
    );
    return model;
  }
  new ModelReader(model).read(root);
  return model;
}

/**
 * Any YAML or strict-JSON file (test files too) as span-carrying values, read as workflow files
 * are, with the same limits; problems go to `diagnostics`. `undefined`: empty or unreadable.
 */
export function readDocument(text: string, format: 'yaml' | 'json', diagnostics: Diagnostic[]): Value | undefined {
  const refusal = refuseUnreadable(text);
  if (refusal) {
    diagnostics.push(refusal);
    return undefined;
  }
  const holder = { diagnostics } as WorkflowModel;
  const root = format === 'json' ? readJsonRoot(text, holder) : readYamlRoot(text, holder);
  return root === false ? undefined : root;
}

/**
 * Whether YAML texts go through `fast-yaml.ts` first (falling back to the `yaml` library for
 * what it does not take). Off only to compare the two (tests, benches: `KAILASH_FAST_YAML=0`).
 */
let fastYaml = typeof process === 'undefined' || process.env?.KAILASH_FAST_YAML !== '0';

/** Turns the fast reader on or off; returns the setting before. */
export function setFastYaml(on: boolean): boolean {
  const was = fastYaml;
  fastYaml = on;
  return was;
}

/** Texts (whole files and pieces) the fast reader read, and those it handed to `yaml`. */
export const fastYamlCounts = { fast: 0, fallback: 0 };

/**
 * The fast reader's value of `text` (with the root at `depth`, as `ValueReader.read` counts),
 * or `undefined` when the text must be read by the `yaml` library. `base` is added to every span.
 */
export function readYamlFast(text: string, depth = 0, base = 0): { root: Value | undefined } | undefined {
  if (!fastYaml) return undefined;
  try {
    const root = readFastYaml(text, depth, base);
    fastYamlCounts.fast++;
    return { root };
  } catch {
    // The fall-back sentinel, or anything unforeseen: the `yaml` path decides, and reports.
    fastYamlCounts.fallback++;
    return undefined;
  }
}

/** The YAML reading of a file's top-level value (`false`: unreadable, reported). */
function readYamlRoot(text: string, model: WorkflowModel): Value | undefined | false {
  const fast = readYamlFast(text);
  if (fast) return fast.root;
  let doc: Document.Parsed;
  try {
    doc = parseYaml(text);
  } catch (err) {
    // The yaml composer recurses; absurd nesting can exhaust the stack.
    model.diagnostics.push(diag('yaml-syntax', 'error', `Cannot parse this file: ${(err as Error).message}`, [0, 0]));
    return false;
  }
  for (const e of doc.errors) {
    const { message, span } = yamlMessage(e.message, text, clampSpan(e.pos, text.length));
    model.diagnostics.push(diag('yaml-syntax', 'error', message, span));
  }
  const reader = new ValueReader(doc, model.diagnostics, text.length);
  let root: Value | undefined;
  try {
    root = doc.contents ? reader.read(doc.contents as YamlNode, 0) : undefined;
  } catch (err) {
    model.diagnostics.push(diag('yaml-syntax', 'error', `Cannot read this file: ${(err as Error).message}`, [0, 0]));
    return false;
  }
  if (doc.errors.length > 0 && !root) return false;
  return root;
}

/** The strict-JSON reading of a file's top-level value (`false`: unreadable, reported). */
function readJsonRoot(text: string, model: WorkflowModel): Value | undefined | false {
  const before = model.diagnostics.length;
  let root: Value | undefined;
  try {
    root = readJson(text, model.diagnostics);
  } catch (err) {
    // Absurd nesting can exhaust the stack, as in YAML.
    model.diagnostics.push(diag('yaml-syntax', 'error', `Cannot read this file: ${(err as Error).message}`, [0, 0]));
    return false;
  }
  return model.diagnostics.length > before && !root ? false : root;
}

/**
 * The diagnostics of an item read that found nothing (nearly all of them): one shared list, frozen
 * so that nothing adds to it, instead of two or three empty arrays per item kept with its read.
 */
export const NO_DIAGNOSTICS: Diagnostic[] = Object.freeze([]) as unknown as Diagnostic[];

function orNone(list: Diagnostic[]): Diagnostic[] {
  return list.length === 0 ? NO_DIAGNOSTICS : list;
}

/** What one node item reads as on its own, with its diagnostics before and after the duplicate-id check. */
export interface NodeItemRead {
  node?: NodeModel;
  before: Diagnostic[];
  after: Diagnostic[];
}

export interface ConnectionItemRead {
  connection?: ConnectionModel;
  diagnostics: Diagnostic[];
}

/**
 * Per-item reads kept across parses (the incremental parser's): an item's read depends on the
 * item alone, so while the item is the same object (its text unchanged) the read stands.
 */
export interface ItemCache {
  node(item: Value | Entry, compute: () => NodeItemRead): NodeItemRead;
  connection(item: Value, compute: () => ConnectionItemRead): ConnectionItemRead;
}

/** A model over an already-read top-level mapping (the incremental parser composes one from pieces). */
export function readWorkflow(model: WorkflowModel, root: MapValue, cache?: ItemCache): void {
  new ModelReader(model, cache).read(root);
}

/** Reads one node item apart (the incremental parser's patch of a model; see `ModelReader.nodeItem`). */
export function readNodeItem(item: Value | Entry, form: 'list' | 'map', cache?: ItemCache): NodeItemRead {
  return new ModelReader(emptyModel(''), cache).nodeItem(item, form);
}

/** Reads one connection item apart, at its position in the list. */
export function readConnectionItem(item: Value, index: number, cache?: ItemCache): ConnectionItemRead {
  return new ModelReader(emptyModel(''), cache).connectionItem(item, index);
}

function emptyModel(text: string): WorkflowModel {
  return { text, nodesForm: 'none', nodes: [], nodesById: new Map(), connections: [], diagnostics: [] };
}

/** The one way any text (a whole file or a piece of one) is parsed, so pieces read as the whole does. */
export function parseYaml(text: string): Document.Parsed {
  // As PyYAML's safe_load (what Kailash uses) reads it: YAML 1.1, its scalar types, `<<` merges.
  return parseDocument(text, PYYAML_OPTIONS);
}

/** What `refuseUnreadable` counts as binary: control characters other than tab and line breaks, and U+FFFD. */
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]/g;
const NO_MATCH: readonly string[] = [];

export function refuseUnreadable(text: string): Diagnostic | undefined {
  if (text.length > MAX_FILE_BYTES) {
    const mb = (text.length / 1024 / 1024).toFixed(1);
    return diag(
      'yaml-syntax',
      'error',
      `The file is ${mb} MB; workflow files over ${MAX_FILE_BYTES / 1024 / 1024} MB are not read.`,
      [0, 0],
    );
  }
  const nul = text.indexOf('\0');
  if (nul !== -1)
    return diag('yaml-syntax', 'error', `This looks like a binary file (a NUL byte at offset ${nul}), not a workflow.`, [nul, nul + 1]);
  const sample = Math.min(text.length, 8192);
  // Counted by a regular expression: a loop over 8,192 characters runs cold, once per read.
  const control = sample > 0 ? (text.slice(0, sample).match(CONTROL) ?? NO_MATCH).length : 0;
  if (sample > 0 && control / sample > 0.1) {
    return diag('yaml-syntax', 'error', 'This looks like a binary file (many control characters), not a workflow.', [0, 0]);
  }
  return undefined;
}

/**
 * yaml's message without its "at line N, column M" (the diagnostic carries the position). Its
 * escape errors quote one code unit after the `\\`, half an emoji when one follows: the whole
 * character is quoted instead (and the span grows to cover it), or U+FFFD if the text has no pair.
 */
function yamlMessage(message: string, text: string, at: Span): { message: string; span: Span } {
  let end = at[1];
  const m = message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
  const whole = m.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/g, (high) => {
    const i = text.indexOf(high, at[0]);
    if (i === -1 || i > at[1] + 2 || !/[\uDC00-\uDFFF]/.test(text[i + 1] ?? '')) return high;
    end = Math.max(end, i + 2);
    return text.slice(i, i + 2);
  });
  return { message: wellFormed(whole), span: [at[0], end] };
}

function clampSpan(pos: readonly [number, number] | undefined, length: number): Span {
  const start = Math.max(0, Math.min(pos?.[0] ?? 0, length));
  const end = Math.max(start, Math.min(pos?.[1] ?? start, length));
  return [start, end];
}

export function diag(code: DiagnosticCode, severity: Severity, message: string, span: Span, suggestions?: string[]): Diagnostic {
  return suggestions && suggestions.length > 0 ? { code, severity, message, span, suggestions } : { code, severity, message, span };
}

/** Every anchored node by anchor name, in document order (a loop, not recursion: nesting may be deep). */
function anchorsOf(root: YamlNode | null): Map<string, YamlNode[]> {
  const out = new Map<string, YamlNode[]>();
  const stack: unknown[] = root ? [root] : [];
  while (stack.length) {
    const n = stack.pop();
    if (isPair(n)) {
      stack.push(n.key, n.value);
      continue;
    }
    if (!n || typeof n !== 'object') continue;
    const node = n as YamlNode & { anchor?: string };
    if (node.anchor) {
      let list = out.get(node.anchor);
      if (!list) out.set(node.anchor, (list = []));
      list.push(node);
    }
    if (isMap(node) || isSeq(node)) for (const item of node.items) stack.push(item);
  }
  for (const list of out.values()) list.sort((a, b) => (a.range?.[0] ?? 0) - (b.range?.[0] ?? 0));
  return out;
}

/** Converts yaml's AST into our span-carrying values, bounding aliases and depth. */
export class ValueReader {
  /** Whether any alias was met: a piece with one cannot be read apart from the anchors it names. */
  sawAlias = false;
  private aliasExpansion = 0;
  private readonly targets = new Map<YamlNode, YamlNode | null>();
  private anchors?: Map<string, YamlNode[]>;
  private aliasReported = false;
  private depthReported = false;

  constructor(
    private readonly doc: Document.Parsed,
    private readonly diagnostics: Diagnostic[],
    private readonly length: number,
  ) {}

  /**
   * The node an alias names: the last node before it anchored with that name, as yaml's own
   * `resolve` finds it. That one walks the document up to the alias each time (quadratic in the
   * depth of nesting); this indexes the anchors once and remembers each alias's answer.
   */
  private resolve(alias: YamlNode & { source: string; range?: readonly number[] | null }): YamlNode | undefined {
    let target = this.targets.get(alias);
    if (target === undefined) {
      this.anchors ??= anchorsOf(this.doc.contents as YamlNode | null);
      const at = alias.range?.[0] ?? Infinity;
      target = null;
      for (const n of this.anchors.get(alias.source) ?? []) {
        if ((n.range?.[0] ?? 0) < at) target = n;
        else break;
      }
      this.targets.set(alias, target);
    }
    return target ?? undefined;
  }

  read(node: YamlNode, depth: number, aliasSpan?: Span): Value {
    const span = aliasSpan ?? this.span(node);
    if (aliasSpan && ++this.aliasExpansion > MAX_ALIAS_EXPANSION) {
      if (!this.aliasReported) {
        this.aliasReported = true;
        this.diagnostics.push(
          diag(
            'yaml-syntax',
            'error',
            `Aliases expand to more than ${MAX_ALIAS_EXPANSION} values; the rest is ignored (an alias bomb?).`,
            aliasSpan,
          ),
        );
      }
      return new ScalarValue(span[0], span[1], null);
    }
    if (depth > MAX_DEPTH) {
      if (!this.depthReported) {
        this.depthReported = true;
        this.diagnostics.push(diag('schema', 'error', `Values nested deeper than ${MAX_DEPTH} levels are not read.`, span));
      }
      return new ScalarValue(span[0], span[1], null);
    }
    if (isAlias(node)) {
      this.sawAlias = true;
      const target = this.resolve(node);
      if (!target) {
        this.diagnostics.push(diag('yaml-syntax', 'error', `Unknown alias *${node.source}.`, span));
        return new ScalarValue(span[0], span[1], null);
      }
      return this.read(target as YamlNode, depth + 1, span);
    }
    if (isScalar(node)) {
      const scalar = scalarOf(span[0], span[1], scalarValue(node.value), pyyamlExact(node));
      const timestamp = pyyamlTimestamp(node);
      if (timestamp) this.diagnostics.push(diag('kailash-compat', 'warning', timestampMessage(timestamp), span));
      return scalar;
    }
    if (isSeq(node)) {
      const items: Value[] = [];
      for (const item of node.items) items.push(this.read(item as YamlNode, depth + 1, aliasSpan));
      return new SeqValue(span[0], span[1], items);
    }
    if (isMap(node)) {
      const entries: Entry[] = [];
      const merged: Entry[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as YamlNode | null;
        const keySpan: Span = aliasSpan ?? (keyNode ? this.span(keyNode) : [span[0], span[1]]);
        if (keyNode && !isScalar(keyNode) && !isAlias(keyNode)) {
          this.diagnostics.push(diag('schema', 'error', 'Complex (non-scalar) keys are not supported.', keySpan));
          continue;
        }
        const valueNode = pair.value as YamlNode | null;
        const value: Value = valueNode ? this.read(valueNode, depth + 1, aliasSpan) : new ScalarValue(keySpan[1], keySpan[1], null);
        if (keyNode && isAlias(keyNode)) this.sawAlias = true;
        const rawKey = keyNode ? (isAlias(keyNode) ? this.resolve(keyNode) : keyNode) : null;
        // yaml marks a `<<` merge key with a symbol value; a quoted '<<' is an ordinary key.
        const isMerge = isScalar(rawKey) && (typeof rawKey.value === 'symbol' || (rawKey.value === '<<' && rawKey.type === 'PLAIN'));
        const keyValue = rawKey && isScalar(rawKey) ? scalarValue(rawKey.value) : null;
        if (isMerge) {
          this.collectMerge(value, merged);
          continue;
        }
        entries.push(new Entry(intern(String(keyValue)), keySpan[0], keySpan[1], value));
      }
      return new MapValue(span[0], span[1], merged.length ? mergedFirst(merged, entries) : entries);
    }
    return new ScalarValue(span[0], span[1], null);
  }

  private collectMerge(value: Value, into: Entry[]): void {
    const sources = value.kind === 'seq' ? value.items : [value];
    for (const src of sources) {
      if (src.kind !== 'map') {
        this.diagnostics.push(diag('schema', 'error', 'A `<<` merge key needs a mapping (or a list of mappings).', src.span));
        continue;
      }
      for (const e of src.entries) if (!into.some((x) => x.key === e.key)) into.push(e);
    }
  }

  private span(node: YamlNode): Span {
    const r = node.range;
    return r ? clampSpan([r[0], r[1]], this.length) : [0, 0];
  }
}

/**
 * A mapping with `<<` merges in PyYAML's key order: it puts the merged pairs before the mapping's
 * own (`flatten_mapping`), and a dict keeps a key where it first appeared, so merged keys come
 * first, each holding the mapping's own value when it has one (own keys win).
 */
function mergedFirst(merged: Entry[], own: Entry[]): Entry[] {
  const out: Entry[] = [];
  for (const m of merged) {
    // A key the mapping repeats keeps every copy, so the last still wins where the run reads it.
    const mine = own.filter((e) => e.key === m.key);
    if (mine.length) out.push(...mine);
    else out.push(m);
  }
  for (const e of own) if (!merged.some((m) => m.key === e.key)) out.push(e);
  return out;
}

function timestampMessage(kind: 'date' | 'datetime'): string {
  return `Kailash (PyYAML) reads this as a datetime.${kind}, which PythonCodeNode refuses as an input; runs here as the text \`str()\` gives. Quote it to make it a string in both.`;
}

function scalarValue(v: unknown): ScalarValue['value'] {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return intern(v);
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? String(v) : v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return String(v);
}

/** Reads the workflow structure (nodes, connections, parameters) from the top-level mapping. */
class ModelReader {
  /** Where reports go: the model's list, or an item's own while it is read apart. */
  private out: Diagnostic[];

  constructor(
    private readonly model: WorkflowModel,
    private readonly cache?: ItemCache,
  ) {
    this.out = model.diagnostics;
  }

  private report(code: DiagnosticCode, severity: Severity, message: string, span: Span, suggestions?: string[]): void {
    this.out.push(diag(code, severity, message, span, suggestions));
  }

  read(root: MapValue): void {
    const m = this.model;
    m.root = root;
    this.checkDuplicateKeys(root);
    for (const e of root.entries) {
      if (TOP_LEVEL_KEYS.includes(e.key)) continue;
      const near = closest(e.key, TOP_LEVEL_KEYS);
      this.report(
        'schema',
        'warning',
        `Unknown top-level key '${e.key}'${near.length ? ` (did you mean '${near[0]}'?)` : ''}; Kailash keeps it as workflow metadata.`,
        e.keySpan,
        near,
      );
    }
    m.name = this.optionalString(root, 'name');
    m.description = this.optionalString(root, 'description');
    this.optionalString(root, 'version');
    this.optionalString(root, 'author');
    const metadata = getEntry(root, 'metadata');
    if (metadata && metadata.value.kind !== 'map' && !isNull(metadata.value)) {
      this.report('schema', 'error', '`metadata` must be a mapping.', metadata.value.span);
    }

    const nodes = getEntry(root, 'nodes');
    if (!nodes)
      this.report(
        'schema',
        'error',
        'The workflow has no `nodes`: add a list of `{id, type, config}`.',
        root.entries[0]?.keySpan ?? root.span,
      );
    else this.readNodes(nodes);

    const connections = getEntry(root, 'connections');
    if (connections) this.readConnections(connections);

    const parameters = getEntry(root, 'parameters');
    if (parameters) {
      if (parameters.value.kind === 'map') m.parameters = parameters.value;
      else if (!isNull(parameters.value))
        this.report('schema', 'error', '`parameters` must be a mapping of node id to `{param: value}`.', parameters.value.span);
    }
  }

  private optionalString(map: MapValue, key: string): Spanned<string> | undefined {
    const e = getEntry(map, key);
    if (!e || isNull(e.value)) return undefined;
    if (e.value.kind !== 'scalar') {
      this.report('schema', 'error', `\`${key}\` must be a string.`, e.value.span);
      return undefined;
    }
    return { value: String(e.value.value), span: e.value.span };
  }

  /** Duplicate keys: PyYAML silently keeps the last one, which hides mistakes. */
  private checkDuplicateKeys(map: MapValue, code: DiagnosticCode = 'schema', what = 'key'): void {
    const entries = map.entries;
    if (entries.length < 2) return;
    // A node or connection has a handful of keys: compared pairwise, without a Set each.
    if (entries.length <= 16) {
      for (let i = 1; i < entries.length; i++) {
        const e = entries[i]!;
        let j = 0;
        while (j < i && entries[j]!.key !== e.key) j++;
        if (j < i) this.report(code, 'error', `Duplicate ${what} '${e.key}': Kailash would keep only the last one.`, e.keySpan);
      }
      return;
    }
    const seen = new Set<string>();
    for (const e of entries) {
      if (seen.has(e.key)) {
        this.report(code, 'error', `Duplicate ${what} '${e.key}': Kailash would keep only the last one.`, e.keySpan);
      } else seen.add(e.key);
    }
  }

  private readNodes(nodes: Entry): void {
    const v = nodes.value;
    if (v.kind === 'seq') {
      this.model.nodesForm = 'list';
      for (let i = 0; i < v.items.length; i++) this.addRead(this.nodeItem(v.items[i]!, 'list'));
    } else if (v.kind === 'map') {
      this.model.nodesForm = 'map';
      for (const e of v.entries) this.addRead(this.nodeItem(e, 'map'));
    } else if (!isNull(v)) {
      this.report('schema', 'error', '`nodes` must be a list of `{id, type, config}` or a mapping `{id: {type, config}}`.', v.span);
    }
  }

  /** One node item's read (a list item, or a map entry in the mapping form), through the cache. */
  nodeItem(item: Value | Entry, form: 'list' | 'map'): NodeItemRead {
    if (!this.cache) return this.itemRead(item, form);
    return this.cache.node(item, () => this.itemRead(item, form));
  }

  /** One connection item's read at its position in the list, through the cache. */
  connectionItem(item: Value, index: number): ConnectionItemRead {
    const r = this.cache ? this.cache.connection(item, () => this.connectionRead(item, index)) : this.connectionRead(item, index);
    // A reused read may have moved: its index is where it sits now.
    if (r.connection) r.connection.index = index;
    return r;
  }

  private connectionRead(item: Value, index: number): ConnectionItemRead {
    const outer = this.out;
    const diagnostics: Diagnostic[] = [];
    this.out = diagnostics;
    const connection = this.readConnectionItem(item, index);
    this.out = outer;
    return connection ? { connection, diagnostics: orNone(diagnostics) } : { diagnostics: orNone(diagnostics) };
  }

  /** Runs a per-item read with its own diagnostics list: what it finds depends on the item alone. */
  private itemRead(item: Value | Entry, form: 'list' | 'map'): NodeItemRead {
    const outer = this.out;
    const before: Diagnostic[] = [];
    this.out = before;
    const node = form === 'list' ? this.readListNode(item as Value) : this.readMapNode(item as Entry);
    this.out = outer;
    if (!node) return { before: orNone(before), after: NO_DIAGNOSTICS };
    // The duplicate-id check (global) comes right after the entry's own duplicate keys.
    const split = this.splitAt;
    if (before.length === 0) return { node, before: NO_DIAGNOSTICS, after: NO_DIAGNOSTICS };
    if (split === before.length) return { node, before, after: NO_DIAGNOSTICS };
    return { node, before: orNone(before.slice(0, split)), after: orNone(before.slice(split)) };
  }

  private addRead(r: NodeItemRead): void {
    const m = this.model;
    for (let i = 0; i < r.before.length; i++) m.diagnostics.push(r.before[i]!);
    if (r.node) {
      if (m.nodesById.has(r.node.id)) {
        this.report('duplicate-node-id', 'error', `Node ID '${r.node.id}' already exists in this workflow.`, r.node.idSpan);
      } else {
        m.nodesById.set(r.node.id, r.node);
      }
      m.nodes.push(r.node);
    }
    for (let i = 0; i < r.after.length; i++) m.diagnostics.push(r.after[i]!);
  }

  private readListNode(item: Value): NodeModel | undefined {
    if (item.kind !== 'map') {
      this.report('schema', 'error', 'Each node must be a mapping with `id`, `type` and `config`.', item.span);
      return undefined;
    }
    const idEntry = getEntry(item, 'id');
    if (!idEntry || isNull(idEntry.value)) {
      this.report('schema', 'error', 'Node ID is required: add `id:` to this node.', item.span);
      return undefined;
    }
    if (idEntry.value.kind !== 'scalar') {
      this.report('schema', 'error', 'A node `id` must be a string.', idEntry.value.span);
      return undefined;
    }
    return this.readNode(String(idEntry.value.value), idEntry.value, item, false);
  }

  private readMapNode(e: Entry): NodeModel | undefined {
    if (e.value.kind !== 'map') {
      this.report('schema', 'error', `Node '${e.key}' must be a mapping with \`type\` and \`config\`.`, e.value.span);
      return undefined;
    }
    return this.readNode(e.key, e, e.value, true);
  }

  /** Where `itemRead` splits a node's diagnostics: before and after the duplicate-id check. */
  private splitAt = 0;

  private readNode(id: string, idFrom: ScalarValue | Entry, entry: MapValue, mapForm: boolean): NodeModel {
    this.checkDuplicateKeys(entry);
    this.splitAt = this.out.length;
    const node = new NodeItem(id, idFrom, entry);
    if (mapForm) {
      const inner = getEntry(entry, 'id');
      if (inner && inner.value.kind === 'scalar' && String(inner.value.value) !== id) {
        this.report(
          'schema',
          'warning',
          `This \`id\` ('${inner.value.value}') is ignored: in the mapping form the key '${id}' is the node's id.`,
          inner.value.span,
        );
      }
    }
    for (let i = 0; i < entry.entries.length; i++) {
      const e = entry.entries[i]!;
      if (NODE_KEYS.includes(e.key)) continue;
      const near = closest(e.key, NODE_KEYS);
      this.report(
        'schema',
        'warning',
        `Unknown node key '${e.key}'${near.length ? ` (did you mean '${near[0]}'?)` : ''}; it is ignored.`,
        e.keySpan,
        near,
      );
    }
    const type = getEntry(entry, 'type');
    if (!type || isNull(type.value)) {
      this.report('schema', 'error', `Node type is required for node '${id}'.`, node.idSpan);
    } else if (type.value.kind !== 'scalar' || typeof type.value.value !== 'string') {
      this.report('schema', 'error', 'A node `type` must be a node type name such as `HTTPRequestNode`.', type.value.span);
    } else {
      node.type = textOf(type.value);
    }
    const config = getEntry(entry, 'config');
    const params = getEntry(entry, 'parameters');
    if (config && params) {
      this.report(
        'schema',
        'warning',
        'Both `config` and `parameters` are given; Kailash uses `parameters` and ignores `config`.',
        config.keySpan,
      );
    }
    const chosen = params ?? config;
    if (chosen) {
      if (chosen.value.kind === 'map') {
        node.config = chosen.value;
        node.configKey = chosen === params ? 'parameters' : 'config';
        this.checkDuplicateKeys(chosen.value, 'schema', 'config key');
      } else if (!isNull(chosen.value)) {
        node.configInvalid = true;
        this.report('schema', 'error', `\`${chosen.key}\` must be a mapping of parameter names to values.`, chosen.value.span);
      }
    }
    for (let i = 0; i < POLICY_KEYS.length; i++) {
      const p = getEntry(entry, POLICY_KEYS[i]!);
      if (p) node.setPolicy(POLICY_KEYS[i]!, p);
    }
    return node;
  }

  private readConnections(connections: Entry): void {
    const v = connections.value;
    if (isNull(v)) return;
    if (v.kind !== 'seq') {
      this.report('schema', 'error', '`connections` must be a list of `{from_node, from_output, to_node, to_input}`.', v.span);
      return;
    }
    for (let index = 0; index < v.items.length; index++) {
      const r = this.connectionItem(v.items[index]!, index);
      for (let i = 0; i < r.diagnostics.length; i++) this.model.diagnostics.push(r.diagnostics[i]!);
      if (r.connection) this.model.connections.push(r.connection);
    }
  }

  private readConnectionItem(item: Value, index: number): ConnectionModel | undefined {
    if (item.kind !== 'map') {
      this.report(
        'schema',
        'error',
        'Each connection must be a mapping such as `{from_node: a, from_output: result, to_node: b, to_input: data}`.',
        item.span,
      );
      return undefined;
    }
    return this.readConnection(item, index);
  }

  private readConnection(item: MapValue, index: number): ConnectionModel | undefined {
    this.checkDuplicateKeys(item);
    for (let i = 0; i < item.entries.length; i++) {
      const e = item.entries[i]!;
      if (CONNECTION_KEYS.includes(e.key)) continue;
      const near = closest(e.key, CONNECTION_KEYS);
      this.report(
        'schema',
        'warning',
        `Unknown connection key '${e.key}'${near.length ? ` (did you mean '${near[0]}'?)` : ''}; it is ignored.`,
        e.keySpan,
        near,
      );
    }
    const from = this.endpoint(item, 'from_node', 'from');
    const to = this.endpoint(item, 'to_node', 'to');
    const full = getEntry(item, 'from_node') !== undefined || getEntry(item, 'to_node') !== undefined;
    if (!from && !to) {
      this.report('schema', 'error', 'Invalid connection: missing from_node and to_node.', item.span);
      return undefined;
    }
    if (!from) this.report('schema', 'error', `This connection has no source: add \`${full ? 'from_node' : 'from'}\`.`, item.span);
    if (!to) this.report('schema', 'error', `This connection has no target: add \`${full ? 'to_node' : 'to'}\`.`, item.span);
    const fromOutput = this.port(item, 'from_output', 'result');
    const toInput = this.port(item, 'to_input', 'input');
    const cycleEntry = getEntry(item, 'cycle');
    let cycle = false;
    if (cycleEntry) {
      if (cycleEntry.value.kind === 'scalar' && typeof cycleEntry.value.value === 'boolean') cycle = cycleEntry.value.value;
      else this.report('schema', 'error', '`cycle` must be true or false.', cycleEntry.value.span);
    }
    const maxIt = getEntry(item, 'max_iterations');
    const conv = getEntry(item, 'convergence_check');
    const c = new ConnectionItem(index, full ? 'full' : 'short', from, to, fromOutput, toInput, cycle, item);
    if (maxIt) c.maxIterations = { value: maxIt.value.kind === 'scalar' ? maxIt.value.value : undefined, span: maxIt.value.span };
    if (conv) c.convergenceCheck = { value: conv.value.kind === 'scalar' ? conv.value.value : undefined, span: conv.value.span };
    return c;
  }

  private endpoint(item: MapValue, fullKey: string, shortKey: string): Spanned<string> | undefined {
    const a = getEntry(item, fullKey);
    const b = getEntry(item, shortKey);
    if (a && b) {
      const same = a.value.kind === 'scalar' && b.value.kind === 'scalar' && a.value.value === b.value.value;
      if (!same)
        this.report(
          'schema',
          'error',
          `Both \`${fullKey}\` and \`${shortKey}\` are given and differ; Kailash uses \`${fullKey}\`.`,
          b.keySpan,
        );
    }
    const e = a ?? b;
    if (!e || isNull(e.value)) return undefined;
    if (e.value.kind !== 'scalar') {
      this.report('schema', 'error', `\`${e.key}\` must be a node id.`, e.value.span);
      return undefined;
    }
    return textOf(e.value);
  }

  private port(item: MapValue, key: string, fallback: string): Spanned<string> & { implicit?: boolean } {
    const e = getEntry(item, key);
    if (e && !isNull(e.value)) {
      if (e.value.kind === 'scalar') return textOf(e.value);
      this.report('schema', 'error', `\`${key}\` must be a name such as \`${fallback}\`.`, e.value.span);
    }
    // Unwritten ports point at the connection itself, so diagnostics on them land somewhere visible.
    const anchor = getEntry(item, key === 'from_output' ? 'from' : 'to') ?? getEntry(item, key === 'from_output' ? 'from_node' : 'to_node');
    return { value: fallback, span: anchor?.value.span ?? item.span, implicit: true };
  }
}

/**
 * A scalar as a `Spanned<string>`: the scalar itself when it holds a string (no object, and no
 * span tuple until one is read: 50,000 of each at 10,000 nodes), else its text with its span.
 */
function textOf(v: ScalarValue): Spanned<string> {
  return typeof v.value === 'string' ? (v as Spanned<string>) : { value: String(v.value), span: v.span };
}

export function isNull(v: Value | undefined): boolean {
  return !v || (v.kind === 'scalar' && v.value === null);
}
