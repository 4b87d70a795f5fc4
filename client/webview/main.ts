import { applyEvent, hintFor, type FromPanel, type PanelState, type RunView, type ToPanel } from '../shared/panel';
import { jsonTree } from './json-tree';
import { layout, NODE_H, NODE_W } from './layout';

declare function acquireVsCodeApi(): { postMessage(m: FromPanel): void };
const vscode = acquireVsCodeApi();
const post = (m: FromPanel) => vscode.postMessage(m);

let state: PanelState = { runs: [] };
let compareWith: string | undefined;
let selected: string | undefined;
const expanded = new Set<string>();

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const el = (tag: string, cls?: string, text?: string) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};
const SVG = 'http://www.w3.org/2000/svg';

function current(): RunView | undefined {
  return state.runs.find((r) => r.runId === state.current) ?? state.runs[state.runs.length - 1];
}

function ms(v: number | undefined): string {
  if (v === undefined) return '';
  return v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(2)} s`;
}

function render(): void {
  const run = current();
  $('title').textContent = state.graph ? state.graph.name : 'Kailash run';
  const pill = $('status');
  pill.textContent = run
    ? run.status === 'running'
      ? 'running…'
      : `${run.status}${run.durationMs !== undefined ? ` in ${ms(run.durationMs)}` : ''}`
    : 'no run yet';
  pill.className = `pill ${run?.status ?? 'idle'}`;
  $('cancel').hidden = run?.status !== 'running';
  $<HTMLButtonElement>('rerun').disabled = run?.status === 'running';
  $('message').textContent = run?.message ?? '';
  renderHistory();
  renderGraph(run);
  renderNodes(run);
}

function renderHistory(): void {
  const pick = $<HTMLSelectElement>('history');
  const cmp = $<HTMLSelectElement>('compare');
  pick.replaceChildren();
  cmp.replaceChildren(new Option('compare with…', ''));
  for (const r of [...state.runs].reverse()) {
    const label = `${new Date(r.startedAt).toLocaleTimeString()} · ${r.label} · ${r.status}`;
    pick.append(new Option(label, r.runId, false, r.runId === current()?.runId));
    if (r.runId !== current()?.runId) cmp.append(new Option(label, r.runId, false, r.runId === compareWith));
  }
}

function renderGraph(run: RunView | undefined): void {
  const host = $('graph');
  host.replaceChildren();
  const g = state.graph;
  if (!g || g.nodes.length === 0) return;
  const { placed, width, height } = layout(g);
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  for (const e of g.edges) {
    const a = placed.get(e.from);
    const b = placed.get(e.to);
    if (!a || !b) continue;
    const path = document.createElementNS(SVG, 'path');
    const x1 = a.x + NODE_W;
    const y1 = a.y + NODE_H / 2;
    const x2 = b.x;
    const y2 = b.y + NODE_H / 2;
    const d =
      e.cycle || x2 <= x1
        ? `M ${x1} ${y1} C ${x1 + 60} ${y1 - 60}, ${x2 - 60} ${y2 - 60}, ${x2} ${y2}`
        : `M ${x1} ${y1} C ${(x1 + x2) / 2} ${y1}, ${(x1 + x2) / 2} ${y2}, ${x2} ${y2}`;
    path.setAttribute('d', d);
    path.setAttribute('class', e.cycle ? 'edge cycle' : 'edge');
    const title = document.createElementNS(SVG, 'title');
    title.textContent = e.label;
    path.append(title);
    svg.append(path);
  }
  for (const n of g.nodes) {
    const p = placed.get(n.id)!;
    const status = run?.nodes[n.id]?.status ?? 'not-run';
    const group = document.createElementNS(SVG, 'g');
    group.setAttribute('class', `gnode ${status}${selected === n.id ? ' selected' : ''}`);
    group.setAttribute('data-node', n.id);
    group.setAttribute('tabindex', '0');
    const rect = document.createElementNS(SVG, 'rect');
    for (const [k, v] of Object.entries({ x: p.x, y: p.y, width: NODE_W, height: NODE_H, rx: 6 })) rect.setAttribute(k, String(v));
    const label = document.createElementNS(SVG, 'text');
    label.setAttribute('x', String(p.x + 8));
    label.setAttribute('y', String(p.y + 16));
    label.textContent = n.id.length > 20 ? `${n.id.slice(0, 19)}…` : n.id;
    const type = document.createElementNS(SVG, 'text');
    type.setAttribute('x', String(p.x + 8));
    type.setAttribute('y', String(p.y + 31));
    type.setAttribute('class', 'gtype');
    type.textContent = n.type;
    group.append(rect, label, type);
    group.addEventListener('click', () => select(n.id, true));
    svg.append(group);
  }
  host.append(svg);
}

function renderNodes(run: RunView | undefined): void {
  const list = $('nodes');
  list.replaceChildren();
  const other = compareWith ? state.runs.find((r) => r.runId === compareWith) : undefined;
  for (const n of state.graph?.nodes ?? []) {
    const v = run?.nodes[n.id];
    const row = el('div', `row ${v?.status ?? 'not-run'}${selected === n.id ? ' selected' : ''}`);
    row.dataset.node = n.id;
    const head = el('div', 'row-head');
    head.append(el('span', 'icon', icon(v?.status)));
    const name = el('a', 'node-id', n.id);
    name.setAttribute('href', '#');
    name.addEventListener('click', (ev) => {
      ev.preventDefault();
      select(n.id, true);
    });
    head.append(name, el('span', 'node-type', n.type), el('span', 'dur', ms(v?.durationMs)));
    if (v?.attempts && v.attempts > 1) head.append(el('span', 'badge', `${v.attempts} attempts`));
    if (v?.reused) head.append(el('span', 'badge', 'reused'));
    for (const [key, s] of Object.entries(run?.breakers ?? {}))
      if (s !== 'closed') head.append(el('span', `badge breaker-${s}`, `breaker ${key}: ${s}`));
    if (other) {
      const o = other.nodes[n.id];
      const same = o && o.status === v?.status && JSON.stringify(o.output) === JSON.stringify(v?.output);
      head.append(
        el(
          'span',
          `badge ${same ? 'same' : 'changed'}`,
          same ? 'same as compared run' : `was ${o?.status ?? 'absent'} ${ms(o?.durationMs)}`,
        ),
      );
    }
    if (run && v?.status === 'succeeded' && v.output !== undefined) {
      const pin = el('button', 'pin', 'Pin');
      pin.title = `Pin this output: write ${n.id}'s output (secrets masked) into the workflow's test file`;
      pin.addEventListener('click', () => post({ type: 'pin', runId: run.runId, node: n.id }));
      head.append(pin);
    }
    const toggle = el('button', 'toggle', expanded.has(n.id) ? '▾' : '▸');
    toggle.setAttribute('aria-label', `details of ${n.id}`);
    toggle.addEventListener('click', () => {
      if (expanded.has(n.id)) expanded.delete(n.id);
      else expanded.add(n.id);
      renderNodes(current());
    });
    head.prepend(toggle);
    row.append(head);
    if (expanded.has(n.id) && v) row.append(details(v, other?.nodes[n.id]));
    list.append(row);
  }
}

function details(v: RunView['nodes'][string], other: RunView['nodes'][string] | undefined): HTMLElement {
  const box = el('div', 'details');
  for (const r of v.retries ?? []) box.append(el('div', 'retry', `retry ${r.attempt} after ${r.delayMs} ms: ${r.cause}`));
  if (v.error) {
    box.append(el('div', 'error', `${v.error.type}: ${v.error.message}`));
    const hint = hintFor(v.error.type);
    if (hint) box.append(el('div', 'hint', hint));
  }
  if (v.output !== undefined) {
    const bar = el('div', 'output-bar');
    const copy = el('button', 'copy', 'Copy as JSON');
    copy.addEventListener('click', () => post({ type: 'copy', text: JSON.stringify(v.output, null, 2) }));
    bar.append(copy);
    if (v.truncated) bar.append(el('span', 'note', 'preview (large values cut; the complete result is in the run record)'));
    box.append(bar, jsonTree(v.output));
  }
  if (other?.output !== undefined) {
    box.append(el('div', 'compare-title', 'compared run'), jsonTree(other.output, false));
  }
  return box;
}

function icon(s: string | undefined): string {
  return { succeeded: '✓', failed: '✗', skipped: '↷', cancelled: '■', running: '…', 'not-run': '·' }[s ?? 'not-run'] ?? '·';
}

function select(node: string, reveal: boolean): void {
  selected = node;
  expanded.add(node);
  render();
  document.querySelector(`.row[data-node="${CSS.escape(node)}"]`)?.scrollIntoView({ block: 'nearest' });
  if (reveal) post({ type: 'reveal', node });
}

window.addEventListener('message', (ev: MessageEvent<ToPanel>) => {
  const m = ev.data;
  if (m.type === 'state') state = m.state;
  else if (m.type === 'event') {
    const run = state.runs.find((r) => r.runId === m.runId);
    if (run) applyEvent(run, m.event);
  } else if (m.type === 'finished') {
    const i = state.runs.findIndex((r) => r.runId === m.run.runId);
    if (i === -1) state.runs.push(m.run);
    else state.runs[i] = m.run;
  } else if (m.type === 'select-node') {
    select(m.node, false);
    return;
  }
  render();
});

$('cancel').addEventListener('click', () => {
  const run = current();
  if (run) post({ type: 'cancel', runId: run.runId });
});
$('rerun').addEventListener('click', () => post({ type: 'rerun' }));
$<HTMLSelectElement>('history').addEventListener('change', (e) => {
  state.current = (e.target as HTMLSelectElement).value;
  render();
});
$<HTMLSelectElement>('compare').addEventListener('change', (e) => {
  compareWith = (e.target as HTMLSelectElement).value || undefined;
  render();
});
post({ type: 'ready' });
