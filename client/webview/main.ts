import { diffRuns, type NodeDiff } from '../common/diff';
import { applyEvent, applyPause, type FromPanel, type PanelGraph, type PanelState, type RunView, type ToPanel } from '../common/panel';
import { byId, count, el, ms } from './dom';
import { GraphView } from './graph-view';
import { nodeDetails } from './node-details';
import { NodeList } from './node-list';
import { STATUS, type Status } from './status';

// Marks the e2e test reads to say where the time to a drawn graph goes (the script, the first state, the first graph).
performance.mark('kailash:script');

declare function acquireVsCodeApi(): { postMessage(m: FromPanel): void };
const vscode = acquireVsCodeApi();
const post = (m: FromPanel) => vscode.postMessage(m);

let state: PanelState = { runs: [] };
let compareWith: string | undefined;
let selected: string | undefined;
/** Every graph seen this session, by key: a run is drawn with the graph it ran (`RunView.graph`), not with its file today. */
const graphs = new Map<string, PanelGraph>();

function graphOf(run: RunView | undefined): PanelGraph | undefined {
  return (run?.graph !== undefined ? graphs.get(run.graph) : undefined) ?? state.graph;
}

const graph = new GraphView(byId('graph'), (id, reveal) => select(id, reveal));
const list = new NodeList(byId('nodes'), (id, reveal) => select(id, reveal));

/** A run the user picked from the history: shown whatever graph the last state message carried. */
let picked: string | undefined;

/**
 * The run shown: the one picked, else the latest, unless the graph on show is not the one it ran
 * ("Show graph" on a file not run yet, or changed since its run: that run is in the history).
 */
function current(): RunView | undefined {
  const run = state.runs.find((r) => r.runId === (picked ?? state.current)) ?? state.runs[state.runs.length - 1];
  if (!picked && run && state.graph && (run.file !== state.graph.file || (run.graph !== undefined && run.graph !== state.graph.key)))
    return undefined;
  return run;
}

let frame = 0;
/** Bursts of events (a big run sends thousands) are drawn once a frame. */
function schedule(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    render();
  });
}

function render(): void {
  const run = current();
  const g = graphOf(run);
  byId('title').textContent = g ? g.name : 'Kailash run';
  const pill = byId('status');
  const status = run?.status ?? 'idle';
  const glyph = run ? (run.status === 'invalid' ? STATUS.failed.glyph : STATUS[run.status].glyph) : STATUS['not-run'].glyph;
  pill.textContent = run?.paused
    ? `${STATUS.paused.glyph} paused before ${run.paused.at.join(' › ')}`
    : `${glyph} ${run ? (run.status === 'running' ? 'running…' : `${run.status}${run.durationMs !== undefined ? ` in ${ms(run.durationMs)}` : ''}`) : 'no run yet'}`;
  pill.className = `pill ${run?.paused ? 'paused' : status}`;
  byId('cancel').hidden = run?.status !== 'running';
  const rerun = byId<HTMLButtonElement>('rerun');
  // Before any run there is nothing to run again.
  rerun.disabled = !run || run.status === 'running';
  rerun.title = run ? 'Run the last run again' : 'Run the workflow first (the Run lens, or Kailash: Run Workflow)';
  const message = byId('message');
  // A node's error is told once, in its details; the run's line only says where it stopped.
  const failedAt = run?.status === 'failed' ? g?.nodes.find((n) => run.nodes[n.id]?.status === 'failed')?.id : undefined;
  message.textContent = run?.paused
    ? `The debugger holds the run before ${run.paused.at.join(' › ')}: Continue or Step in the debug toolbar goes on.`
    : run?.status === 'cancelled'
      ? 'Cancelled: nodes that had not finished did not run.'
      : failedAt
        ? `Stopped at ${failedAt}: ${run!.nodes[failedAt]!.error?.type ?? 'failed'} (its details below say what to do).`
        : (run?.message ?? '');
  message.className = run?.paused ? 'paused' : run?.status === 'cancelled' ? 'cancelled' : '';
  renderHistory(run);
  // A diff is between runs of one file: a run of another file ends the comparison.
  let other = compareWith ? state.runs.find((r) => r.runId === compareWith) : undefined;
  if (other && other.file !== run?.file) other = compareWith = undefined;
  const ids = g?.nodes.map((n) => n.id) ?? [];
  const diffs = run && other ? diffRuns(other, run, ids) : undefined;
  renderSummary(run, diffs);
  graph.update(g, run, diffs, selected);
  if (g && !performance.getEntriesByName('kailash:graph').length) performance.mark('kailash:graph');
  list.update(g?.nodes ?? [], run, diffs, selected);
  renderDetails(run, other, diffs);
}

function renderHistory(run: RunView | undefined): void {
  const pick = byId<HTMLSelectElement>('history');
  const cmp = byId<HTMLSelectElement>('compare');
  pick.replaceChildren();
  if (!run) {
    const ranBefore = state.graph && state.runs.some((r) => r.file === state.graph!.file);
    pick.append(
      new Option(ranBefore ? 'changed since its last run' : state.runs.length ? 'no run of this file yet' : 'no runs yet', '', false, true),
    );
  }
  cmp.replaceChildren(new Option('compare with…', ''));
  for (const r of [...state.runs].reverse()) {
    const label = `${new Date(r.startedAt).toLocaleTimeString()} · ${r.label} · ${r.status}`;
    pick.append(new Option(label, r.runId, false, r.runId === run?.runId));
    if (r.runId !== run?.runId && r.file === run?.file) cmp.append(new Option(label, r.runId, false, r.runId === compareWith));
  }
  pick.disabled = state.runs.length === 0;
  cmp.disabled = cmp.options.length < 2;
}

/** One line of counts by status, and with a compared run, how many nodes changed. */
function renderSummary(run: RunView | undefined, diffs: NodeDiff[] | undefined): void {
  const box = byId('summary');
  box.replaceChildren();
  const g = graphOf(run);
  if (!g) return;
  const by = new Map<Status, number>();
  for (const n of g.nodes) {
    const s = run?.nodes[n.id]?.status ?? 'not-run';
    by.set(s, (by.get(s) ?? 0) + 1);
  }
  box.append(el('span', 'total', count(g.nodes.length, 'node')));
  for (const s of Object.keys(STATUS) as Status[]) {
    const n = by.get(s);
    if (n) box.append(el('span', `tally ${s}`, `${STATUS[s].glyph} ${n.toLocaleString('en-US')} ${STATUS[s].label}`));
  }
  if (diffs) {
    const changed = diffs.filter((d) => d.kind !== 'same').length;
    box.append(
      el('span', `badge diff ${changed ? 'changed' : 'same'}`, changed ? `~ ${count(changed, 'node')} changed` : '= no node changed'),
    );
  }
}

function renderDetails(run: RunView | undefined, other: RunView | undefined, diffs: NodeDiff[] | undefined): void {
  const box = byId('details');
  const g = graphOf(run);
  const node = g?.nodes.find((n) => n.id === selected);
  if (!node) {
    box.replaceChildren(
      el('p', 'note', g?.nodes.length ? 'Select a node (in the graph or the list) to see what it received and returned.' : ''),
    );
    return;
  }
  const d = diffs?.find((x) => x.id === node.id);
  // Keep focus where it was when a live event redraws the pane (a view button, Copy).
  const focused = box.contains(document.activeElement) ? (document.activeElement as HTMLElement).getAttribute('aria-label') : null;
  box.replaceChildren(nodeDetails(node, run, other && d ? { other, d } : undefined, post));
  if (focused) (box.querySelector(`[aria-label="${CSS.escape(focused)}"]`) as HTMLElement | null)?.focus();
}

function select(node: string, reveal: boolean): void {
  // The editor echoes a reveal back (its cursor lands on the node): nothing to redraw then.
  if (node === selected && !reveal) return list.scrollTo(node);
  selected = node;
  render();
  list.scrollTo(node);
  const file = graphOf(current())?.file;
  if (reveal) post({ type: 'reveal', node, ...(file ? { file } : {}) });
}

function receive(m: ToPanel): void {
  if (m.type === 'state') {
    if (!performance.getEntriesByName('kailash:state').length) performance.mark('kailash:state');
    state = m.state;
    // A new state (a run started, a graph shown) is shown as it comes: the history pick ends.
    picked = undefined;
    for (const [k, g] of Object.entries(state.graphs ?? {})) graphs.set(k, g);
    if (state.graph?.key !== undefined) graphs.set(state.graph.key, state.graph);
    // The extension forgets the graphs no run names; so does the page (it is sent them again if they come back).
    const used = new Set(state.runs.map((r) => r.graph));
    for (const k of graphs.keys()) if (!used.has(k) && k !== state.graph?.key) graphs.delete(k);
  } else if (m.type === 'event' || m.type === 'events') {
    const run = state.runs.find((r) => r.runId === m.runId);
    if (run) for (const e of m.type === 'event' ? [m.event] : m.events) applyEvent(run, e);
  } else if (m.type === 'finished') {
    const i = state.runs.findIndex((r) => r.runId === m.run.runId);
    if (i === -1) state.runs.push(m.run);
    else state.runs[i] = m.run;
    // A failed run opens on its failure, unless the user is looking at a node already.
    if (m.run.status === 'failed' && m.run.runId === current()?.runId && !graphOf(m.run)?.nodes.some((n) => n.id === selected))
      selected = graphOf(m.run)?.nodes.find((n) => m.run.nodes[n.id]?.status === 'failed')?.id;
  } else if (m.type === 'paused') {
    const run = state.runs.find((r) => r.runId === m.runId);
    if (run) applyPause(run, m.node, m.callers);
  } else if (m.type === 'select-node') {
    select(m.node, false);
    return;
  }
  schedule();
}

window.addEventListener('message', (ev: MessageEvent<ToPanel>) => receive(ev.data));

byId('cancel').addEventListener('click', () => {
  const run = current();
  if (run) post({ type: 'cancel', runId: run.runId });
});
byId('rerun').addEventListener('click', () => post({ type: 'rerun' }));
byId<HTMLSelectElement>('history').addEventListener('change', (e) => {
  picked = (e.target as HTMLSelectElement).value || undefined;
  // A diff is between runs of one file.
  if (compareWith && state.runs.find((r) => r.runId === compareWith)?.file !== current()?.file) compareWith = undefined;
  render();
});
byId<HTMLSelectElement>('compare').addEventListener('change', (e) => {
  compareWith = (e.target as HTMLSelectElement).value || undefined;
  render();
});
// A page created with the state at hand has it in its HTML (client/panel/panel.ts): drawn now, not after a round trip.
const boot = document.getElementById('boot');
if (boot?.textContent) receive(JSON.parse(boot.textContent) as ToPanel);
cancelAnimationFrame(frame);
frame = 0;
render();
post({ type: 'ready' });
