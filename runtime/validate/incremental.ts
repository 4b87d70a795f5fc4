import type { Diagnostic } from '../diagnostics';
import { LineIndex } from '../model/lines';
import type { ConnectionModel, MapValue, NodeModel, WorkflowModel } from '../model/types';
import { checkCode, sharedOutputFindings } from './compat';
import { checkConnection, isRepeat } from './connections';
import { compareDiagnostics, Context, exactLists, SUGGEST_BUDGET, type ValidateOptions } from './context';
import { findingSpan, graphFindings, type GraphFinding } from './graph';
import { validateModel } from './index';
import { checkNode } from './nodes';
import { checkParameters } from './parameters';
import { applySuppressions } from './suppress';

/** What an item's checks read besides the item itself: three values, compared by identity. */
interface Deps {
  a: unknown;
  b: unknown;
  c: unknown;
}

/**
 * A cached result: diagnostics with spans relative to the item's start, and what it depended on
 * (the `Deps` held in its own fields: a list per item was 1.4 MB at 10,000 nodes).
 */
interface Cached {
  a: unknown;
  b: unknown;
  c: unknown;
  diagnostics: Diagnostic[];
  /** Candidate-list lengths of its did-you-mean calls, in order (see `fits`). */
  calls: number[];
}

const EMPTY: Diagnostic[] = [];
const NO_CALLS: number[] = [];
const NONE: Cached = { a: undefined, b: undefined, c: undefined, diagnostics: EMPTY, calls: NO_CALLS };

/**
 * What the last validation found, by item position: the edit after it starts from here. Its
 * indexes (`incoming`, `nodesAt`, `touching`) hold while node ids, connection endpoints and the
 * item counts stay as they were, which is what the quick pass requires.
 */
interface Pass {
  nodes: NodeModel[];
  connections: ConnectionModel[];
  node: Cached[];
  /** Kailash-compatibility findings in a node's code (`NONE` for other nodes). */
  code: Cached[];
  connection: Cached[];
  /** Positions of the nodes and connections whose results hold diagnostics (most hold none). */
  nodesWith: Set<number>;
  connectionsWith: Set<number>;
  repeats: boolean[];
  incoming: Map<string, ConnectionModel[]>;
  /** Positions in `nodes` by id (duplicates included). */
  nodesAt: Map<string, number[]>;
  /** Positions in `connections` by endpoint id. */
  touching: Map<string, number[]>;
  graph: GraphFinding[];
  shared: { connection: number; message: string }[];
  /** The `parameters` block's findings (checked afresh every time: they read every node). */
  parameters: Diagnostic[];
  parametersCalls: number;
  parametersBlock?: MapValue;
  syntax: boolean;
  /** Did-you-mean candidates the whole pass asked for: within the budget, no item was short. */
  calls: number;
}

/** More changed items than this and the quick pass is not worth its bookkeeping. */
const QUICK_LIMIT = 64;

/**
 * Validates successive models of one document, rerunning only the checks an edit can affect, and
 * giving exactly what `validateModel` gives.
 *
 * The incremental parser hands back the very same node and connection objects while an item's
 * text is unchanged (it only moves), so an edit shows as the items that are new objects. When
 * the item counts, node ids, connection endpoints and `cycle` flags and the `parameters` block are
 * as before, the quick pass reruns the changed nodes, the nodes whose incoming connections
 * changed and the connections touching a changed node; the graph findings stay; the
 * shared-output findings stay unless a port or a node type changed. Its cost grows with the
 * edit, not with the file (besides a pointer comparison per item and the assembly of the result).
 *
 * Anything else takes the full pass, which still reuses each item's result while what it reads
 * is unchanged: a node's checks read the node and what flows into it (input names of connections
 * into it, its run parameters); a connection's read itself and its endpoint nodes, or the id list
 * when an endpoint is missing, and whether it repeats an earlier connection.
 *
 * Did-you-mean has a budget shared by the whole pass, in check order; the full pass visits items
 * in that order and replays the budget, so a cached result is used only when the budget would
 * have answered all of its calls. The quick pass runs only when the whole file's calls fit the
 * budget (then no item was short, and order does not matter).
 */
export class IncrementalValidator {
  private nodes = new WeakMap<MapValue, Cached>();
  private connections = new WeakMap<MapValue, Cached>();
  private codes = new WeakMap<MapValue, Cached>();
  private pass?: Pass;
  /** The did-you-mean calls of the item being checked (see `run`). */
  private readonly calls: number[] = [];
  readonly stats = { checked: 0, reused: 0, quick: false };

  constructor(readonly options: ValidateOptions = {}) {}

  validate(model: WorkflowModel, lines = new LineIndex(model.text)): Diagnostic[] {
    this.stats.checked = 0;
    this.stats.reused = 0;
    this.stats.quick = false;
    if (!model.root) {
      this.pass = undefined;
      return validateModel(model, this.options, lines);
    }
    const pass = this.quick(model) ?? this.full(model);
    this.pass = pass;
    return this.assemble(model, pass, lines);
  }

  /** Every item checked in file order (reusing results whose inputs are unchanged). */
  private full(model: WorkflowModel): Pass {
    const ctx = new Context(model, this.options, SUGGEST_BUDGET);
    const pass: Pass = {
      nodes: model.nodes,
      connections: model.connections,
      node: [],
      code: [],
      connection: [],
      nodesWith: new Set(),
      connectionsWith: new Set(),
      repeats: [],
      incoming: ctx.incoming,
      nodesAt: new Map(),
      touching: new Map(),
      graph: [],
      shared: [],
      parameters: [],
      parametersCalls: 0,
      parametersBlock: model.parameters,
      syntax: hasSyntaxErrors(model),
      calls: 0,
    };
    const flat = [...ctx.flatParameters].join('\u0000');
    model.nodes.forEach((node, i) => {
      push(pass.nodesAt, node.id, i);
      const deps = nodeDeps(ctx, node, flat);
      pass.node.push(this.run(this.nodes, node.entry, deps, ctx, () => checkNode(ctx, node), true));
      pass.code.push(
        node.type?.value === 'PythonCodeNode' ? this.run(this.codes, node.entry, deps, ctx, () => checkCode(ctx, node), true) : NONE,
      );
      if (pass.node[i]!.diagnostics.length > 0 || pass.code[i]!.diagnostics.length > 0) pass.nodesWith.add(i);
    });
    const seen = new Set<string>();
    let idsKey: string | undefined;
    const ids = () => (idsKey ??= ctx.nodeIds().join('\u0000'));
    model.connections.forEach((c, i) => {
      if (c.from) push(pass.touching, c.from.value, i);
      if (c.to && c.to.value !== c.from?.value) push(pass.touching, c.to.value, i);
      const repeat = isRepeat(c, seen);
      pass.repeats.push(repeat);
      const deps = connectionDeps(model, c, repeat, ids);
      pass.connection.push(this.run(this.connections, c.entry, deps, ctx, () => checkConnection(ctx, c, repeat), true));
      if (pass.connection[i]!.diagnostics.length > 0) pass.connectionsWith.add(i);
    });
    exactLists(pass.nodesAt);
    exactLists(pass.touching);
    this.globals(model, ctx, pass);
    pass.graph = graphFindings(model);
    pass.shared = sharedOutputFindings(model);
    pass.calls = total(pass.node) + total(pass.code) + total(pass.connection) + pass.parametersCalls;
    return pass;
  }

  /** The last pass updated for an edit of a few items, or `undefined` when the edit needs the full pass. */
  private quick(model: WorkflowModel): Pass | undefined {
    const last = this.pass;
    if (!last || last.calls > SUGGEST_BUDGET) return undefined;
    const { nodes, connections } = model;
    if (nodes.length !== last.nodes.length || connections.length !== last.connections.length) return undefined;
    if (model.parameters !== last.parametersBlock || hasSyntaxErrors(model) !== last.syntax) return undefined;
    const changedNodes: number[] = [];
    for (let i = 0; i < nodes.length; i++) {
      if (nodes[i] === last.nodes[i]) continue;
      if (nodes[i]!.id !== last.nodes[i]!.id || changedNodes.push(i) > QUICK_LIMIT) return undefined;
    }
    const changedConnections: number[] = [];
    for (let i = 0; i < connections.length; i++) {
      const c = connections[i]!;
      const was = last.connections[i]!;
      if (c === was) continue;
      if (c.from?.value !== was.from?.value || c.to?.value !== was.to?.value || c.cycle !== was.cycle) return undefined;
      if (changedConnections.push(i) > QUICK_LIMIT) return undefined;
    }
    if (changedNodes.length === 0 && changedConnections.length === 0 && model.parameters === undefined) {
      this.stats.quick = true;
      this.stats.reused = nodes.length + connections.length;
      return { ...last, nodes, connections };
    }

    // From here the last pass is changed in place (copying its per-item lists cost more than the
    // edit's checks at 10,000 nodes): a bail-out must forget it.
    this.pass = undefined;
    const lastNodes = last.nodes;
    const lastConnections = last.connections;
    const pass: Pass = last;
    pass.nodes = nodes;
    pass.connections = connections;
    const dirtyNodes = new Set(changedNodes);
    const dirtyConnections = new Set(changedConnections);
    let typesChanged = false;
    for (const i of changedNodes) {
      if (nodes[i]!.type?.value !== lastNodes[i]!.type?.value) typesChanged = true;
      for (const k of last.touching.get(nodes[i]!.id) ?? []) dirtyConnections.add(k);
    }
    let portsChanged = false;
    for (const i of changedConnections) {
      const c = connections[i]!;
      const was = lastConnections[i]!;
      if (c.fromOutput.value !== was.fromOutput.value || c.toInput.value !== was.toInput.value) portsChanged = true;
      if (c.to) {
        const list = pass.incoming.get(c.to.value)!;
        list[list.indexOf(was)] = c;
        for (const j of last.nodesAt.get(c.to.value) ?? []) dirtyNodes.add(j);
      }
    }
    if (portsChanged) {
      const seen = new Set<string>();
      pass.repeats = connections.map((c, i) => {
        const repeat = isRepeat(c, seen);
        if (repeat !== last.repeats[i]) dirtyConnections.add(i);
        return repeat;
      });
    }

    const ctx = new Context(model, this.options, SUGGEST_BUDGET, pass.incoming);
    const flat = [...ctx.flatParameters].join('\u0000');
    let calls = last.calls - last.parametersCalls;
    for (const i of dirtyNodes) {
      const node = nodes[i]!;
      const deps = nodeDeps(ctx, node, flat);
      calls -= sum(last.node[i]!.calls) + sum(last.code[i]!.calls);
      pass.node[i] = this.run(this.nodes, node.entry, deps, ctx, () => checkNode(ctx, node), false);
      pass.code[i] =
        node.type?.value === 'PythonCodeNode' ? this.run(this.codes, node.entry, deps, ctx, () => checkCode(ctx, node), false) : NONE;
      calls += sum(pass.node[i]!.calls) + sum(pass.code[i]!.calls);
      if (pass.node[i]!.diagnostics.length > 0 || pass.code[i]!.diagnostics.length > 0) pass.nodesWith.add(i);
      else pass.nodesWith.delete(i);
    }
    let idsKey: string | undefined;
    const ids = () => (idsKey ??= ctx.nodeIds().join('\u0000'));
    for (const i of dirtyConnections) {
      const c = connections[i]!;
      const repeat = pass.repeats[i]!;
      calls -= sum(last.connection[i]!.calls);
      pass.connection[i] = this.run(
        this.connections,
        c.entry,
        connectionDeps(model, c, repeat, ids),
        ctx,
        () => checkConnection(ctx, c, repeat),
        false,
      );
      calls += sum(pass.connection[i]!.calls);
      if (pass.connection[i]!.diagnostics.length > 0) pass.connectionsWith.add(i);
      else pass.connectionsWith.delete(i);
    }
    ctx.budget = SUGGEST_BUDGET;
    this.globals(model, ctx, pass);
    pass.calls = calls + pass.parametersCalls;
    // Over budget, some item would have gone short in a whole pass: only the full pass knows which.
    if (pass.calls > SUGGEST_BUDGET) return undefined;
    if (portsChanged || typesChanged) pass.shared = sharedOutputFindings(model);
    this.stats.quick = true;
    this.stats.reused = nodes.length + connections.length - this.stats.checked;
    return pass;
  }

  /** The `parameters` block's checks (run last, after every item, as the whole pass runs them). */
  private globals(model: WorkflowModel, ctx: Context, pass: Pass): void {
    pass.parameters = [];
    pass.parametersCalls = 0;
    if (!model.parameters) return;
    const from = ctx.diagnostics.length;
    ctx.calls = [];
    checkParameters(ctx);
    pass.parametersCalls = sum(ctx.calls);
    for (let i = from; i < ctx.diagnostics.length; i++) pass.parameters.push(moved(ctx.diagnostics[i]!, 0));
  }

  /**
   * One item's result: the cached one when its inputs are unchanged and (`replay`: in a full
   * pass) the budget left would answer all its calls, else checked afresh.
   */
  private run(cache: WeakMap<MapValue, Cached>, key: MapValue, deps: Deps, ctx: Context, check: () => void, replay: boolean): Cached {
    const base = key.start;
    const hit = cache.get(key);
    if (hit && hit.a === deps.a && hit.b === deps.b && hit.c === deps.c && (!replay || fits(hit.calls, ctx.budget))) {
      this.stats.reused++;
      if (replay) for (const c of hit.calls) ctx.budget -= c;
      return hit;
    }
    this.stats.checked++;
    const from = ctx.diagnostics.length;
    // One list for the calls of every item (most make none), copied only when it holds some.
    const calls = this.calls;
    calls.length = 0;
    ctx.calls = calls;
    ctx.starved = false;
    if (!replay) ctx.budget = SUGGEST_BUDGET;
    check();
    // Most items are clean and ask for no suggestions: they share one empty list of each.
    let diagnostics = EMPTY;
    if (ctx.diagnostics.length > from) {
      diagnostics = [];
      for (let i = from; i < ctx.diagnostics.length; i++) diagnostics.push(moved(ctx.diagnostics[i]!, -base));
    }
    const result: Cached = { a: deps.a, b: deps.b, c: deps.c, diagnostics, calls: calls.length ? calls.slice() : NO_CALLS };
    // A result computed short of budget lacks suggestions it may get later: never reuse it.
    if (ctx.starved) cache.delete(key);
    else cache.set(key, result);
    return result;
  }

  /** The pass's findings as diagnostics at the items' current places, suppressions applied, sorted. */
  private assemble(model: WorkflowModel, pass: Pass, lines: LineIndex): Diagnostic[] {
    // Copies throughout: a parser's span tuples move in place on its next edit; results must not.
    const out: Diagnostic[] = model.diagnostics.map((d) => moved(d, 0));
    const add = (r: Cached, base: number) => {
      for (const d of r.diagnostics) out.push(moved(d, base));
    };
    for (const i of pass.nodesWith) {
      const base = model.nodes[i]!.entry.start;
      add(pass.node[i]!, base);
      add(pass.code[i]!, base);
    }
    for (const i of pass.connectionsWith) add(pass.connection[i]!, model.connections[i]!.entry.start);
    for (const d of pass.parameters) out.push(moved(d, 0));
    for (const f of pass.graph) out.push({ code: f.code, severity: f.severity, message: f.message, span: copy(findingSpan(model, f)) });
    for (const f of pass.shared) {
      out.push({
        code: 'kailash-compat',
        severity: 'warning',
        message: f.message,
        span: copy(model.connections[f.connection]!.toInput.span),
      });
    }
    const all = applySuppressions(model.text, out, lines, model.format);
    return all.sort(compareDiagnostics);
  }
}

function nodeDeps(ctx: Context, node: NodeModel, flat: string): Deps {
  // The input names joined by NUL, as `map().join()` would give them, without a list per node.
  const incoming = ctx.incoming.get(node.id);
  let inputs = '';
  if (incoming)
    for (let i = 0; i < incoming.length; i++)
      inputs = i === 0 ? incoming[i]!.toInput.value : `${inputs}\u0000${incoming[i]!.toInput.value}`;
  return {
    a: inputs,
    b: ctx.nodeParameters
      .get(node.id)
      ?.entries.map((e) => e.key)
      .join('\u0000'),
    c: flat,
  };
}

function connectionDeps(model: WorkflowModel, c: ConnectionModel, repeat: boolean, ids: () => string): Deps {
  const endpoint = (ref: ConnectionModel['from']): unknown => {
    if (!ref) return null;
    const node = model.nodesById.get(ref.value);
    return node ? node.entry : ids();
  };
  return { a: endpoint(c.from), b: endpoint(c.to), c: repeat };
}

function hasSyntaxErrors(model: WorkflowModel): boolean {
  return model.diagnostics.some((d) => d.code === 'yaml-syntax');
}

function push(map: Map<string, number[]>, key: string, i: number): void {
  const list = map.get(key);
  if (list) list.push(i);
  else map.set(key, [i]);
}

// Indexed loops: these run once per item on open, before the JIT has made `for…of` free.
function sum(xs: number[]): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s;
}

function total(rs: Cached[]): number {
  let s = 0;
  for (let i = 0; i < rs.length; i++) s += sum(rs[i]!.calls);
  return s;
}

/** Whether a budget answers every call in turn (then the result is the unlimited one). */
function fits(calls: number[], budget: number): boolean {
  for (const c of calls) {
    if (budget < c) return false;
    budget -= c;
  }
  return true;
}

function copy(span: readonly [number, number]): [number, number] {
  return [span[0], span[1]];
}

/** A copy with its own span tuple, moved by `delta`. */
function moved(d: Diagnostic, delta: number): Diagnostic {
  return { ...d, span: [d.span[0] + delta, d.span[1] + delta] };
}
