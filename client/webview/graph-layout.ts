import { Graph, layout } from '@dagrejs/dagre';
import type { PanelGraph } from '../common/panel';

export const NODE_W = 176;
export const NODE_H = 46;
/** Above this many nodes the whole graph is not laid out (dagre needs seconds): a neighbourhood is. */
export const GRAPH_LIMIT = 120;
const LABEL_CHAR_W = 6;
const LABEL_H = 14;

export interface LaidNode {
  id: string;
  /** Top-left corner. */
  x: number;
  y: number;
}

export interface LaidEdge {
  /** Index into the graph's `edges`. */
  index: number;
  points: { x: number; y: number }[];
  labelX: number;
  labelY: number;
}

export interface GraphLayout {
  nodes: LaidNode[];
  edges: LaidEdge[];
  width: number;
  height: number;
}

/** The text an edge is labelled with: its ports, and out of a SwitchNode the case first. */
export function edgeLabel(e: PanelGraph['edges'][number]): string {
  return e.case !== undefined ? `${e.case}: ${e.label}` : e.label;
}

/** A left-to-right layered drawing of the nodes in `only` (all when absent), by dagre. */
export function layoutGraph(g: PanelGraph, only?: ReadonlySet<string>): GraphLayout {
  const dg = new Graph({ multigraph: true });
  dg.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 70, edgesep: 10, marginx: 12, marginy: 12 });
  const ids = g.nodes.filter((n) => !only || only.has(n.id)).map((n) => n.id);
  const known = new Set(ids);
  for (const id of ids) dg.setNode(id, { width: NODE_W, height: NODE_H });
  g.edges.forEach((e, i) => {
    if (!known.has(e.from) || !known.has(e.to)) return;
    dg.setEdge(e.from, e.to, { width: Math.min(220, edgeLabel(e).length * LABEL_CHAR_W + 28), height: LABEL_H, labelpos: 'c' }, String(i));
  });
  layout(dg);
  const nodes = ids.map((id) => {
    const n = dg.node(id);
    return { id, x: n.x - NODE_W / 2, y: n.y - NODE_H / 2 };
  });
  const edges: LaidEdge[] = dg.edges().map((ref) => {
    const e = dg.edge(ref);
    return { index: Number(ref.name), points: e.points ?? [], labelX: e.x ?? 0, labelY: e.y ?? 0 };
  });
  const box = dg.graph();
  return { nodes, edges, width: box.width ?? NODE_W, height: box.height ?? NODE_H };
}

/** The nodes within `depth` edges of `center`, either direction, at most `limit` of them (breadth first). */
export function neighbourhood(g: PanelGraph, center: string, depth = 2, limit = GRAPH_LIMIT): Set<string> {
  const next = new Map<string, string[]>();
  for (const e of g.edges) {
    (next.get(e.from) ?? next.set(e.from, []).get(e.from)!).push(e.to);
    (next.get(e.to) ?? next.set(e.to, []).get(e.to)!).push(e.from);
  }
  const seen = new Set([center]);
  let ring = [center];
  for (let d = 0; d < depth && ring.length; d++) {
    const out: string[] = [];
    for (const id of ring)
      for (const n of next.get(id) ?? []) {
        if (seen.size >= limit) return seen;
        if (!seen.has(n)) {
          seen.add(n);
          out.push(n);
        }
      }
    ring = out;
  }
  return seen;
}

export interface View {
  /** Scale, then translation in screen pixels. */
  k: number;
  x: number;
  y: number;
}

export const MIN_SCALE = 0.1;
export const MAX_SCALE = 3;

/** The view that shows the whole drawing in the box, centred, never enlarged past 1:1. */
export function fit(width: number, height: number, boxW: number, boxH: number, pad = 12): View {
  const k = clamp(Math.min(1, (boxW - 2 * pad) / width, (boxH - 2 * pad) / height));
  return { k, x: (boxW - width * k) / 2, y: (boxH - height * k) / 2 };
}

/** Zooms by `factor` keeping the point (px, py) of the box where it is. */
export function zoomAt(v: View, factor: number, px: number, py: number): View {
  const k = clamp(v.k * factor);
  return { k, x: px - ((px - v.x) * k) / v.k, y: py - ((py - v.y) * k) / v.k };
}

function clamp(k: number): number {
  return Math.max(MIN_SCALE, Math.min(MAX_SCALE, k));
}

/** An edge's polyline as a smooth SVG path through dagre's points. */
export function edgePath(points: readonly { x: number; y: number }[]): string {
  if (points.length === 0) return '';
  const r = (n: number) => Math.round(n * 10) / 10;
  let d = `M${r(points[0]!.x)},${r(points[0]!.y)}`;
  if (points.length === 2) return `${d}L${r(points[1]!.x)},${r(points[1]!.y)}`;
  // Quadratic curves through the midpoints: the bends of dagre's polyline, rounded.
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i]!;
    const q = points[i + 1]!;
    const mx = i === points.length - 2 ? q.x : (p.x + q.x) / 2;
    const my = i === points.length - 2 ? q.y : (p.y + q.y) / 2;
    d += `Q${r(p.x)},${r(p.y)} ${r(mx)},${r(my)}`;
  }
  return d;
}
