import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type {
  CodeAction,
  CodeLens,
  CompletionList,
  DocumentLink,
  DocumentSymbol,
  Hover,
  Location,
  Range,
  SemanticTokens,
  SemanticTokensDelta,
  WorkspaceEdit,
} from 'vscode-languageserver';
import { startLsp, within, type LspClient } from '../support/lsp-client';

const dir = mkdtempSync(join(tmpdir(), 'kailash-lsp-'));
const uri = pathToFileURL(join(dir, 'main.workflow.yaml')).href;
const innerPath = join(dir, 'inner.workflow.yaml');
const innerUri = pathToFileURL(innerPath).href;
writeFileSync(innerPath, 'nodes:\n  - id: only\n    type: JSONReaderNode\n    config: {file_path: in.json}\n');

const TEXT = `name: demo
nodes:
  - id: fetch
    type: HTTPRequestNod
    config:
      url: https://api.example.com/users
  - id: save
    type: JSONWriterNode
    config: {file_path: out.json}
  - id: sub
    type: WorkflowNode
    config: {workflow_path: inner.workflow.yaml}
connections:
  - {from_node: fetch, from_output: response.content, to_node: save, to_input: data}
  - {from: save, to: sub}
`;

const pos = (line: number, character: number) => ({ line, character });
const doc = { uri };

describe('language server over stdio: every feature end to end', () => {
  let lsp: LspClient;
  before(async () => {
    lsp = await startLsp();
  });
  after(async () => {
    await lsp.close();
  });

  it('declares the features it serves', () => {
    const c = lsp.capabilities;
    for (const k of [
      'completionProvider',
      'hoverProvider',
      'definitionProvider',
      'referencesProvider',
      'renameProvider',
      'documentSymbolProvider',
      'codeActionProvider',
      'semanticTokensProvider',
      'codeLensProvider',
      'documentLinkProvider',
    ]) {
      assert.ok((c as Record<string, unknown>)[k], k);
    }
  });

  it('publishes diagnostics on open, with code, source and the span quick fixes find them by', { timeout: 20_000 }, async () => {
    const published = await within(15_000, 'diagnostics on open', lsp.open(uri, TEXT));
    assert.equal(published.version, 1);
    const d = published.diagnostics.find((x) => x.code === 'unknown-node-type')!;
    assert.deepEqual(
      { source: d.source, range: d.range, data: d.data },
      {
        source: 'kailash',
        range: { start: pos(3, 10), end: pos(3, 24) },
        data: { span: [TEXT.indexOf('HTTPRequestNod'), TEXT.indexOf('HTTPRequestNod') + 14] },
      },
    );
  });

  it('offers a quick fix that clears it (for a client that sends back other data), and diagnostics follow incremental edits', async () => {
    const diag = {
      range: { start: pos(3, 10), end: pos(3, 24) },
      severity: 1,
      code: 'unknown-node-type',
      source: 'kailash',
      message: "Unknown node type 'HTTPRequestNod'.",
      data: { suggestions: ['HTTPRequestNode'] },
    };
    const actions = await lsp.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: doc,
      range: diag.range,
      context: { diagnostics: [diag] },
    });
    const fix = actions.find((a) => a.isPreferred)!;
    assert.equal(fix.title, "Change to 'HTTPRequestNode'");
    const edit = fix.edit!.changes![uri]![0]!;
    const next = lsp.diagnostics(uri, (p) => p.version === 2);
    await lsp.change(uri, 2, [{ range: edit.range, text: edit.newText }]);
    const after = await within(5_000, 'diagnostics after the fix', next);
    assert.ok(!after.diagnostics.some((d) => d.code === 'unknown-node-type'), JSON.stringify(after.diagnostics));
  });

  it('drops checks of versions the text has moved past: publishes only ever move forward', async () => {
    const seen: number[] = [];
    const last = 2 + 30;
    const done = lsp.diagnostics(uri, (p) => {
      seen.push(p.version ?? -1);
      return p.version === last;
    });
    // Thirty keystrokes without waiting, as fast typing sends them (a comment grows on line 0).
    for (let v = 3; v <= last; v++)
      await lsp.change(uri, v, [{ range: { start: pos(0, 10 + v - 3), end: pos(0, 10 + v - 3) }, text: v === 3 ? ' #' : 'x' }]);
    await within(5_000, 'diagnostics of the last keystroke', done);
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
      `versions in order: ${seen.join()}`,
    );
    assert.equal(seen[seen.length - 1], last);
    // Back to the text the later tests expect.
    const back = lsp.diagnostics(uri, (p) => p.version === last + 1);
    await lsp.change(uri, last + 1, [{ range: { start: pos(0, 10), end: pos(0, 10 + 1 + 30) }, text: '' }]);
    await within(5_000, 'diagnostics after undoing', back);
  });

  it('completes, hovers, and answers navigation requests', async () => {
    const completion = await lsp.request<CompletionList>('textDocument/completion', { textDocument: doc, position: pos(3, 12) });
    assert.ok(completion.items.some((i) => i.label === 'HTTPRequestNode'));
    const hover = await lsp.request<Hover>('textDocument/hover', { textDocument: doc, position: pos(3, 12) });
    assert.match((hover.contents as { value: string }).value, /^\*\*HTTPRequestNode\*\*/);
    const def = await lsp.request<Location>('textDocument/definition', { textDocument: doc, position: pos(13, 66) });
    assert.deepEqual(def, { uri, range: { start: pos(6, 8), end: pos(6, 12) } });
    const refs = await lsp.request<Location[]>('textDocument/references', {
      textDocument: doc,
      position: pos(6, 9),
      context: { includeDeclaration: true },
    });
    assert.deepEqual(
      refs.map((r) => r.range.start.line),
      [6, 13, 14],
    );
  });

  it('renames a node id, and refuses a taken one with a message', async () => {
    const prepared = await lsp.request<{ range: Range; placeholder: string }>('textDocument/prepareRename', {
      textDocument: doc,
      position: pos(6, 9),
    });
    assert.equal(prepared.placeholder, 'save');
    const edit = await lsp.request<WorkspaceEdit>('textDocument/rename', { textDocument: doc, position: pos(6, 9), newName: 'store' });
    assert.deepEqual(
      edit.changes![uri]!.map((e) => [e.range.start.line, e.newText]),
      [
        [6, 'store'],
        [13, 'store'],
        [14, 'store'],
      ],
    );
    await assert.rejects(
      lsp.request('textDocument/rename', { textDocument: doc, position: pos(6, 9), newName: 'fetch' }),
      /A node 'fetch' already exists/,
    );
  });

  it('serves symbols, semantic tokens, code lenses and sub-workflow links', async () => {
    const symbols = await lsp.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: doc });
    assert.deepEqual(
      symbols.find((s) => s.name === 'nodes')!.children!.map((c) => c.name),
      ['fetch', 'save', 'sub'],
    );
    const tokens = await lsp.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: doc });
    assert.ok(tokens.data.length > 0 && tokens.data.length % 5 === 0);
    assert.deepEqual(lsp.capabilities.semanticTokensProvider?.full, { delta: true });
    // After an edit, the delta against the last answer, applied, is the new version's full tokens.
    const edited = lsp.diagnostics(uri, (p) => p.version === 100);
    await lsp.change(uri, 100, [{ range: { start: pos(2, 8), end: pos(2, 13) }, text: 'fetched' }]);
    await within(5_000, 'diagnostics of the edit', edited);
    const delta = await lsp.request<SemanticTokensDelta>('textDocument/semanticTokens/full/delta', {
      textDocument: doc,
      previousResultId: tokens.resultId,
    });
    const patched = [...tokens.data];
    for (const e of [...delta.edits].reverse()) patched.splice(e.start, e.deleteCount, ...(e.data ?? []));
    const full = await lsp.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: doc });
    assert.deepEqual(patched, full.data);
    assert.ok(delta.edits.length === 1 && delta.edits[0]!.data!.length < full.data.length);
    const back = lsp.diagnostics(uri, (p) => p.version === 101);
    await lsp.change(uri, 101, [{ range: { start: pos(2, 8), end: pos(2, 15) }, text: 'fetch' }]);
    await within(5_000, 'diagnostics after undoing', back);
    const lenses = await lsp.request<CodeLens[]>('textDocument/codeLens', { textDocument: doc });
    assert.deepEqual(
      lenses.map((l) => l.command!.command),
      ['kailash-server.validate', 'kailash-server.graph'],
      'a client without clientCommands gets only the lenses the server runs',
    );
    const links = await lsp.request<DocumentLink[]>('textDocument/documentLink', { textDocument: doc });
    assert.deepEqual(
      links.map((l) => l.target),
      [innerUri],
    );
  });

  it('re-checks a file when a sub-workflow it runs is saved', async () => {
    const again = lsp.diagnostics(uri);
    await lsp.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: innerUri, languageId: 'kailash-workflow', version: 1, text: 'nodes: []\n' },
    });
    await lsp.connection.sendNotification('textDocument/didSave', { textDocument: { uri: innerUri } });
    const published = await within(5_000, 'diagnostics of the file that uses the saved sub-workflow', again);
    assert.equal(published.uri, uri);
  });

  it("answers an open with its diagnostics before the requests sent with it (the editor's tokens and symbols)", async () => {
    const big = pathToFileURL(join(dir, 'big.workflow.yaml')).href;
    const nodes = Array.from({ length: 300 }, (_, i) => `  - id: n${i}\n    type: MergeNode\n    config: {merge_type: merge_dict}\n`);
    const order: string[] = [];
    const published = lsp.diagnostics(big).then(() => order.push('diagnostics'));
    // Written together, as VS Code sends them: the server reads them in one go.
    void lsp.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: big, languageId: 'kailash-workflow', version: 1, text: `nodes:\n${nodes.join('')}` },
    });
    const answered = ['textDocument/semanticTokens/full', 'textDocument/documentSymbol'].map((m) =>
      lsp.request(m, { textDocument: { uri: big } }).then(() => order.push(m)),
    );
    await within(10_000, 'diagnostics and answers', Promise.all([published, ...answered]));
    assert.equal(order[0], 'diagnostics', order.join(', '));
    await lsp.connection.sendNotification('textDocument/didClose', { textDocument: { uri: big } });
  });

  it('clears diagnostics when a document closes', async () => {
    const cleared = lsp.diagnostics(uri, (p) => p.diagnostics.length === 0);
    await lsp.connection.sendNotification('textDocument/didClose', { textDocument: doc });
    assert.deepEqual((await within(5_000, 'cleared diagnostics', cleared)).diagnostics, []);
    assert.equal(lsp.stderr().includes('failed'), false, lsp.stderr());
  });
});
