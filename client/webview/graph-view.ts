import type { NodeDiff } from '../common/diff';
import type { PanelGraph, RunView } from '../common/panel';
import { isMarker } from '../common/schema';
import { button, count, el, svg } from './dom';
import {
  edgeLabel,
  edgePath,
  fit,
  GRAPH_LIMIT,
  layoutGraph,
  neighbourhood,
  NODE_H,
  NODE_W,
  zoomAt,
  type GraphLayout,
  type View,
} from './graph-layout';
import { categoryIcon } from './icons';
import { STATUS, statusOf } from './status';

/** Layouts kept, by graph key and centre (a dagre layout of a neighbourhood is tens of ms). */
const LAYOUT_CACHE = 8;

interface Drawn {
  group: SVGGElement;
  glyph: SVGTextElement;
  /** The type line, which says "paused" while the debugger holds the node. */
  type: SVGTextElement;
  typeText: string;
  title: SVGTitleElement;
}

/**
 * The workflow as a directed graph: laid out by dagre, fitted to its box, zoomed by the wheel or
 * the buttons, panned by dragging. The drawing is rebuilt only when the graph (or, for graphs over
 * GRAPH_LIMIT nodes, the neighbourhood shown) changes; a run's events only restyle it.
 */
export class GraphView {
  private readonly svgEl = svg('svg', { role: 'group' }, 'graph-svg');
  private readonly viewport = svg('g', {}, 'viewport');
  private readonly note = el('div', 'graph-note');
  private key = '';
  private laid: GraphLayout | undefined;
  private readonly layouts = new Map<string, GraphLayout>();
  private layoutCount = 0;
  private view: View = { k: 1, x: 0, y: 0 };
  /** The user has zoomed or panned: a resize no longer refits. */
  private moved = false;
  private nodes = new Map<string, Drawn>();
  private counts: { index: number; text: SVGTSpanElement }[] = [];
  private graph: PanelGraph | undefined;

  constructor(
    private readonly box: HTMLElement,
    private readonly onSelect: (id: string, reveal: boolean) => void,
  ) {
    const defs = svg('defs');
    const marker = svg('marker', {
      id: 'arrow',
      viewBox: '0 0 10 10',
      refX: 9,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      orient: 'auto-start-reverse',
    });
    marker.append(svg('path', { d: 'M0,0L10,5L0,10Z' }, 'arrowhead'));
    defs.append(marker);
    this.svgEl.append(defs, this.viewport);
    this.svgEl.setAttribute('aria-label', 'workflow graph');
    const tools = el('div', 'graph-tools');
    tools.append(
      button('+', 'Zoom in', () => this.zoom(1.25)),
      button('−', 'Zoom out', () => this.zoom(0.8)),
      button('Fit', 'Fit the graph to the panel', () => this.fit()),
    );
    box.append(this.svgEl, tools, this.note);
    this.wire();
    new ResizeObserver(() => {
      if (!this.moved) this.fit();
    }).observe(box);
  }

  update(g: PanelGraph | undefined, run: RunView | undefined, diffs: NodeDiff[] | undefined, selected: string | undefined): void {
    this.graph = g;
    this.box.hidden = !g || g.nodes.length === 0;
    if (!g || g.nodes.length === 0) return;
    const big = g.nodes.length > GRAPH_LIMIT;
    const center = big ? (selected ?? focusOf(g, run)) : undefined;
    // A graph's key (a hash the extension computes) names it; without one, its file and nodes do.
    const key = `${g.key ?? `${g.file}\n${g.nodes.length}\n${g.edges.length}\n${g.nodes.map((n) => n.id).join(',')}`}\n${center ?? ''}`;
    if (key !== this.key || !this.laid) {
      this.key = key;
      const only = center !== undefined ? neighbourhood(g, center) : undefined;
      this.laid = this.layouts.get(key);
      if (!this.laid) {
        const t = performance.now();
        this.laid = layoutGraph(g, only);
        this.svgEl.dataset.layoutMs = (performance.now() - t).toFixed(1);
        this.svgEl.dataset.layouts = String(++this.layoutCount);
        this.layouts.set(key, this.laid);
        // The last few: going back to a past run, or to a node shown before, is drawn without a new layout.
        if (this.layouts.size > LAYOUT_CACHE) this.layouts.delete(this.layouts.keys().next().value!);
      }
      this.draw(g, this.laid);
      this.note.textContent = only
        ? `Showing the ${count(only.size, 'node')} around ${center} of ${g.nodes.length.toLocaleString('en-US')}: select a node in the list to move there.`
        : '';
      this.note.hidden = !only;
      this.moved = false;
      this.fit();
    }
    const changed = new Set((diffs ?? []).filter((d) => d.kind !== 'same').map((d) => d.id));
    for (const [id, d] of this.nodes) {
      const status = statusOf(run, id);
      const n = g.nodes.find((x) => x.id === id);
      d.group.setAttribute('class', `gnode ${status}${selected === id ? ' selected' : ''}${changed.has(id) ? ' diff' : ''}`);
      d.group.setAttribute('aria-label', `${id}, ${n?.type ?? ''}, ${STATUS[status].label}${changed.has(id) ? ', changed' : ''}`);
      d.glyph.textContent = STATUS[status].glyph;
      d.type.textContent = status === 'paused' ? '‖ paused before it runs' : d.typeText;
      d.title.textContent = `${id} (${n?.type ?? ''}): ${STATUS[status].label}`;
    }
    for (const c of this.counts) {
      const e = g.edges[c.index]!;
      const items = itemCount(run?.nodes[e.from]?.output, e.fromOutput);
      c.text.textContent = items === undefined ? '' : ` · ${count(items, 'item')}`;
    }
  }

  private draw(g: PanelGraph, l: GraphLayout): void {
    this.nodes.clear();
    this.counts = [];
    const edges = svg('g', {}, 'edges');
    const labels = svg('g', {}, 'labels');
    for (const e of l.edges) {
      const edge = g.edges[e.index]!;
      const path = svg('path', { d: edgePath(e.points), 'marker-end': 'url(#arrow)' }, edge.cycle ? 'edge cycle' : 'edge');
      const t = svg('title');
      t.textContent = `${edge.from} → ${edge.to}: ${edgeLabel(edge)}${edge.cycle ? ' (cycle)' : ''}`;
      path.append(t);
      edges.append(path);
      const text = svg('text', { x: Math.round(e.labelX), y: Math.round(e.labelY) + 4, 'text-anchor': 'middle' }, 'elabel');
      text.textContent = edgeLabel(edge);
      const items = svg('tspan', {}, 'ecount');
      text.append(items);
      labels.append(text);
      this.counts.push({ index: e.index, text: items });
    }
    const nodes = svg('g', {}, 'nodes');
    const types = new Map(g.nodes.map((n) => [n.id, n]));
    for (const p of l.nodes) {
      const n = types.get(p.id)!;
      const group = svg('g', { transform: `translate(${Math.round(p.x)},${Math.round(p.y)})`, tabindex: 0, role: 'button' }, 'gnode');
      group.dataset.node = p.id;
      const title = svg('title');
      const rect = svg('rect', { width: NODE_W, height: NODE_H, rx: 5 });
      const label = svg('text', { x: 32, y: 19 }, 'gid');
      label.textContent = p.id.length > 19 ? `${p.id.slice(0, 18)}…` : p.id;
      const type = svg('text', { x: 32, y: 35 }, 'gtype');
      type.textContent = n.type.length > 24 ? `${n.type.slice(0, 23)}…` : n.type;
      const glyph = svg('text', { x: NODE_W - 8, y: 19, 'text-anchor': 'end', 'aria-hidden': 'true' }, 'gglyph');
      group.append(title, rect, categoryIcon(n.category, 9, 15), label, type, glyph);
      const pick = () => this.onSelect(p.id, true);
      group.addEventListener('click', pick);
      group.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          pick();
        }
      });
      nodes.append(group);
      this.nodes.set(p.id, { group, glyph, title, type, typeText: type.textContent });
    }
    this.viewport.replaceChildren(edges, labels, nodes);
  }

  fit(): void {
    if (!this.laid) return;
    const w = this.svgEl.clientWidth || this.box.clientWidth;
    const h = this.svgEl.clientHeight || this.box.clientHeight;
    if (!w || !h) return;
    this.view = fit(this.laid.width, this.laid.height, w, h);
    this.moved = false;
    this.apply();
  }

  /** The drawing's scale now (1 is 1:1), for tests and the zoom buttons. */
  get scale(): number {
    return this.view.k;
  }

  private zoom(factor: number, px?: number, py?: number): void {
    const w = this.svgEl.clientWidth;
    const h = this.svgEl.clientHeight;
    this.view = zoomAt(this.view, factor, px ?? w / 2, py ?? h / 2);
    this.moved = true;
    this.apply();
  }

  private apply(): void {
    const { k, x, y } = this.view;
    this.viewport.setAttribute('transform', `translate(${x.toFixed(1)},${y.toFixed(1)}) scale(${k.toFixed(4)})`);
    this.svgEl.dataset.scale = k.toFixed(4);
  }

  private wire(): void {
    this.svgEl.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const r = this.svgEl.getBoundingClientRect();
        this.zoom(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
      },
      { passive: false },
    );
    let drag: { id: number; x: number; y: number; vx: number; vy: number } | undefined;
    this.svgEl.addEventListener('pointerdown', (e) => {
      if ((e.target as Element).closest('.gnode') || e.button !== 0) return;
      drag = { id: e.pointerId, x: e.clientX, y: e.clientY, vx: this.view.x, vy: this.view.y };
      this.svgEl.setPointerCapture(e.pointerId);
      this.svgEl.classList.add('panning');
    });
    this.svgEl.addEventListener('pointermove', (e) => {
      if (!drag || e.pointerId !== drag.id) return;
      this.view = { ...this.view, x: drag.vx + e.clientX - drag.x, y: drag.vy + e.clientY - drag.y };
      this.moved = true;
      this.apply();
    });
    const end = (e: PointerEvent) => {
      if (drag && e.pointerId === drag.id) drag = undefined;
      this.svgEl.classList.remove('panning');
    };
    this.svgEl.addEventListener('pointerup', end);
    this.svgEl.addEventListener('pointercancel', end);
    // The box itself is a tab stop: + and − zoom, 0 fits, arrows pan.
    this.box.tabIndex = 0;
    this.box.setAttribute('aria-label', 'workflow graph: + and − zoom, 0 fits, arrows pan');
    this.box.addEventListener('keydown', (e) => {
      if (e.target !== this.box) return;
      const pan: Record<string, [number, number]> = { ArrowLeft: [40, 0], ArrowRight: [-40, 0], ArrowUp: [0, 40], ArrowDown: [0, -40] };
      if (e.key === '+' || e.key === '=') this.zoom(1.25);
      else if (e.key === '-') this.zoom(0.8);
      else if (e.key === '0') this.fit();
      else if (pan[e.key]) {
        this.view = { ...this.view, x: this.view.x + pan[e.key]![0], y: this.view.y + pan[e.key]![1] };
        this.moved = true;
        this.apply();
      } else return;
      e.preventDefault();
    });
  }
}

/** For a graph too big to draw whole: the node worth showing first (a failure, else what runs, else the first). */
function focusOf(g: PanelGraph, run: RunView | undefined): string {
  for (const s of ['failed', 'paused', 'running'] as const) {
    const hit = g.nodes.find((n) => run?.nodes[n.id]?.status === s);
    if (hit) return hit.id;
  }
  return g.nodes[0]!.id;
}

/** How many items an edge carries: the length of the list at its output path, when it is one. */
export function itemCount(output: unknown, path: string): number | undefined {
  let v = output;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  if (!Array.isArray(v)) return undefined;
  const last = v[v.length - 1];
  return isMarker(last) ? v.length - 1 + Number(/\d+/.exec(last as string)![0]) : v.length;
}
