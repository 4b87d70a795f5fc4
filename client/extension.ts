import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { loadedModel, model } from './lazy';
import { registerDebugger } from './debug/provider';
import { RunAnnotations, workflowOf } from './editor/annotations';
import { RunPanel } from './panel/panel';
import { askParameters } from './params';
import { RunController } from './run/controller';
import { RunHost } from './run/host';
import { outlineInSteps } from './outline';
import { Secrets } from './secrets';
import { WorkflowTests, type TestLog } from './testing/controller';
import { createTestFromRunCommand, pinOutputCommand } from './testing/from-run';
import { SERVER_EXEC_ARGV } from './server-launch';

let client: LanguageClient | undefined;

const SELECTOR: vscode.DocumentSelector = { language: 'kailash-workflow' };
/** The cursor rests this long before the panel selects the node under it. */
const SELECTION_SETTLE_MS = 60;

/** Command arguments come from code lenses (uri strings) or the palette (nothing: the active editor). */
function targetUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string') return vscode.Uri.parse(arg);
  const doc = vscode.window.activeTextEditor?.document;
  return doc?.languageId === 'kailash-workflow' ? doc.uri : undefined;
}

async function pickNode(uri: vscode.Uri, arg: unknown): Promise<string | undefined> {
  if (typeof arg === 'string') return arg;
  const doc = await vscode.workspace.openTextDocument(uri);
  const wf = workflowOf(doc);
  const editor = vscode.window.activeTextEditor;
  if (editor?.document === doc) {
    const here = model().documents.nodeAt(doc.uri.toString(), doc.offsetAt(editor.selection.active));
    if (here) return here.id;
  }
  return vscode.window.showQuickPick([...wf.nodesById.keys()], { title: 'Kailash: which node?' });
}

/** About `PREPARE_MIN_CHARS` (client/editor/documents.ts), in lines: the line count costs nothing to read. */
const PREPARE_MIN_LINES = 1500;
/** The longest a big file's first model waits for the server's first diagnostics before it is read. */
const PREPARE_AFTER_MS = 3000;

function prepare(doc: vscode.TextDocument): void {
  if (doc.languageId !== 'kailash-workflow' || doc.uri.scheme === 'git') return;
  // Only a big file is worth loading the model bundle for now (`prepare` checks its size again).
  if (doc.lineCount < PREPARE_MIN_LINES) return;
  // After the language server's first diagnostics (or a while, for a file without any): on a
  // two-core machine the read would otherwise compete with the server's own first read.
  const key = doc.uri.toString();
  const start = () => {
    sub.dispose();
    clearTimeout(timer);
    if (!doc.isClosed) void model().documents.prepare(key, doc.version, doc.getText());
  };
  const sub = vscode.languages.onDidChangeDiagnostics((e) => {
    if (e.uris.some((u) => u.toString() === key)) start();
  });
  const timer = setTimeout(start, PREPARE_AFTER_MS);
}

/** `kailash.codeLens.nodeLimit`: per-node lenses up to this many nodes (the server reads the same setting). */
function lensLimit(): number {
  const n = vscode.workspace.getConfiguration('kailash').get<number>('codeLens.nodeLimit', 200);
  return Number.isInteger(n) && n >= 0 ? n : 200;
}

/** Only the real-editor tests get a handle on state (never other extensions in normal use). */
export interface TestApi {
  runs: () => unknown[];
  storeSecret: (name: string, value: string) => Thenable<void>;
  marks: Record<string, number>;
  tests: () => { items: TestLog['items']; results: TestLog['results'] };
}

export async function activate(context: vscode.ExtensionContext): Promise<TestApi | undefined> {
  const t0 = performance.now();
  const marks: Record<string, number> = {};
  const mark = (k: string) => void (marks[k] = Math.round(performance.now() - t0));
  const output = vscode.window.createOutputChannel('Kailash Workflows');
  mark('output');
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 20);
  status.command = 'kailash.showRunPanel';
  const secrets = new Secrets(context.secrets);
  const lensesChanged = new vscode.EventEmitter<void>();
  const annotations = new RunAnnotations(() => lensesChanged.fire());
  const host = new RunHost(
    context.asAbsolutePath(path.join('dist', 'run-host.js')),
    (name) => secrets.get(name),
    (line) => output.appendLine(line),
  );
  let controller: RunController;
  const panel = new RunPanel(
    context.extensionUri,
    () => controller.state(),
    (m) => {
      if (m.type === 'cancel') controller.cancel(m.runId);
      else if (m.type === 'rerun' && controller.lastRequest) void controller.run(controller.lastRequest);
      else if (m.type === 'copy') void vscode.env.clipboard.writeText(m.text);
      else if (m.type === 'reveal') void reveal((selectedNode = m.node), m.file);
      else if (m.type === 'pin') void pinOutputCommand(controller, m.runId, m.node);
    },
  );
  controller = new RunController(host, () => panel, annotations, output, status);
  const tests = new WorkflowTests(host);
  let selectionTimer: NodeJS.Timeout | undefined;
  let selectedNode: string | undefined;
  mark('controller');

  async function reveal(node: string, inFile?: string): Promise<void> {
    const file = inFile ?? controller.state().graph?.file;
    if (!file) return;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const n = workflowOf(doc).nodesById.get(node);
    if (!n) return;
    const range = new vscode.Range(doc.positionAt(n.idSpan[0]), doc.positionAt(n.idSpan[1]));
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: range });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  const run = async (arg: unknown, extra: { to?: string; from?: string; withParameters?: boolean } = {}) => {
    const uri = targetUri(arg);
    if (!uri) return void vscode.window.showWarningMessage('Kailash: open a workflow file (*.workflow.yaml) first.');
    secrets.newRun();
    // A new run redraws the panel, selection included: the cursor may select the same node again.
    selectedNode = undefined;
    let parameters = {};
    if (extra.withParameters) {
      const asked = await askParameters();
      if (!asked) return;
      parameters = asked;
    }
    return controller.run({ uri, parameters, ...(extra.to ? { to: extra.to } : {}), ...(extra.from ? { from: extra.from } : {}) });
  };

  context.subscriptions.push(
    output,
    status,
    annotations,
    panel,
    { dispose: () => host.dispose() },
    registerDebugger(host, controller),
    tests,
    vscode.commands.registerCommand('kailash.pinOutput', (runId, node) => pinOutputCommand(controller, runId, node)),
    vscode.commands.registerCommand('kailash.createTestFromRun', (runId) => createTestFromRunCommand(controller, runId)),
    vscode.commands.registerCommand('kailash.runWorkflow', (arg) => run(arg)),
    vscode.commands.registerCommand('kailash.runWithParameters', (arg) => run(arg, { withParameters: true })),
    vscode.commands.registerCommand('kailash.runToNode', async (arg, node) => {
      const uri = targetUri(arg);
      const id = uri && (await pickNode(uri, node));
      return id ? run(uri, { to: id }) : undefined;
    }),
    vscode.commands.registerCommand('kailash.rerunFromNode', async (arg, node) => {
      const uri = targetUri(arg);
      const id = uri && (await pickNode(uri, node));
      return id ? run(uri, { from: id }) : undefined;
    }),
    vscode.commands.registerCommand('kailash.cancelRun', () => controller.cancel()),
    vscode.commands.registerCommand('kailash.showRunPanel', () => panel.show(false)),
    vscode.commands.registerCommand('kailash.showGraph', async (arg: unknown) => {
      const uri = targetUri(arg);
      if (uri) await controller.showGraph(uri);
    }),
    vscode.commands.registerCommand('kailash.validate', async (arg) => {
      const uri = targetUri(arg);
      if (!uri) return;
      const diags = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'kailash');
      const errors = diags.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
      if (diags.length) void vscode.commands.executeCommand('workbench.actions.view.problems');
      void vscode.window.showInformationMessage(
        `Kailash: ${errors} error${errors === 1 ? '' : 's'}, ${diags.length - errors} other problem${diags.length - errors === 1 ? '' : 's'}.`,
      );
    }),
    vscode.commands.registerCommand('kailash.setSecret', () => secrets.set()),
    vscode.commands.registerCommand('kailash.deleteSecret', () => secrets.delete()),
    // After a run, each node offers to re-run from there with the cached upstream outputs.
    lensesChanged,
    vscode.languages.registerCodeLensProvider(SELECTOR, {
      onDidChangeCodeLenses: lensesChanged.event,
      provideCodeLenses: (doc) => {
        if (!annotations.last(doc.uri)) return [];
        return model()
          .rerunLenses(workflowOf(doc), lensLimit())
          .map((l) => {
            const at = doc.positionAt(l.offset);
            return new vscode.CodeLens(new vscode.Range(at, at), {
              title: l.title,
              command: 'kailash.rerunFromNode',
              arguments: l.node === undefined ? [doc.uri.toString()] : [doc.uri.toString(), l.node],
            });
          });
      },
    }),
    // The panel follows the cursor, after it settles, and only when it lands on another node.
    vscode.window.onDidChangeTextEditorSelection((e) => {
      if (e.textEditor.document.languageId !== 'kailash-workflow' || !panel.visible) return;
      clearTimeout(selectionTimer);
      selectionTimer = setTimeout(() => {
        const doc = e.textEditor.document;
        if (doc.isClosed) return;
        workflowOf(doc);
        const node = model().documents.nodeAt(doc.uri.toString(), doc.offsetAt(e.textEditor.selection.active));
        if (node && node.id !== selectedNode) panel.selectNode((selectedNode = node.id));
      }, SELECTION_SETTLE_MS);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('kailash.codeLens.nodeLimit')) lensesChanged.fire();
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => loadedModel()?.documents.forget(doc.uri.toString())),
    // A big workflow's first model is read in steps as it opens, before a run or a feature needs it.
    vscode.workspace.onDidOpenTextDocument(prepare),
    { dispose: () => clearTimeout(selectionTimer) },
  );

  for (const doc of vscode.workspace.textDocuments) prepare(doc);
  mark('registered');
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV] } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV, '--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Test files stay YAML (or JSON) to the editor; the server checks them as test files.
    documentSelector: [{ language: 'kailash-workflow' }, { scheme: 'file', pattern: '**/*.workflow.test.{yaml,yml,json}' }],
    // `clientCommands`: this client runs the kailash.* commands, so the server sends run lenses.
    initializationOptions: {
      connectionTypes: vscode.workspace.getConfiguration('kailash').get('connectionTypes', 'default'),
      codeLens: { nodeLimit: lensLimit() },
      clientCommands: true,
    },
    synchronize: { configurationSection: 'kailash' },
    middleware: { provideDocumentSymbols: (document, token) => (client ? outlineInSteps(client, document, token) : null) },
  };
  client = new LanguageClient('kailashWorkflows', 'Kailash Workflows', serverOptions, clientOptions);
  // Not awaited: the editor is usable at once, and the server's features arrive when it is up.
  client.start().catch((err: unknown) => output.appendLine(`The language server failed to start: ${String(err)}`));
  mark('client');
  return process.env.KAILASH_E2E === '1'
    ? {
        runs: () => controller.runs,
        storeSecret: (name, value) => context.secrets.store(`kailash.secret.${name}`, value),
        marks,
        tests: () => ({ items: tests.snapshot(), results: tests.log }),
      }
    : undefined;
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
