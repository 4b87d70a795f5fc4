import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { model } from '../lazy';
import type { RunHost } from '../run/host';
import { debugRefusal } from '../debug/provider';
import { TEST_CASE_EVENT, type TestCaseReport, type TestFileReport } from '../common/protocol';

export const TEST_GLOB = '**/*.workflow.test.{yaml,yml,json}';
/** The name test, here rather than from the model bundle: checking an open document must not load it. */
const TEST_NAME = /\.workflow\.test\.(ya?ml|json)$/i;

/** What the real-editor tests read back: the items VS Code shows and what each run reported. */
export interface TestLog {
  items: { id: string; label: string; children: string[] }[];
  results: {
    test: string;
    state: 'passed' | 'failed' | 'errored' | 'skipped';
    messages: { message: string; expected?: string; actual?: string; line?: number }[];
  }[];
}

/**
 * Workflow test files in VS Code's Testing API: one item per file, a child per case (with its
 * range, so the gutter shows run icons). Runs go to the run host, as workflow runs do, so a slow
 * or CPU-bound node never blocks the extension host; failures carry the expected and actual texts
 * for the editor's diff.
 */
export class WorkflowTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('kailashWorkflowTests', 'Kailash Workflow Tests');
  private readonly disposables: vscode.Disposable[] = [];
  readonly log: TestLog['results'] = [];

  constructor(private readonly host: RunHost) {
    const c = this.controller;
    c.resolveHandler = async (item) => {
      if (!item) await this.discover();
    };
    c.refreshHandler = () => this.discover();
    c.createRunProfile('Run', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token), true);
    c.createRunProfile('Debug', vscode.TestRunProfileKind.Debug, (request, token) => this.debug(request, token), true);
    const watcher = vscode.workspace.createFileSystemWatcher(TEST_GLOB);
    this.disposables.push(
      c,
      watcher,
      watcher.onDidCreate((uri) => void this.load(uri)),
      watcher.onDidChange((uri) => void this.load(uri)),
      watcher.onDidDelete((uri) => c.items.delete(uri.toString())),
      vscode.workspace.onDidOpenTextDocument((d) => this.fromDocument(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.fromDocument(e.document)),
    );
    for (const d of vscode.workspace.textDocuments) this.fromDocument(d);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  snapshot(): TestLog['items'] {
    const out: TestLog['items'] = [];
    this.controller.items.forEach((f) => {
      const children: string[] = [];
      f.children.forEach((c) => void children.push(c.label));
      out.push({ id: f.id, label: f.label, children });
    });
    return out;
  }

  async discover(): Promise<void> {
    const files = await vscode.workspace.findFiles(TEST_GLOB, '**/node_modules/**');
    await Promise.all(files.map((f) => this.load(f)));
  }

  private fromDocument(doc: vscode.TextDocument): void {
    if (doc.uri.scheme === 'file' && TEST_NAME.test(doc.uri.fsPath)) this.update(doc.uri, doc.getText());
  }

  private async load(uri: vscode.Uri): Promise<void> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return this.update(uri, open.getText());
    try {
      this.update(uri, new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
    } catch {
      this.controller.items.delete(uri.toString());
    }
  }

  /** The file's item and its cases from its current text. */
  private update(uri: vscode.Uri, text: string): void {
    const m = model();
    const test = m.parseTestFile(text, uri.fsPath.endsWith('.json') ? 'json' : 'yaml');
    const lines = new m.LineIndex(text);
    let file = this.controller.items.get(uri.toString());
    if (!file) {
      file = this.controller.createTestItem(uri.toString(), vscode.workspace.asRelativePath(uri), uri);
      this.controller.items.add(file);
    }
    file.range = new vscode.Range(0, 0, 0, 0);
    file.error = test.diagnostics.length ? test.diagnostics.map((d) => d.message).join('\n') : undefined;
    const children = test.cases.map((c) => {
      const item = this.controller.createTestItem(`${uri.toString()}#${c.name.value}`, c.name.value, uri);
      item.range = range(lines, c.span[0], c.name.span[1]);
      return item;
    });
    file.children.replace(children);
  }

  /** The cases a request names, by file: a file item runs all its cases, a case item only itself. */
  private wanted(request: vscode.TestRunRequest): Map<vscode.TestItem, Set<string> | undefined> {
    const byFile = new Map<vscode.TestItem, Set<string> | undefined>();
    const wanted: vscode.TestItem[] = [];
    if (request.include) wanted.push(...request.include);
    else this.controller.items.forEach((i) => void wanted.push(i));
    for (const item of wanted) {
      if (request.exclude?.includes(item)) continue;
      const file = item.parent ?? item;
      if (!item.parent) byFile.set(file, undefined);
      else if (!byFile.has(file) || byFile.get(file)) byFile.set(file, new Set([...(byFile.get(file) ?? []), item.label]));
    }
    return byFile;
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const run = this.controller.createTestRun(request);
    const byFile = this.wanted(request);
    try {
      if (!vscode.workspace.isTrusted) {
        for (const file of byFile.keys()) run.errored(file, new vscode.TestMessage('Running workflow tests needs a trusted workspace.'));
        return;
      }
      for (const [file, only] of byFile) {
        if (token.isCancellationRequested) break;
        await this.runFile(run, file, only, token);
      }
    } finally {
      run.end();
    }
  }

  /**
   * Each case in a `kailash` debug session (one after another: a paused case holds the next),
   * so breakpoints in the workflow stop; the session checks the case's assertions when its run
   * ends and this reports them as a run would. A session stopped before the end skips its case.
   */
  private async debug(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const run = this.controller.createTestRun(request);
    try {
      for (const [file, only] of this.wanted(request)) {
        const uri = file.uri!;
        const doc = await vscode.workspace.openTextDocument(uri);
        const text = doc.getText();
        this.update(uri, text);
        const lines = new (model().LineIndex)(text);
        const cases: vscode.TestItem[] = [];
        file.children.forEach((c) => void ((!only || only.has(c.label)) && cases.push(c)));
        for (const c of cases) {
          if (token.isCancellationRequested) run.skipped(c);
          else await this.debugCase(run, uri, text, lines, c, token);
        }
      }
    } finally {
      run.end();
    }
  }

  private async debugCase(
    run: vscode.TestRun,
    uri: vscode.Uri,
    text: string,
    lines: InstanceType<ReturnType<typeof model>['LineIndex']>,
    item: vscode.TestItem,
    token: vscode.CancellationToken,
  ): Promise<void> {
    run.started(item);
    const tag = randomUUID();
    const ours = (s: vscode.DebugSession) => s.configuration.kailashTest === tag;
    let session: vscode.DebugSession | undefined;
    let report: TestCaseReport | undefined;
    let ended!: () => void;
    const done = new Promise<void>((r) => (ended = r));
    const listeners = [
      vscode.debug.onDidStartDebugSession((s) => void (ours(s) && (session = s))),
      vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
        if (ours(e.session) && e.event === TEST_CASE_EVENT) report = e.body as TestCaseReport;
      }),
      vscode.debug.onDidTerminateDebugSession((s) => void (ours(s) && ended())),
      token.onCancellationRequested(() => void (session && vscode.debug.stopDebugging(session))),
    ];
    try {
      const started = await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(uri), {
        type: 'kailash',
        request: 'launch',
        name: `Debug test: ${item.label}`,
        kailashTest: tag,
        test: { file: uri.fsPath, case: item.label, text },
      });
      if (!started) {
        const why = debugRefusal() ?? 'VS Code did not start the debug session (its notification, if any, says why).';
        return this.errored(run, item, [new vscode.TestMessage(why)]);
      }
      await done;
    } finally {
      for (const l of listeners) l.dispose();
    }
    if (report) this.report(run, uri, lines, item, report);
    else this.record(run, item, 'skipped', []);
  }

  private async runFile(
    run: vscode.TestRun,
    file: vscode.TestItem,
    only: Set<string> | undefined,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const uri = file.uri!;
    const doc = await vscode.workspace.openTextDocument(uri);
    const text = doc.getText();
    this.update(uri, text);
    const cases = new Map<string, vscode.TestItem>();
    file.children.forEach((c) => {
      if (!only || only.has(c.label)) cases.set(c.label, c);
    });
    for (const c of cases.values()) run.started(c);
    const lines = new (model().LineIndex)(text);
    const id = randomUUID();
    const stop = token.onCancellationRequested(() => this.host.cancel(id));
    const report = await new Promise<TestFileReport | { invalid: string }>((resolve) =>
      this.host.test(
        { type: 'test', id, file: uri.fsPath, text, ...(only ? { only: [...only] } : {}) },
        { onCase: (r) => this.report(run, uri, lines, cases.get(r.name), r), resolve },
      ),
    );
    stop.dispose();
    if (!('cases' in report)) {
      for (const c of cases.values()) this.errored(run, c, [new vscode.TestMessage(report.invalid)]);
      return;
    }
    if (report.invalid.length) {
      const messages = report.invalid.map((d) => {
        const m = new vscode.TestMessage(`${d.code}: ${d.message}`);
        m.location = new vscode.Location(uri, range(lines, d.span[0], d.span[1]));
        return m;
      });
      for (const c of cases.size ? cases.values() : [file]) this.errored(run, c, messages);
      return;
    }
    // Cases the host never reported (cancelled): skipped, not left spinning.
    const done = new Set(report.cases.map((c) => c.name));
    for (const [name, c] of cases) if (!done.has(name)) this.record(run, c, 'skipped', []);
  }

  private report(
    run: vscode.TestRun,
    uri: vscode.Uri,
    lines: InstanceType<ReturnType<typeof model>['LineIndex']>,
    item: vscode.TestItem | undefined,
    r: TestCaseReport,
  ): void {
    if (!item) return;
    if (r.status === 'passed') return this.record(run, item, 'passed', [], r.durationMs);
    if (r.status === 'error') return this.errored(run, item, [new vscode.TestMessage(r.error ?? 'The case could not run.')], r.durationMs);
    const messages = r.failures.map((f) => {
      const m =
        f.expected !== undefined && f.actual !== undefined
          ? vscode.TestMessage.diff(f.message, f.expected, f.actual)
          : new vscode.TestMessage(f.actual !== undefined ? `${f.message}\n\nactual: ${f.actual}` : f.message);
      m.location = new vscode.Location(uri, range(lines, f.span[0], f.span[1]));
      return m;
    });
    this.record(run, item, 'failed', messages, r.durationMs);
  }

  private errored(run: vscode.TestRun, item: vscode.TestItem, messages: vscode.TestMessage[], ms?: number): void {
    this.record(run, item, 'errored', messages, ms);
  }

  private record(
    run: vscode.TestRun,
    item: vscode.TestItem,
    state: TestLog['results'][number]['state'],
    messages: vscode.TestMessage[],
    ms?: number,
  ): void {
    if (state === 'passed') run.passed(item, ms);
    else if (state === 'failed') run.failed(item, messages, ms);
    else if (state === 'errored') run.errored(item, messages, ms);
    else run.skipped(item);
    this.log.push({
      test: item.id,
      state,
      messages: messages.map((m) => ({
        message: typeof m.message === 'string' ? m.message : m.message.value,
        ...(m.expectedOutput !== undefined ? { expected: m.expectedOutput } : {}),
        ...(m.actualOutput !== undefined ? { actual: m.actualOutput } : {}),
        ...(m.location ? { line: m.location.range.start.line } : {}),
      })),
    });
    if (this.log.length > 500) this.log.shift();
  }
}

function range(lines: { position(o: number): { line: number; character: number } }, start: number, end: number): vscode.Range {
  const s = lines.position(start);
  const e = lines.position(end);
  return new vscode.Range(s.line, s.character, e.line, e.character);
}
