import {
  CodeActionKind,
  CodeLensRefreshRequest,
  createConnection,
  DidChangeWatchedFilesNotification,
  WatchKind,
  ErrorCodes,
  LSPErrorCodes,
  MessageType,
  ShowMessageNotification,
  ProposedFeatures,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type Connection,
  type SemanticTokens,
  type SemanticTokensDelta,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateOptions } from '../runtime/validate';
import { FolderCache } from '../runtime/validate/disk';
import { DocumentState } from './documents';
import { fullCollection, IdleCollector, tuneHeap } from './memory';
import { codeActions } from './features/actions';
import { complete } from './features/completion';
import { toLspDiagnostic } from './features/diagnostics';
import { hover } from './features/hover';
import { graphCommand, SERVER_COMMAND_IDS, validateCommand } from './features/commands';
import { codeLenses, NODE_LENS_LIMIT, readNodeLimit, SERVER_COMMANDS } from './features/lenses';
import { isTestDocument, isWorkflowDocument } from './features/scope';
import { testCompletion, testDiagnostics, testDoc, testedWorkflow } from './features/test-file';
import { documentLinks, subWorkflowPaths } from './features/links';
import { definition, prepareRename, references, rename } from './features/references';
import { documentSymbols } from './features/symbols';
import { semanticTokens, tokenEdits, TOKEN_LEGEND } from './features/tokens';
import type { FeatureDoc } from './features/types';
import { WORKFLOW_DOCUMENTS } from './text-document';
import { Workspace } from './workspace';

/**
 * The language server: a thin adapter. Every answer comes from a pure function in `features/`
 * over the current version's model; this file wires handlers, schedules diagnostics (debounced,
 * dropped when the text moves on) and keeps one `DocumentState` per open document.
 */

// `--stdio`, `--node-ipc` or a socket, chosen by vscode-languageserver from the command line.
const connection: Connection = createConnection(ProposedFeatures.all);
// Documents whose line index is the one the model reads (text-document.ts), not a second one.
const documents = new TextDocuments(WORKFLOW_DOCUMENTS);
const workspace = new Workspace();
const states = new Map<string, DocumentState>();
const timers = new Map<string, NodeJS.Timeout>();
// Memory (memory.ts): the old generation kept near its live size, and its garbage given back once
// the server has been quiet.
tuneHeap();
const collector = new IdleCollector(fullCollection());
let options: ValidateOptions = {};
/** What `missing-file` knows of the disk, per workflow folder, until a watched file changes. */
const disk = new FolderCache();
/** Whether the client lets us register a file watcher (else the disk is re-read on save). */
let canWatch = false;

/** The folder a document's relative paths resolve against; none for unsaved or remote documents. */
function folderOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return dirname(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}
/** Whether the client runs the VS Code extension's commands (it says so in `initializationOptions`). */
let clientCommands = false;
/** Per-node lenses up to this many nodes (`kailash.codeLens.nodeLimit`). */
let nodeLimit = NODE_LENS_LIMIT;
/** Whether the client takes `workspace/codeLens/refresh` (asked again for lenses when the limit changes). */
let canRefreshLenses = false;

/**
 * Debounce after an edit (ms). Checking an edit is incremental and usually costs a few ms, so it
 * runs at once (keystrokes come tens of ms apart: a fixed wait would only add latency; changes
 * that arrive together are still checked once, as `publish` skips a version that moved on); when the last check of this document was expensive (a whole-file parse of
 * a big file that cannot be read piecewise), the next waits about that long for typing to pause.
 */
const DEBOUNCE_MIN = 0;
const DEBOUNCE_MAX = 200;
const CHEAP_MS = 100;

function debounceFor(state: DocumentState | undefined): number {
  return !state || state.lastCost < CHEAP_MS ? DEBOUNCE_MIN : Math.min(DEBOUNCE_MAX, state.lastCost);
}

connection.onInitialize((params) => {
  options = readOptions(params.initializationOptions);
  clientCommands = (params.initializationOptions as { clientCommands?: unknown } | undefined)?.clientCommands === true;
  canWatch = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  nodeLimit = readLensLimit(params.initializationOptions);
  canRefreshLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      completionProvider: { triggerCharacters: [' ', '.', '{', ':'], resolveProvider: false },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
      documentLinkProvider: { resolveProvider: false },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
      semanticTokensProvider: { legend: TOKEN_LEGEND, full: { delta: true }, range: true },
      codeLensProvider: { resolveProvider: false },
      executeCommandProvider: { commands: SERVER_COMMAND_IDS },
    },
    serverInfo: { name: 'kailash-workflows', version: '0.1.0' },
  };
});

/** `connectionTypes` (`strict`, `default`, `off`) from initialization options or `kailash` settings. */
function readOptions(source: unknown): ValidateOptions {
  const level = (source as { connectionTypes?: unknown } | undefined)?.connectionTypes;
  return level === 'strict' || level === 'default' || level === 'off' ? { connectionTypes: level } : {};
}

/** `codeLens.nodeLimit`, in initialization options or `kailash` settings (the same shape). */
function readLensLimit(source: unknown): number {
  return readNodeLimit((source as { codeLens?: { nodeLimit?: unknown } } | undefined)?.codeLens?.nodeLimit);
}

connection.onDidChangeConfiguration((change) => {
  const settings = (change.settings as { kailash?: unknown } | undefined)?.kailash;
  const limit = readLensLimit(settings);
  if (limit !== nodeLimit) {
    nodeLimit = limit;
    if (canRefreshLenses) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  }
  const next = readOptions(settings);
  if (next.connectionTypes === options.connectionTypes) return;
  options = next;
  for (const [uri, state] of states) {
    state.setOptions(options);
    schedule(uri, 0);
  }
});

connection.onInitialized(() => {
  // Files appearing or going is what changes `missing-file`; edits to their content do not.
  if (canWatch)
    void connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: [{ globPattern: '**/*', kind: WatchKind.Create | WatchKind.Delete }],
    });
});

connection.onDidChangeWatchedFiles(({ changes }) => {
  const folders = new Set<string>();
  for (const c of changes) {
    const folder = folderOf(c.uri);
    if (folder === undefined) continue;
    for (const f of disk.changed(fileURLToPath(c.uri))) folders.add(f);
  }
  recheckFiles(folders);
});

/** Re-checks `missing-file` in the open documents whose folder is one of these. */
function recheckFiles(folders: Set<string>): void {
  if (!folders.size) return;
  for (const [uri, state] of states) {
    const folder = folderOf(uri);
    if (folder === undefined || !folders.has(folder)) continue;
    state.filesChanged();
    schedule(uri, 0);
  }
}

function stateOf(uri: string): DocumentState {
  let s = states.get(uri);
  if (!s) {
    const folder = folderOf(uri);
    states.set(uri, (s = new DocumentState(uri, options, folder === undefined ? undefined : () => disk.existsIn(folder))));
  }
  return s;
}

/** The open document, if it is a workflow file (others get no diagnostics and no answers). */
function workflowText(uri: string): TextDocument | undefined {
  const text = documents.get(uri);
  return text && isWorkflowDocument(uri, text.languageId, text.getText()) ? text : undefined;
}

function schedule(uri: string, delay: number, afterEdit = false): void {
  clearTimeout(timers.get(uri));
  timers.set(
    uri,
    setTimeout(() => {
      timers.delete(uri);
      void publish(uri, afterEdit);
    }, delay),
  );
}

/** The open document, if it is a workflow test file. */
function testText(uri: string): TextDocument | undefined {
  return isTestDocument(uri) ? documents.get(uri) : undefined;
}

const openText = (uri: string) => documents.get(uri)?.getText();

async function publishTest(doc: TextDocument): Promise<void> {
  try {
    const t = testDoc(doc.uri, doc.getText());
    const diagnostics = testDiagnostics(t, workspace.testFiles(doc.uri, openText));
    await connection.sendDiagnostics({
      uri: doc.uri,
      version: doc.version,
      diagnostics: diagnostics.map((d) => toLspDiagnostic(t.lines, d)),
    });
  } catch (err) {
    connection.console.error(`kailash: checking ${doc.uri} failed: ${(err as Error).stack ?? err}`);
  }
}

/** Checks the current version and publishes its diagnostics (`afterEdit`: its cost sets the next debounce). */
async function publish(uri: string, afterEdit: boolean): Promise<void> {
  const test = testText(uri);
  if (test) return publishTest(test);
  const text = workflowText(uri);
  if (!text) {
    // Not (or no longer: the marker was deleted) a workflow file.
    if (documents.get(uri) && states.delete(uri)) await connection.sendDiagnostics({ uri, diagnostics: [] });
    return;
  }
  const version = text.version;
  const state = stateOf(uri);
  const started = performance.now();
  try {
    const doc = state.analyze(text);
    workspace.setUses(uri, usedSubWorkflows(doc));
    // After an edit, let edits that arrived meanwhile land: if the text moved on, its own run
    // reports instead. On open the first diagnostics go first, before the editor's queued
    // requests for the same version (tokens, symbols, lenses), which would otherwise delay them.
    if (afterEdit) {
      await new Promise((resolve) => setImmediate(resolve));
      if (documents.get(uri)?.version !== version || !state.isCurrent(version)) return;
    }
    const { doc: checked, diagnostics } = state.diagnose(text);
    if (afterEdit) state.lastCost = performance.now() - started;
    await connection.sendDiagnostics({ uri, version, diagnostics: diagnostics.map((d) => toLspDiagnostic(checked.lines, d)) });
  } catch (err) {
    connection.console.error(`kailash: checking ${uri} failed: ${(err as Error).stack ?? err}`);
  }
  collector.touch();
}

function usedSubWorkflows(doc: FeatureDoc): string[] {
  return subWorkflowPaths(doc).flatMap(({ path }) => workspace.resolve(doc.uri, path) ?? []);
}

// A document's first diagnostics are worked out at once, before the requests the editor sent
// with the open (semantic tokens, symbols, lenses) are answered from the same parse.
documents.onDidOpen((e) => {
  clearTimeout(timers.get(e.document.uri));
  timers.delete(e.document.uri);
  void publish(e.document.uri, false);
});
documents.onDidChangeContent((e) => {
  // The open fires this too, for the version `onDidOpen` has just checked.
  if (!states.get(e.document.uri)?.isCurrent(e.document.version)) schedule(e.document.uri, debounceFor(states.get(e.document.uri)), true);
  // Test files check node ids and pins against the workflow they name: re-check them when one changes.
  if (!isTestDocument(e.document.uri) && workflowText(e.document.uri))
    for (const d of documents.all()) if (isTestDocument(d.uri)) schedule(d.uri, DEBOUNCE_MAX);
});
documents.onDidSave((e) => {
  // A saved sub-workflow: re-check the open files that run it.
  for (const uri of workspace.dependents(e.document.uri)) if (uri !== e.document.uri) schedule(uri, 0);
  // Saving re-reads the disk for the saved file's paths (the only way without a file watcher).
  const folder = folderOf(e.document.uri);
  if (folder !== undefined) recheckFiles(new Set([folder, ...disk.changed(folder)]));
});
documents.onDidClose((e) => {
  const uri = e.document.uri;
  clearTimeout(timers.get(uri));
  timers.delete(uri);
  states.delete(uri);
  lastTokens.delete(uri);
  workspace.forget(uri);
  void connection.sendDiagnostics({ uri, diagnostics: [] });
});

/**
 * Runs a feature over the current version of a document. A feature that throws must not take
 * the server down: the request answers `fallback` and the error goes to the client's log.
 */
function withDoc<T>(uri: string, token: CancellationToken | undefined, fallback: T, run: (doc: FeatureDoc, state: DocumentState) => T): T {
  const text = workflowText(uri);
  if (!text || token?.isCancellationRequested) return fallback;
  const state = stateOf(uri);
  collector.touch();
  try {
    return run(state.analyze(text), state);
  } catch (err) {
    if (err instanceof ResponseError) throw err;
    connection.console.error(`kailash: request on ${uri} failed: ${(err as Error).stack ?? err}`);
    return fallback;
  }
}

connection.onCompletion((p, token) => {
  const test = testText(p.textDocument.uri);
  if (!test) return withDoc(p.textDocument.uri, token, null, (doc) => complete(doc, p.position));
  try {
    const t = testDoc(test.uri, test.getText());
    return testCompletion(t, p.position, testedWorkflow(t, workspace.testFiles(test.uri, openText)));
  } catch (err) {
    connection.console.error(`kailash: completion in ${test.uri} failed: ${(err as Error).stack ?? err}`);
    return null;
  }
});
connection.onHover((p, token) => withDoc(p.textDocument.uri, token, null, (doc) => hover(doc, p.position) ?? null));
connection.onDefinition((p, token) => withDoc(p.textDocument.uri, token, null, (doc) => definition(doc, p.position) ?? null));
connection.onReferences((p, token) =>
  withDoc(p.textDocument.uri, token, [], (doc) => references(doc, p.position, p.context.includeDeclaration)),
);
connection.onPrepareRename((p, token) =>
  withDoc(p.textDocument.uri, token, null, (doc) => {
    const r = prepareRename(doc, p.position);
    if ('error' in r) throw new ResponseError(LSPErrorCodes.RequestFailed, r.error);
    return r;
  }),
);
connection.onRenameRequest((p, token) =>
  withDoc(p.textDocument.uri, token, null, (doc) => {
    const r = rename(doc, p.position, p.newName);
    if ('error' in r) throw new ResponseError(LSPErrorCodes.RequestFailed, r.error);
    return r;
  }),
);
connection.onDocumentSymbol((p, token) => withDoc(p.textDocument.uri, token, [], (doc) => documentSymbols(doc)));
connection.onDocumentLinks((p, token) => withDoc(p.textDocument.uri, token, [], (doc) => documentLinks(doc, workspace)));
connection.onCodeAction((p, token) =>
  withDoc(p.textDocument.uri, token, [], (_doc, state) =>
    codeActions(state.diagnose(documents.get(p.textDocument.uri)!).doc, p.range, p.context.diagnostics),
  ),
);
connection.onCodeLens((p, token) => withDoc(p.textDocument.uri, token, [], (doc) => codeLenses(doc, clientCommands, nodeLimit)));
connection.onExecuteCommand((p, token) => {
  const uri = typeof p.arguments?.[0] === 'string' ? p.arguments[0] : undefined;
  if (!SERVER_COMMAND_IDS.includes(p.command)) throw new ResponseError(ErrorCodes.InvalidParams, `Unknown command '${p.command}'.`);
  if (!uri || !workflowText(uri))
    throw new ResponseError(ErrorCodes.InvalidParams, `${p.command} needs the URI of an open workflow file as its first argument.`);
  const out = withDoc(uri, token, undefined, (_doc, state) => {
    const { doc, diagnostics } = state.diagnose(documents.get(uri)!);
    return p.command === SERVER_COMMANDS.validate ? validateCommand(doc, diagnostics) : graphCommand(doc, p.arguments?.[1]);
  });
  if (!out) return null;
  // A notification, not `window/showMessageRequest`: nothing to answer, every client shows it.
  void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: out.message });
  return out.result;
});
/** Each document's last full tokens, for answering the next request with an edit (`tokenEdits`). */
const lastTokens = new Map<string, { resultId: string; data: number[] }>();
let tokenResults = 0;
function fullTokens(uri: string, doc: FeatureDoc): SemanticTokens {
  const data = semanticTokens(doc).data;
  const resultId = `${++tokenResults}`;
  lastTokens.set(uri, { resultId, data });
  return { resultId, data };
}
connection.languages.semanticTokens.on((p, token) => withDoc(p.textDocument.uri, token, { data: [] }, (doc) => fullTokens(doc.uri, doc)));
connection.languages.semanticTokens.onDelta((p, token) =>
  withDoc(p.textDocument.uri, token, { data: [] } as SemanticTokens | SemanticTokensDelta, (doc) => {
    const last = lastTokens.get(doc.uri);
    const next = fullTokens(doc.uri, doc);
    if (last?.resultId !== p.previousResultId) return next;
    return { resultId: next.resultId, edits: tokenEdits(last.data, next.data) };
  }),
);
connection.languages.semanticTokens.onRange((p, token) =>
  withDoc(p.textDocument.uri, token, { data: [] }, (doc) => semanticTokens(doc, p.range)),
);

documents.listen(connection);
connection.listen();
