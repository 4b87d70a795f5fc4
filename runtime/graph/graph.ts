import type { WorkflowModel } from '../model/types';

/** The workflow as a graph over node ids, built from connections whose endpoints exist. */
export interface WorkflowGraph {
  ids: string[];
  /** Non-cycle edges: what Kailash orders by. */
  successors: Map<string, Set<string>>;
  predecessors: Map<string, Set<string>>;
  /** Every node touched by any connection, cyclic ones included. */
  connected: Set<string>;
}

export function buildGraph(model: WorkflowModel): WorkflowGraph {
  const ids = [...model.nodesById.keys()];
  const successors = new Map<string, Set<string>>();
  const predecessors = new Map<string, Set<string>>();
  for (const id of ids) {
    successors.set(id, new Set());
    predecessors.set(id, new Set());
  }
  const connected = new Set<string>();
  for (const c of model.connections) {
    const a = c.from?.value;
    const b = c.to?.value;
    if (a === undefined || b === undefined || !model.nodesById.has(a) || !model.nodesById.has(b)) continue;
    connected.add(a);
    connected.add(b);
    if (c.cycle || a === b) continue;
    successors.get(a)!.add(b);
    predecessors.get(b)!.add(a);
  }
  return { ids, successors, predecessors, connected };
}

/**
 * Kailash's execution order: Kahn's algorithm with a FIFO queue seeded by the zero-in-degree ids
 * in lexicographic order, successors visited in lexicographic order (`dag.py`). Nodes left over
 * sit on unmarked cycles.
 */
export function topologicalOrder(g: WorkflowGraph): { order: string[]; leftover: string[] } {
  const indegree = new Map<string, number>();
  for (const id of g.ids) indegree.set(id, g.predecessors.get(id)!.size);
  const queue = g.ids.filter((id) => indegree.get(id) === 0).sort(compareIds);
  const order: string[] = [];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head]!;
    order.push(id);
    const next = [...g.successors.get(id)!].sort(compareIds);
    for (const s of next) {
      const d = indegree.get(s)! - 1;
      indegree.set(s, d);
      if (d === 0) queue.push(s);
    }
  }
  const done = new Set(order);
  return { order, leftover: g.ids.filter((id) => !done.has(id)) };
}

/** Python's default string order (code points), which is what Kailash's `sorted()` uses. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Strongly connected components with more than one node (Tarjan, iterative: no stack overflow on long chains). */
export function cyclicComponents(g: WorkflowGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const root of g.ids) {
    if (index.has(root)) continue;
    const work: { id: string; it: Iterator<string> }[] = [];
    const visit = (id: string) => {
      index.set(id, counter);
      low.set(id, counter);
      counter++;
      stack.push(id);
      onStack.add(id);
      work.push({ id, it: g.successors.get(id)![Symbol.iterator]() });
    };
    visit(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const step = frame.it.next();
      if (!step.done) {
        const w = step.value;
        if (!index.has(w)) visit(w);
        else if (onStack.has(w)) low.set(frame.id, Math.min(low.get(frame.id)!, index.get(w)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== frame.id);
        if (comp.length > 1) out.push(comp.reverse());
      }
    }
  }
  return out;
}

/** A node and everything it depends on, cyclic edges included: what a run `to` it executes. */
export function upstreamOf(g: WorkflowGraph, model: WorkflowModel, target: string): Set<string> {
  const seen = new Set<string>([target]);
  const stack = [target];
  const preds = (id: string) => [
    ...g.predecessors.get(id)!,
    ...model.connections.filter((c) => c.cycle && c.to?.value === id && c.from).map((c) => c.from!.value),
  ];
  while (stack.length) for (const p of preds(stack.pop()!)) if (!seen.has(p)) (seen.add(p), stack.push(p));
  return seen;
}
