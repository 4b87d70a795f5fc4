import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { RunParameters, RunResult } from '../../runtime/engine/types';
import { loadedModel, model } from '../lazy';
import { workflowOf, type RunAnnotations } from '../editor/annotations';
import { GraphStore } from '../panel/graph-store';
import type { RunPanel } from '../panel/panel';
import { applyEvent, applyPause, applyResult, type PanelGraph, type PanelState, type RunView } from '../common/panel';
import type { RunSettings } from '../common/protocol';
import type { HostRun, RunHost } from './host';

export interface RunRequest {
  uri: vscode.Uri;
  to?: string;
  from?: string;
  parameters?: RunParameters;
}

const HISTORY = 20;
const PROGRESS_EVERY_MS = 100;
/** The output channel's lines of a run are written at most this often (one message each, not one per line). */
const LOG_EVERY_MS = 100;

/** Starts runs, follows them (panel, editor, output channel, status bar) and keeps the session's history. */
export class RunController {
  readonly runs: RunView[] = [];
  private graph?: PanelGraph;
  /** Each run's graph as it ran (a past run is drawn with it). */
  private readonly graphs = new GraphStore();
  private current?: string;
  private readonly active = new Map<string, { cancel: vscode.CancellationTokenSource }>();
  /** Each run's parameters, for *Create test from this run*. */
  private readonly parameters = new Map<string, RunParameters>();

  parametersOf(runId: string): RunParameters | undefined {
    return this.parameters.get(runId);
  }

  constructor(
    private readonly host: RunHost,
    private readonly panel: () => RunPanel,
    private readonly annotations: RunAnnotations,
    private readonly output: vscode.OutputChannel,
    private readonly status: vscode.StatusBarItem,
  ) {}

  state(): PanelState {
    const graphs = this.graphs.of(this.runs, this.graph?.key);
    return {
      ...(this.graph ? { graph: this.graph } : {}),
      runs: this.runs,
      ...(this.current ? { current: this.current } : {}),
      ...(Object.keys(graphs).length ? { graphs } : {}),
    };
  }

  /**
   * The graph of a document, for the panel ("Show graph"). When the document's model is read
   * already (a big file's is read in steps as it opens), the graph costs a few milliseconds and
   * goes into a new page's HTML. Otherwise the panel opens first, and the graph (a parse of a big
   * file) is computed while the workbench creates the page, then sent.
   */
  async showGraph(uri: vscode.Uri): Promise<void> {
    const panel = this.panel();
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open && loadedModel()?.documents.has(open.uri.toString(), open.version)) {
      this.graph = graphOf(open);
      panel.show(true);
      return;
    }
    panel.show(true, false);
    await letPanelOpen();
    this.graph = graphOf(await vscode.workspace.openTextDocument(uri));
    panel.refresh();
  }

  /** The graph a run starts on: shown, and kept under its key for the run's view. */
  private runGraph(doc: vscode.TextDocument, view: RunView): void {
    this.graph = graphOf(doc);
    view.graph = this.graphs.add(this.graph);
  }

  cancel(runId?: string): void {
    const id = runId ?? [...this.active.keys()].pop();
    if (id) this.active.get(id)?.cancel.cancel();
  }

  lastRequest?: RunRequest;

  async run(request: RunRequest): Promise<RunResult | undefined> {
    if (!vscode.workspace.isTrusted) {
      const pick = await vscode.window.showWarningMessage(
        'Running workflows is disabled in Restricted Mode: trust this workspace to run it.',
        'Manage Workspace Trust',
      );
      if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
      return undefined;
    }
    this.lastRequest = request;
    const panel = this.panel();
    // The page opens while the file is read (a big file's first parse takes a while).
    panel.show(true, false);
    await letPanelOpen();
    const doc = await vscode.workspace.openTextDocument(request.uri);
    // A big file's first model may still be being read in steps: waiting for it keeps the editor responsive.
    await model().documents.settled(doc.uri.toString());
    const runId = randomUUID();
    const wf = workflowOf(doc);
    const label = `${wf.name?.value ?? doc.uri.path.split('/').pop()}${request.to ? ` → ${request.to}` : request.from ? ` from ${request.from}` : ''}`;
    const view: RunView = { runId, file: doc.uri.fsPath, label, startedAt: Date.now(), status: 'running', nodes: {}, breakers: {} };
    this.runs.push(view);
    this.parameters.set(runId, request.parameters ?? {});
    if (this.runs.length > HISTORY) this.parameters.delete(this.runs.shift()!.runId);
    this.current = runId;
    this.runGraph(doc, view);
    panel.refresh();
    this.line(`▶ ${label} (${doc.uri.fsPath})`);
    this.status.text = `$(sync~spin) ${label}`;
    this.status.show();
    const cancel = new vscode.CancellationTokenSource();
    this.active.set(runId, { cancel });
    const total = wf.nodesById.size;
    let cancelledByUser = false;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Kailash: ${label}`, cancellable: true },
      (progress, token) =>
        new Promise<RunResult | { invalid: string }>((resolve) => {
          const stop = () => {
            cancelledByUser = true;
            this.host.cancel(runId);
          };
          token.onCancellationRequested(stop);
          cancel.token.onCancellationRequested(stop);
          let done = 0;
          let reported = 0;
          let progressTimer: NodeJS.Timeout | undefined;
          // One progress update per 100 ms, not per node: each is a message to the window.
          const report = () => {
            progressTimer = undefined;
            progress.report({ message: `${done}/${total} nodes`, increment: total ? (100 * (done - reported)) / total : 0 });
            reported = done;
          };
          this.host.start(
            {
              type: 'run',
              id: runId,
              file: doc.uri.fsPath,
              text: doc.getText(),
              parameters: request.parameters ?? {},
              settings: settings(doc.uri),
              ...(request.to !== undefined ? { to: request.to } : {}),
              ...(request.from !== undefined ? { from: request.from } : {}),
            },
            {
              events: (e) => {
                applyEvent(view, e);
                panel.event(runId, e);
                this.log(e);
                // Run parameters that reach no node: the user typed them and should hear about it.
                if (e.type === 'warning' && e.node === undefined) void vscode.window.showWarningMessage(`Kailash: ${e.message}`);
                if (e.type === 'node-output' || e.type === 'node-error' || e.type === 'node-skip') {
                  done++;
                  progressTimer ??= setTimeout(report, PROGRESS_EVERY_MS);
                  this.annotations.update(doc, view);
                }
              },
              resolve: (r) => {
                clearTimeout(progressTimer);
                resolve(r);
              },
            },
          );
        }),
    );
    this.active.delete(runId);
    const cancelled = cancel.token.isCancellationRequested || cancelledByUser;
    cancel.dispose();
    this.finish(view, label, result, doc, cancelled);
    return 'invalid' in result ? undefined : result;
  }

  /**
   * Follows a run that a debug session started in the run host, as it follows its own: the
   * panel, the editor's annotations, the output channel and the status bar. The panel's Cancel
   * ends the run, and with it the debug session.
   */
  follow(run: { runId: string; file: string; label: string }): HostRun {
    const { runId, file, label } = run;
    const view: RunView = { runId, file, label, startedAt: Date.now(), status: 'running', nodes: {}, breakers: {} };
    this.runs.push(view);
    if (this.runs.length > HISTORY) this.runs.shift();
    this.current = runId;
    const cancel = new vscode.CancellationTokenSource();
    cancel.token.onCancellationRequested(() => this.host.cancel(runId));
    this.active.set(runId, { cancel });
    const opened = vscode.workspace.openTextDocument(vscode.Uri.file(file));
    this.panel().show(true, false);
    void opened.then((doc) => {
      this.runGraph(doc, view);
      this.panel().refresh();
    });
    this.line(`▶ ${label} (${file})`);
    this.status.text = `$(debug) ${label}`;
    this.status.show();
    return {
      events: (e) => {
        applyEvent(view, e);
        this.panel().event(runId, e);
        this.log(e);
        if (e.type === 'node-output' || e.type === 'node-error' || e.type === 'node-skip')
          void opened.then((doc) => this.annotations.update(doc, view));
      },
      paused: (node, callers) => {
        applyPause(view, node, callers);
        this.panel().paused(runId, node, callers);
      },
      resolve: (result) => {
        this.active.delete(runId);
        cancel.dispose();
        void opened.then((doc) => this.finish(view, label, result, doc, cancel.token.isCancellationRequested));
      },
    };
  }

  private finish(view: RunView, label: string, result: RunResult | { invalid: string }, doc: vscode.TextDocument, cancelled = false): void {
    this.flushLines();
    const panel = this.panel();
    if ('invalid' in result && cancelled) {
      // The run did not stop within the grace period and its host was stopped: still the cancel the user asked for.
      view.status = 'cancelled';
      view.message = `Cancelled. ${result.invalid}`;
      for (const n of Object.values(view.nodes)) if (n.status === 'running') n.status = 'cancelled';
      this.output.appendLine(`■ ${label}: cancelled (${result.invalid})`);
    } else if ('invalid' in result) {
      view.status = 'invalid';
      view.message = result.invalid;
      this.output.appendLine(`✗ ${result.invalid}`);
      void vscode.window.showErrorMessage(`Kailash: ${result.invalid}`);
    } else {
      applyResult(view, result);
      this.output.appendLine(
        `${result.status === 'succeeded' ? '✓' : result.status === 'cancelled' ? '■' : '✗'} ${label}: ${result.status} in ${Math.round(result.durationMs)} ms${view.message ? ` — ${view.message}` : ''}`,
      );
    }
    panel.finished(view);
    this.annotations.update(doc, view, true);
    const icon = view.status === 'succeeded' ? '$(pass)' : view.status === 'cancelled' ? '$(circle-slash)' : '$(error)';
    this.status.text = `${icon} ${label}`;
    this.status.tooltip = `Kailash: last run ${view.status}${view.durationMs !== undefined ? ` in ${Math.round(view.durationMs)} ms` : ''}. Click to show the run panel.`;
  }

  private lines: string[] = [];
  private linesTimer?: NodeJS.Timeout;

  /** A run's lines, written together (the last ones when the run finishes). */
  private line(text: string): void {
    this.lines.push(text);
    this.linesTimer ??= setTimeout(() => this.flushLines(), LOG_EVERY_MS);
  }

  private flushLines(): void {
    clearTimeout(this.linesTimer);
    this.linesTimer = undefined;
    if (this.lines.length) this.output.append(`${this.lines.join('\n')}\n`);
    this.lines = [];
  }

  private log(e: import('../../runtime/engine/types').RunEvent): void {
    const t = new Date(e.time).toISOString().slice(11, 23);
    switch (e.type) {
      case 'node-output':
        this.line(
          `${t} ✓ ${e.node} (${Math.round(e.record.durationMs)} ms${e.record.attempts > 1 ? `, ${e.record.attempts} attempts` : ''})`,
        );
        break;
      case 'node-error':
        this.line(`${t} ✗ ${e.node}: ${e.error.type}: ${e.error.message}`);
        break;
      case 'node-skip':
        this.line(`${t} ↷ ${e.node} skipped`);
        break;
      case 'node-retry':
        this.line(`${t} ↻ ${e.node}: attempt ${e.attempt} in ${e.delayMs} ms (${e.cause})`);
        break;
      case 'breaker':
        this.line(`${t} circuit ${e.key}: ${e.state}`);
        break;
      case 'warning':
        this.line(`${t} warning: ${e.message}`);
        break;
      default:
        break;
    }
  }
}

/**
 * Lets the extension host's message to create (or reveal) the panel go out before a long
 * synchronous step: the host writes messages to the workbench from a timer of its own.
 */
function letPanelOpen(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function graphOf(doc: vscode.TextDocument): PanelGraph {
  return model().panelGraph(workflowOf(doc), doc.uri.fsPath, doc.uri.path.split('/').pop() ?? 'workflow');
}

export function settings(uri: vscode.Uri): RunSettings {
  const c = vscode.workspace.getConfiguration('kailash', uri);
  const envFile = c.get<string>('envFile');
  const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
  const s: RunSettings = { maxConcurrency: c.get<number>('maxConcurrency', 10) };
  const python = c.get<string>('pythonPath');
  if (python) s.pythonPath = python;
  if (envFile) s.envFile = folder && !envFile.startsWith('/') ? `${folder}/${envFile}` : envFile;
  const timeout = c.get<number>('defaultTimeout', 0);
  if (timeout > 0) s.defaultTimeout = timeout;
  const redis = c.get<string>('queue.redisUrl');
  if (redis) {
    const name = c.get<string>('queue.name');
    // Workers resolve the file against their own --root, which mirrors the workspace folder.
    const file = folder ? uri.fsPath.slice(folder.length + 1) : uri.fsPath.split('/').pop()!;
    s.queue = { redis, file, ...(name ? { name } : {}) };
  }
  return s;
}
