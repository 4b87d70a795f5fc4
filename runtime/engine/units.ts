import type { WorkflowGraph } from '../graph/graph';
import { compareIds, topologicalOrder } from '../graph/graph';
import type { ConnectionModel, WorkflowModel } from '../model/types';

/** What the scheduler runs: one node, or a loop of nodes joined by `cycle: true` edges. */
export interface Unit {
  /** Nodes in the order Kailash runs them within one pass. */
  nodes: string[];
  /** The cyclic edges of a loop (empty for a single node). */
  cycleEdges: ConnectionModel[];
  /** Units that must finish first. */
  after: Set<Unit>;
  /** Sort key: Kailash's tie-break by id, for a loop its smallest id. */
  key: string;
  /** A chain of single nodes run as one request (chains.ts), in this order. */
  chain?: true;
}

/**
 * Splits a workflow into units ordered as Kailash orders them: Kahn's algorithm with ties broken
 * by id, where each loop (the strongly connected nodes of its cyclic edges) runs as one unit.
 */
export function planUnits(model: WorkflowModel, g: WorkflowGraph): Unit[] {
  if (!model.connections.some((c) => c.cycle)) return singleNodeUnits(g);
  const ids = g.ids;
  // Components of the graph with cyclic edges included.
  const all = new Map<string, Set<string>>();
  for (const id of ids) all.set(id, new Set(g.successors.get(id)));
  const cycleEdges = model.connections.filter(
    (c) => c.cycle && c.from && c.to && g.successors.has(c.from.value) && g.successors.has(c.to.value),
  );
  for (const c of cycleEdges) all.get(c.from!.value)!.add(c.to!.value);
  const comp = components(ids, all);
  const unitOf = new Map<string, Unit>();
  const units: Unit[] = [];
  for (const members of comp) {
    const unit: Unit = { nodes: members, cycleEdges: [], after: new Set(), key: [...members].sort(compareIds)[0]! };
    units.push(unit);
    for (const m of members) unitOf.set(m, unit);
  }
  for (const c of cycleEdges) unitOf.get(c.from!.value)!.cycleEdges.push(c);
  for (const [from, tos] of all) {
    for (const to of tos) {
      const a = unitOf.get(from)!;
      const b = unitOf.get(to)!;
      if (a !== b) b.after.add(a);
    }
  }
  for (const u of units) u.nodes = orderWithin(u.nodes, g);
  return kahn(units);
}

/** Without loops every unit is one node, in Kailash's topological order (the common case, kept cheap). */
function singleNodeUnits(g: WorkflowGraph): Unit[] {
  const units = new Map<string, Unit>();
  for (const id of topologicalOrder(g).order) units.set(id, { nodes: [id], cycleEdges: [], after: new Set(), key: id });
  for (const [id, u] of units) for (const p of g.predecessors.get(id)!) u.after.add(units.get(p)!);
  return [...units.values()];
}

/** Kahn over units with the sorted-FIFO tie-break of Kailash's `dag.py`. */
function kahn(units: Unit[]): Unit[] {
  const indegree = new Map(units.map((u) => [u, u.after.size]));
  const next = new Map<Unit, Unit[]>(units.map((u) => [u, []]));
  for (const u of units) for (const a of u.after) next.get(a)!.push(u);
  const queue = units.filter((u) => u.after.size === 0).sort((a, b) => compareIds(a.key, b.key));
  const out: Unit[] = [];
  for (let i = 0; i < queue.length; i++) {
    const u = queue[i]!;
    out.push(u);
    for (const s of next.get(u)!.sort((a, b) => compareIds(a.key, b.key))) {
      const d = indegree.get(s)! - 1;
      indegree.set(s, d);
      if (d === 0) queue.push(s);
    }
  }
  return out;
}

/** A loop's nodes ordered by its non-cyclic edges (Kahn, id tie-break). */
function orderWithin(nodes: string[], g: WorkflowGraph): string[] {
  if (nodes.length === 1) return nodes;
  const set = new Set(nodes);
  const indegree = new Map(nodes.map((n) => [n, [...g.predecessors.get(n)!].filter((p) => set.has(p)).length]));
  const queue = nodes.filter((n) => indegree.get(n) === 0).sort(compareIds);
  const out: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const n = queue[i]!;
    out.push(n);
    for (const s of [...g.successors.get(n)!].filter((x) => set.has(x)).sort(compareIds)) {
      const d = indegree.get(s)! - 1;
      indegree.set(s, d);
      if (d === 0) queue.push(s);
    }
  }
  return out;
}

/** Strongly connected components (Kosaraju, iterative). */
function components(ids: string[], succ: Map<string, Set<string>>): string[][] {
  const seen = new Set<string>();
  const finish: string[] = [];
  for (const root of ids) {
    if (seen.has(root)) continue;
    const stack: [string, Iterator<string>][] = [[root, succ.get(root)![Symbol.iterator]()]];
    seen.add(root);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const n = top[1].next();
      if (n.done) {
        finish.push(top[0]);
        stack.pop();
      } else if (!seen.has(n.value)) {
        seen.add(n.value);
        stack.push([n.value, succ.get(n.value)![Symbol.iterator]()]);
      }
    }
  }
  const pred = new Map(ids.map((id) => [id, [] as string[]]));
  for (const [a, bs] of succ) for (const b of bs) pred.get(b)!.push(a);
  const assigned = new Set<string>();
  const out: string[][] = [];
  for (let i = finish.length - 1; i >= 0; i--) {
    const root = finish[i]!;
    if (assigned.has(root)) continue;
    const comp: string[] = [];
    const stack = [root];
    assigned.add(root);
    while (stack.length) {
      const n = stack.pop()!;
      comp.push(n);
      for (const p of pred.get(n)!) if (!assigned.has(p)) (assigned.add(p), stack.push(p));
    }
    out.push(comp);
  }
  return out;
}
