import type { WorkflowModel } from '../model/types';

/**
 * The connection graph as the graph checks need it, in typed arrays: nodes by number (their
 * order in `nodesById`), each connection's endpoints, and the non-cycle edges grouped by source.
 * At 10,000 nodes the `Map`/`Set` graph of `runtime/graph/graph.ts` cost tens of milliseconds
 * and some megabytes of short-lived sets on every whole validation; this costs a few arrays.
 * The engine keeps that graph: it needs ids, this needs only the findings.
 */
export interface GraphIndex {
  ids: string[];
  /** Per connection (by position): its endpoints' node numbers, -1 when missing or not a node. */
  from: Int32Array;
  to: Int32Array;
  /** Successors of node `n` are `succ[start[n]]` to `succ[start[n + 1] - 1]`, in connection order. */
  start: Int32Array;
  succ: Int32Array;
  /** 1 for a node touched by any connection between nodes, cyclic ones included. */
  connected: Uint8Array;
}

export function graphIndex(model: WorkflowModel): GraphIndex {
  const ids = [...model.nodesById.keys()];
  const number = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) number.set(ids[i]!, i);
  const m = model.connections.length;
  const from = new Int32Array(m);
  const to = new Int32Array(m);
  const start = new Int32Array(ids.length + 1);
  const connected = new Uint8Array(ids.length);
  for (let i = 0; i < m; i++) {
    const c = model.connections[i]!;
    const a = c.from === undefined ? -1 : (number.get(c.from.value) ?? -1);
    const b = c.to === undefined ? -1 : (number.get(c.to.value) ?? -1);
    if (a < 0 || b < 0) {
      from[i] = to[i] = -1;
      continue;
    }
    from[i] = a;
    to[i] = b;
    connected[a] = connected[b] = 1;
    if (!c.cycle && a !== b) start[a + 1]!++;
  }
  for (let n = 0; n < ids.length; n++) start[n + 1]! += start[n]!;
  const succ = new Int32Array(start[ids.length]!);
  const fill = start.slice(0, ids.length);
  for (let i = 0; i < m; i++) {
    const a = from[i]!;
    const b = to[i]!;
    if (a < 0 || a === b || model.connections[i]!.cycle) continue;
    succ[fill[a]!++] = b;
  }
  return { ids, from, to, start, succ, connected };
}

/**
 * Strongly connected components with more than one node, as node numbers, in the order and
 * member order `cyclicComponents` of `runtime/graph/graph.ts` gives (the same iterative Tarjan;
 * a repeated edge changes nothing there, so successors need no de-duplication here).
 */
export function cyclicComponentsOf(g: GraphIndex): number[][] {
  const n = g.ids.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  let top = 0;
  // The depth-first walk's frames: a node and the position of its next edge.
  const frameNode = new Int32Array(n);
  const frameEdge = new Int32Array(n);
  let depth = 0;
  const out: number[][] = [];
  let counter = 0;
  const visit = (v: number) => {
    index[v] = low[v] = counter++;
    stack[top++] = v;
    onStack[v] = 1;
    frameNode[depth] = v;
    frameEdge[depth++] = g.start[v]!;
  };
  for (let root = 0; root < n; root++) {
    if (index[root]! >= 0) continue;
    visit(root);
    while (depth > 0) {
      const f = depth - 1;
      const v = frameNode[f]!;
      const e = frameEdge[f]!;
      if (e < g.start[v + 1]!) {
        frameEdge[f] = e + 1;
        const w = g.succ[e]!;
        if (index[w]! < 0) visit(w);
        else if (onStack[w] && index[w]! < low[v]!) low[v] = index[w]!;
        continue;
      }
      depth--;
      if (depth > 0) {
        const parent = frameNode[depth - 1]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
      }
      if (low[v] === index[v]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack[--top]!;
          onStack[w] = 0;
          comp.push(w);
        } while (w !== v);
        if (comp.length > 1) out.push(comp.reverse());
      }
    }
  }
  return out;
}
