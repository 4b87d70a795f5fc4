import type { PanelGraph } from '../common/panel';

export interface Placed {
  id: string;
  x: number;
  y: number;
}

export const NODE_W = 150;
export const NODE_H = 40;
const GAP_X = 60;
const GAP_Y = 24;

/**
 * A layered drawing computed here, with no remote library: layers by longest path from the
 * sources (cyclic edges ignored), rows ordered by the barycentre of their predecessors.
 */
export function layout(g: PanelGraph): { placed: Map<string, Placed>; width: number; height: number } {
  const ids = g.nodes.map((n) => n.id);
  const preds = new Map(ids.map((id) => [id, [] as string[]]));
  const succs = new Map(ids.map((id) => [id, [] as string[]]));
  for (const e of g.edges) {
    if (e.cycle || e.from === e.to || !preds.has(e.to) || !succs.has(e.from)) continue;
    preds.get(e.to)!.push(e.from);
    succs.get(e.from)!.push(e.to);
  }
  const layer = new Map<string, number>();
  const indeg = new Map(ids.map((id) => [id, preds.get(id)!.length]));
  const queue = ids.filter((id) => indeg.get(id) === 0);
  for (const id of queue) layer.set(id, 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    for (const s of succs.get(id)!) {
      layer.set(s, Math.max(layer.get(s) ?? 0, layer.get(id)! + 1));
      indeg.set(s, indeg.get(s)! - 1);
      if (indeg.get(s) === 0) queue.push(s);
    }
  }
  for (const id of ids) if (!layer.has(id)) layer.set(id, 0);
  const layers: string[][] = [];
  for (const id of ids) (layers[layer.get(id)!] ??= []).push(id);
  const row = new Map<string, number>();
  layers.forEach((l) => l.forEach((id, i) => row.set(id, i)));
  for (let sweep = 0; sweep < 2; sweep++) {
    for (const l of layers.slice(1)) {
      const bary = (id: string) => {
        const p = preds.get(id)!;
        return p.length ? p.reduce((a, x) => a + row.get(x)!, 0) / p.length : row.get(id)!;
      };
      l.sort((a, b) => bary(a) - bary(b));
      l.forEach((id, i) => row.set(id, i));
    }
  }
  const placed = new Map<string, Placed>();
  layers.forEach((l, li) => l.forEach((id, ri) => placed.set(id, { id, x: 20 + li * (NODE_W + GAP_X), y: 20 + ri * (NODE_H + GAP_Y) })));
  const width = 40 + layers.length * (NODE_W + GAP_X) - GAP_X;
  const height = 40 + Math.max(1, ...layers.map((l) => l.length)) * (NODE_H + GAP_Y) - GAP_Y;
  return { placed, width, height };
}
