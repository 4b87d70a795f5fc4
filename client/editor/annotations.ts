import * as vscode from 'vscode';
import type { Fingerprinter, Fingerprints } from './fingerprints';
import type { WorkflowModel } from '../../runtime/model/types';
import { model } from '../lazy';
import type { RunView } from '../common/panel';
import { statusText } from './summary';
import { jsonText } from '../../runtime/values/print';
import { covers, windowAround, type LineWindow } from './window';

interface LastRun {
  run: RunView;
  atRun: Fingerprints;
  stale: Set<string>;
  fingerprinter: Fingerprinter;
}

/** Typing pauses this long before staleness is worked out again (VS Code moves the marks meanwhile). */
const AFTER_TYPING_MS = 150;
/** Events of a running workflow are drawn at most this often. */
const WHILE_RUNNING_MS = 50;

/**
 * What a run leaves in the editor: a short status after each node's line, a hover with the node's
 * last output, a diagnostic on the parameter that made a node fail, and all of it marked stale
 * once the node or its upstream is edited.
 *
 * Nothing here runs on the keystroke: edits and events only schedule work, which reads the
 * shared incremental model (`documents`) and redraws only when what it shows has changed.
 */
export class RunAnnotations implements vscode.Disposable, vscode.HoverProvider {
  private readonly runs = new Map<string, LastRun>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Documents whose staleness changed since their marks were last drawn (a newer edit took the redraw over). */
  private readonly redrawDue = new Set<string>();
  private readonly fresh = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorCodeLens.foreground') },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly failed = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('errorForeground') },
  });
  private readonly stale = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('disabledForeground'), fontStyle: 'italic' },
  });
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('kailash-run');
  private readonly disposables: vscode.Disposable[] = [];
  /** The lines each editor's marks were last drawn for (see window.ts). */
  private readonly windows = new WeakMap<vscode.TextEditor, LineWindow>();

  /** `onRun` fires when a document gets its first annotations (its lenses change then). */
  constructor(private readonly onRun: () => void = () => undefined) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.runs.has(e.document.uri.toString()) && e.contentChanges.length) this.later(e.document, AFTER_TYPING_MS, true);
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.redrawAll()),
      // Scrolling out of the lines drawn for draws the marks of the lines now in view.
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => {
        const last = this.runs.get(e.textEditor.document.uri.toString());
        const drawn = this.windows.get(e.textEditor);
        if (last && !(drawn && covers(drawn, linesOf(e.visibleRanges))))
          this.decorate(e.textEditor, last, workflowOf(e.textEditor.document));
      }),
      vscode.languages.registerHoverProvider({ language: 'kailash-workflow' }, this),
    );
  }

  last(uri: vscode.Uri): RunView | undefined {
    return this.runs.get(uri.toString())?.run;
  }

  /** Records a run of a document (called as events arrive and when it ends). */
  update(doc: vscode.TextDocument, run: RunView, now = false): void {
    const key = doc.uri.toString();
    const existing = this.runs.get(key);
    if (!existing) queueMicrotask(this.onRun);
    if (existing?.run.runId === run.runId) existing.run = run;
    else {
      const fingerprinter = existing?.fingerprinter ?? new (model().Fingerprinter)();
      this.runs.set(key, { run, atRun: fingerprinter.fingerprints(workflowOf(doc)), stale: new Set(), fingerprinter });
    }
    if (now) this.redraw(doc);
    else this.later(doc, WHILE_RUNNING_MS, false);
  }

  /**
   * One pending piece of work per document: a trailing update after typing, a throttled one while
   * running. After typing, reading the new version, working staleness out and redrawing are three
   * turns of the event loop, not one: in a 2,000-node file each takes 5 to 30 ms (more on a busy
   * machine), and together they held the extension host past 50 ms. A turn finds a newer edit
   * scheduled and leaves the rest to it.
   */
  private later(doc: vscode.TextDocument, ms: number, restale: boolean): void {
    const key = doc.uri.toString();
    const pending = this.timers.get(key);
    if (pending && !restale) return;
    clearTimeout(pending);
    const timer = setTimeout(async () => {
      this.timers.delete(key);
      const superseded = () => doc.isClosed || this.timers.has(key);
      if (doc.isClosed) return;
      if (restale) {
        workflowOf(doc);
        await nextTurn();
        if (superseded()) return;
        if (this.restale(doc)) this.redrawDue.add(key);
        if (!this.redrawDue.has(key)) return;
        await nextTurn();
        if (superseded()) return;
      }
      this.redraw(doc);
    }, ms);
    this.timers.set(key, timer);
  }

  /** Works staleness out again; whether it changed. */
  private restale(doc: vscode.TextDocument): boolean {
    const last = this.runs.get(doc.uri.toString());
    if (!last) return false;
    const stale = model().staleNodes(last.atRun, last.fingerprinter.fingerprints(workflowOf(doc)));
    const changed = stale.size !== last.stale.size || [...stale].some((id) => !last.stale.has(id));
    last.stale = stale;
    return changed;
  }

  private redrawAll(): void {
    for (const editor of vscode.window.visibleTextEditors) if (this.runs.has(editor.document.uri.toString())) this.redraw(editor.document);
  }

  private redraw(doc: vscode.TextDocument): void {
    this.redrawDue.delete(doc.uri.toString());
    const last = this.runs.get(doc.uri.toString());
    if (!last) return;
    const wf = workflowOf(doc);
    for (const e of vscode.window.visibleTextEditors) if (e.document === doc) this.decorate(e, last, wf);
    const diags: vscode.Diagnostic[] = [];
    for (const [id, v] of Object.entries(last.run.nodes)) {
      if (v.status !== 'failed' || !v.error || last.stale.has(id)) continue;
      const node = wf.nodesById.get(id);
      if (!node) continue;
      const [from, to] = model().failureSpan(node, wf.text, v.error);
      const d = new vscode.Diagnostic(
        new vscode.Range(doc.positionAt(from), doc.positionAt(to)),
        model().failureMessage(v.error),
        vscode.DiagnosticSeverity.Error,
      );
      d.source = 'kailash-run';
      d.code = v.error.type;
      diags.push(d);
    }
    // Nothing to say and nothing said: setting an empty list again still sends the workbench a
    // markers change for the file, after every pause in typing.
    if (diags.length || this.diagnostics.get(doc.uri)?.length) this.diagnostics.set(doc.uri, diags);
  }

  /** The marks of the nodes in and around an editor's visible lines. */
  private decorate(editor: vscode.TextEditor, last: LastRun, wf: WorkflowModel): void {
    const doc = editor.document;
    const window = windowAround(linesOf(editor.visibleRanges), doc.lineCount);
    this.windows.set(editor, window);
    const from = doc.offsetAt(new vscode.Position(window.from, 0));
    const to = doc.offsetAt(doc.lineAt(window.to).range.end);
    const fresh: vscode.DecorationOptions[] = [];
    const failed: vscode.DecorationOptions[] = [];
    const stale: vscode.DecorationOptions[] = [];
    for (const node of model().documents.nodesBetween(doc.uri.toString(), from, to)) {
      const v = last.run.nodes[node.id];
      if (!v || v.status === 'running' || v.status === 'paused' || wf.nodesById.get(node.id) !== node) continue;
      const end = doc.lineAt(doc.positionAt(node.idSpan[0]).line).range.end;
      const text = statusText(
        {
          status: v.status,
          durationMs: v.durationMs ?? 0,
          attempts: v.attempts ?? 0,
          ...(v.error ? { error: v.error } : {}),
          ...(v.reused ? { reused: true } : {}),
        },
        v.output,
      );
      const isStale = last.stale.has(node.id);
      const option = {
        range: new vscode.Range(end, end),
        renderOptions: { after: { contentText: isStale ? `${text} (stale: edited since the run)` : text } },
      };
      (isStale ? stale : v.status === 'failed' ? failed : fresh).push(option);
    }
    editor.setDecorations(this.fresh, fresh);
    editor.setDecorations(this.failed, failed);
    editor.setDecorations(this.stale, stale);
  }

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const last = this.runs.get(doc.uri.toString());
    if (!last) return undefined;
    workflowOf(doc);
    const node = model().documents.nodeAt(doc.uri.toString(), doc.offsetAt(position), 'idSpan');
    const v = node && last.run.nodes[node.id];
    if (!node || !v) return undefined;
    const md = new vscode.MarkdownString();
    md.appendText(
      `Last run: ${v.status}${v.durationMs !== undefined ? `, ${Math.round(v.durationMs)} ms` : ''}${last.stale.has(node.id) ? ' (stale)' : ''}\n`,
    );
    if (v.error) {
      md.appendText(`${model().failureMessage({ ...v.error, message: v.error.message.split('\n')[0]! })}\n`);
      const more = model().plainMessage(v.error).split('\n').slice(1).join('\n').trim();
      if (more) md.appendCodeblock(more, 'text');
    }
    if (v.output !== undefined && !v.error) {
      const json = jsonText(v.output, { indent: 2, nonFinite: 'tagged' });
      md.appendCodeblock(json.length > 4000 ? `${json.slice(0, 4000)}\n…` : json, 'json');
    }
    return new vscode.Hover(md, new vscode.Range(doc.positionAt(node.idSpan[0]), doc.positionAt(node.idSpan[1])));
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    // A restale between its turns finds no run left, and draws nothing on disposed decorations.
    this.runs.clear();
    for (const d of [this.fresh, this.failed, this.stale, this.diagnostics, ...this.disposables]) d.dispose();
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function linesOf(ranges: readonly vscode.Range[]): LineWindow[] {
  return ranges.map((r) => ({ from: r.start.line, to: r.end.line }));
}

/** The shared model of a document at its current version. */
export function workflowOf(doc: vscode.TextDocument): WorkflowModel {
  return model().documents.get(doc.uri.toString(), doc.version, () => doc.getText());
}
