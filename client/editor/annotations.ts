import * as vscode from 'vscode';
import type { WorkflowModel } from '../../runtime/model/types';
import { model } from '../lazy';
import type { RunView } from '../shared/panel';
import { hintFor } from '../shared/panel';
import { statusText } from './summary';
import { jsonText } from '../../runtime/values/print';

interface LastRun {
  run: RunView;
  atRun: Map<string, string>;
  stale: Set<string>;
}

/**
 * What a run leaves in the editor: a short status after each node's line, a hover with the node's
 * last output, a diagnostic on each failed node, and all of it marked stale once the node or its
 * upstream is edited.
 */
export class RunAnnotations implements vscode.Disposable, vscode.HoverProvider {
  private readonly runs = new Map<string, LastRun>();
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

  /** `onRun` fires when a document gets its first annotations (its lenses change then). */
  constructor(private readonly onRun: () => void = () => undefined) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.onChange(e.document)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.redrawAll()),
      vscode.languages.registerHoverProvider({ language: 'kailash-workflow' }, this),
    );
  }

  last(uri: vscode.Uri): RunView | undefined {
    return this.runs.get(uri.toString())?.run;
  }

  /** Records a run of a document (called as events arrive and when it ends). */
  update(doc: vscode.TextDocument, run: RunView): void {
    const key = doc.uri.toString();
    const existing = this.runs.get(key);
    if (!existing) queueMicrotask(this.onRun);
    const atRun = existing?.run.runId === run.runId ? existing.atRun : model().fingerprints(model().parseWorkflow(doc.getText()));
    this.runs.set(key, { run, atRun, stale: existing?.run.runId === run.runId ? existing.stale : new Set() });
    this.redraw(doc);
  }

  private onChange(doc: vscode.TextDocument): void {
    const last = this.runs.get(doc.uri.toString());
    if (!last) return;
    last.stale = model().staleNodes(last.atRun, model().fingerprints(model().parseWorkflow(doc.getText())));
    this.redraw(doc);
  }

  private redrawAll(): void {
    for (const editor of vscode.window.visibleTextEditors) this.redraw(editor.document);
  }

  private redraw(doc: vscode.TextDocument): void {
    const last = this.runs.get(doc.uri.toString());
    const editors = vscode.window.visibleTextEditors.filter((e) => e.document === doc);
    if (!last) return;
    const wf = model().parseWorkflow(doc.getText());
    const lines = new (model().LineIndex)(wf.text);
    const fresh: vscode.DecorationOptions[] = [];
    const failed: vscode.DecorationOptions[] = [];
    const stale: vscode.DecorationOptions[] = [];
    const diags: vscode.Diagnostic[] = [];
    for (const node of wf.nodesById.values()) {
      const v = last.run.nodes[node.id];
      if (!v || v.status === 'running') continue;
      const line = lines.position(node.idSpan[0]).line;
      const end = doc.lineAt(line).range.end;
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
      if (v.status === 'failed' && v.error && !isStale) {
        const range = new vscode.Range(doc.positionAt(node.idSpan[0]), doc.positionAt(node.idSpan[1]));
        const hint = hintFor(v.error.type);
        const d = new vscode.Diagnostic(
          range,
          `${v.error.type}: ${v.error.message}${hint ? `\n${hint}` : ''}`,
          vscode.DiagnosticSeverity.Error,
        );
        d.source = 'kailash-run';
        d.code = v.error.type;
        diags.push(d);
      }
    }
    for (const e of editors) {
      e.setDecorations(this.fresh, fresh);
      e.setDecorations(this.failed, failed);
      e.setDecorations(this.stale, stale);
    }
    this.diagnostics.set(doc.uri, diags);
  }

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const last = this.runs.get(doc.uri.toString());
    if (!last) return undefined;
    const wf: WorkflowModel = model().parseWorkflow(doc.getText());
    const offset = doc.offsetAt(position);
    const node = [...wf.nodesById.values()].find((n) => offset >= n.idSpan[0] && offset <= n.idSpan[1]);
    const v = node && last.run.nodes[node.id];
    if (!node || !v) return undefined;
    const md = new vscode.MarkdownString();
    md.appendText(
      `Last run: ${v.status}${v.durationMs !== undefined ? `, ${Math.round(v.durationMs)} ms` : ''}${last.stale.has(node.id) ? ' (stale)' : ''}\n`,
    );
    if (v.error) md.appendCodeblock(`${v.error.type}: ${v.error.message}`, 'text');
    if (v.output !== undefined) {
      const json = jsonText(v.output, { indent: 2, nonFinite: 'tagged' });
      md.appendCodeblock(json.length > 4000 ? `${json.slice(0, 4000)}\n…` : json, 'json');
    }
    return new vscode.Hover(md, new vscode.Range(doc.positionAt(node.idSpan[0]), doc.positionAt(node.idSpan[1])));
  }

  dispose(): void {
    for (const d of [this.fresh, this.failed, this.stale, this.diagnostics, ...this.disposables]) d.dispose();
  }
}
