import { failureText } from '../../runtime/engine/explain';
import type { NodeError, NodeRecord, RunEvent, RunResult } from '../../runtime/engine/types';

// The words for Kailash's classes and the hints: the panel and the editor say the same.
export { errorTitle, failureText, hintFor, plainMessage } from '../../runtime/engine/explain';

/** The workflow as the panel draws it. */
export interface PanelGraph {
  /** A hash of everything below: runs name their graph by it (`RunView.graph`), and the page keeps each once. */
  key?: string;
  file: string;
  name: string;
  nodes: { id: string; type: string; /** The spec's category, for the node's icon. */ category?: string }[];
  edges: PanelEdge[];
}

export interface PanelEdge {
  from: string;
  to: string;
  fromOutput: string;
  toInput: string;
  /** `from_output → to_input`. */
  label: string;
  cycle: boolean;
  /** Out of a SwitchNode: the case the port carries (`gold`, `true`, `default`). */
  case?: string;
}

export interface NodeView {
  /** `paused`: a debug session holds it before it runs (RunOptions.beforeNode). */
  status: NodeRecord['status'] | 'running' | 'paused';
  durationMs?: number;
  attempts?: number;
  reused?: boolean;
  /** `param`, `line` and `hint` say which parameter caused it and what to do (runtime/engine/explain.ts). */
  error?: NodeError;
  /** What the node received (its resolved inputs), a capped, redacted preview from `node-start`. */
  inputs?: unknown;
  inputsTruncated?: boolean;
  /** Capped preview from events; the whole value arrives with the run's result. */
  output?: unknown;
  truncated?: boolean;
  retries?: { attempt: number; delayMs: number; cause: string }[];
}

export interface RunView {
  runId: string;
  file: string;
  label: string;
  startedAt: number;
  status: 'running' | RunResult['status'] | 'invalid';
  durationMs?: number;
  message?: string;
  nodes: Record<string, NodeView>;
  breakers: Record<string, 'closed' | 'open' | 'half-open'>;
  /** A debug session holds the run before `node` (a top-level node; `at` is the whole path into sub-workflows). */
  paused?: { node: string; at: string[] };
  /** The key of the graph the run ran (its file as it was then): a past run is drawn with it, not with today's file. */
  graph?: string;
}

export interface PanelState {
  /** The graph asked for last: *Show graph*, or the graph of the run started last. */
  graph?: PanelGraph;
  runs: RunView[];
  current?: string;
  /** The runs' graphs by key (`RunView.graph`); a message leaves out those the page already has. */
  graphs?: Record<string, PanelGraph>;
}

/** Extension → webview. */
export type ToPanel =
  | { type: 'state'; state: PanelState }
  | { type: 'event'; runId: string; event: RunEvent }
  /** A run's events since the last message, in order: the extension sends them at most every 50 ms. */
  | { type: 'events'; runId: string; events: RunEvent[] }
  | { type: 'finished'; run: RunView }
  | { type: 'select-node'; node: string }
  /** A debug session paused the run before a node (`callers`: the WorkflowNodes it is inside), or (no node) resumed it. */
  | { type: 'paused'; runId: string; node?: string; callers?: string[] };

/** Webview → extension. */
export type FromPanel =
  | { type: 'ready' }
  | { type: 'cancel'; runId: string }
  | { type: 'rerun' }
  /** `file`: the workflow the node is in (a run picked from the history may be of another file than the last). */
  | { type: 'reveal'; node: string; file?: string }
  | { type: 'copy'; text: string }
  /** *Pin this output*: the node's output in that run goes into the workflow's test file. */
  | { type: 'pin'; runId: string; node: string };

/** Applies one event to a run's view; shared by the extension and the webview so both agree. */
export function applyEvent(run: RunView, e: RunEvent): void {
  switch (e.type) {
    case 'node-start': {
      const n: NodeView = { ...run.nodes[e.node], status: 'running' };
      if (e.inputs !== undefined) {
        n.inputs = e.inputs;
        n.inputsTruncated = e.inputsTruncated === true;
      }
      run.nodes[e.node] = n;
      break;
    }
    case 'node-retry': {
      const n = (run.nodes[e.node] ??= { status: 'running' });
      (n.retries ??= []).push({ attempt: e.attempt, delayMs: e.delayMs, cause: e.cause });
      break;
    }
    case 'node-output':
      run.nodes[e.node] = { ...run.nodes[e.node], ...recordView(e.record), output: e.preview, truncated: e.truncated };
      break;
    case 'node-error':
      run.nodes[e.node] = { ...run.nodes[e.node], ...recordView(e.record), error: e.error };
      break;
    case 'node-skip':
      run.nodes[e.node] = { ...run.nodes[e.node], ...recordView(e.record) };
      break;
    case 'breaker':
      run.breakers[e.key] = e.state;
      break;
    case 'run-end':
      delete run.paused;
      run.status = e.result.status;
      run.durationMs = e.result.durationMs;
      for (const [id, r] of Object.entries(e.result.nodes)) run.nodes[id] = { ...run.nodes[id], ...recordView(r) };
      break;
    default:
      break;
  }
}

/**
 * A debug session paused the run before `node` (inside the WorkflowNodes `callers`), or resumed
 * it (no node). The panel draws the top-level node it is in as paused; resumed, it runs again.
 */
export function applyPause(run: RunView, node?: string, callers: string[] = []): void {
  if (run.paused) {
    const was = run.nodes[run.paused.node];
    if (was?.status === 'paused') run.nodes[run.paused.node] = { ...was, status: 'running' };
    delete run.paused;
  }
  if (node === undefined || run.status !== 'running') return;
  const top = callers[0] ?? node;
  run.nodes[top] = { ...run.nodes[top], status: 'paused' };
  run.paused = { node: top, at: [...callers, node] };
}

/** A finished run's result into its view: status, message, and each node's whole output in place of its preview. */
export function applyResult(view: RunView, result: RunResult): void {
  delete view.paused;
  view.status = result.status;
  view.durationMs = result.durationMs;
  // A cancel is not a failure: it reads as what it is, without an error's class or red.
  if (result.status === 'cancelled') view.message = 'Cancelled.';
  else if (result.error) view.message = `${result.error.node ? `${result.error.node}: ` : ''}${failureText(result.error)}`;
  for (const [id, out] of Object.entries(result.results)) {
    const n = view.nodes[id];
    if (n && out !== null && !n.error) {
      n.output = out;
      n.truncated = false;
    }
  }
}

function recordView(r: NodeRecord): NodeView {
  const v: NodeView = { status: r.status, durationMs: r.durationMs, attempts: r.attempts };
  if (r.reused) v.reused = true;
  if (r.error) v.error = r.error;
  return v;
}
