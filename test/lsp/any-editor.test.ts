import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CodeLens, Hover } from 'vscode-languageserver';
import { startLsp, within, type LspClient, type Published } from '../support/lsp-client';

/**
 * What a client other than the extension sees: it sends `yaml` as the language of every YAML
 * file, sets no `clientCommands`, and decodes JSON strictly.
 */
const WORKFLOW = `nodes:\n  - id: fetch\n    type: HTTPRequestNod\n    config: {url: https://example.com}\n`;
const COMPOSE = `services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n`;
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('language server for any editor (stdio, no extension)', () => {
  let lsp: LspClient;
  const messages: string[] = [];
  before(async () => {
    lsp = await startLsp();
    lsp.connection.onNotification('window/showMessage', (p: { message: string }) => messages.push(p.message));
  });
  after(async () => {
    await lsp.close();
  });

  const open = (uri: string, text: string, languageId = 'yaml') =>
    lsp.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });

  it('answers only for workflow files: by name or by the marker comment, not any YAML', async () => {
    const compose = 'file:///p/docker-compose.yaml';
    const seen: Published[] = [];
    // Records every publish for the compose file without ever resolving.
    void lsp.diagnostics(compose, (p) => (seen.push(p), false));
    const byName = lsp.diagnostics('file:///p/fetch.workflow.yaml');
    const byMarker = lsp.diagnostics('file:///p/ci.yaml');
    await open(compose, COMPOSE);
    await open('file:///p/fetch.workflow.yaml', WORKFLOW);
    await open('file:///p/ci.yaml', `# kailash-workflow\n${WORKFLOW}`);
    const [a, b] = await within(15_000, 'diagnostics of workflow files', Promise.all([byName, byMarker]));
    assert.ok(a.diagnostics.some((d) => d.code === 'unknown-node-type'));
    assert.ok(b.diagnostics.some((d) => d.code === 'unknown-node-type'));
    // The compose file was opened first: anything published for it would have come before these.
    assert.deepEqual(seen, []);
    const hover = await lsp.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: compose },
      position: { line: 0, character: 2 },
    });
    assert.equal(hover, null);
  });

  it('sends diagnostics a strict JSON decoder accepts, next to an emoji escape', async () => {
    const uri = 'file:///p/emoji.workflow.yaml';
    const published = lsp.diagnostics(uri);
    await open(uri, `name: "a\\🚀b"\n${WORKFLOW}`);
    const p = await within(15_000, 'diagnostics', published);
    const d = p.diagnostics.find((x) => x.code === 'yaml-syntax')!;
    assert.equal(d.message, 'Invalid escape sequence \\🚀');
    assert.ok(!p.diagnostics.some((x) => LONE.test(x.message)));
  });

  it('sends lenses the server runs itself, and runs them over workspace/executeCommand', async () => {
    const uri = 'file:///p/fetch.workflow.yaml';
    assert.deepEqual((lsp.capabilities.executeCommandProvider?.commands ?? []).sort(), ['kailash-server.graph', 'kailash-server.validate']);
    const lenses = await lsp.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.deepEqual(
      lenses.map((l) => l.command!.command),
      ['kailash-server.validate', 'kailash-server.graph'],
    );
    const shown = messages.length;
    const result = await lsp.request<{ errors: number }>('workspace/executeCommand', lenses[0]!.command);
    assert.equal(result.errors, 1);
    const graph = await lsp.request<{ text: string }>('workspace/executeCommand', lenses[1]!.command);
    assert.match(graph.text, /^flowchart TB\n {4}fetch\["fetch<br\/>\(HTTPRequestNod\)"\]/);
    const text = await lsp.request<{ text: string }>('workspace/executeCommand', {
      command: 'kailash-server.graph',
      arguments: [uri, 'text'],
    });
    assert.equal(text.text, 'fetch (HTTPRequestNod)\n');
    // The showMessage notifications were sent before each answer.
    assert.match(messages[shown]!, /^Kailash: 1 error, 0 warnings in fetch\.workflow\.yaml\.$/);
    await assert.rejects(
      lsp.request('workspace/executeCommand', { command: 'kailash-server.validate', arguments: ['file:///p/docker-compose.yaml'] }),
      /needs the URI of an open workflow file/,
    );
  });
});

describe('language server for the extension (clientCommands)', () => {
  it('sends run lenses to a client that runs the extension’s commands', async () => {
    const lsp = await startLsp({ clientCommands: true });
    try {
      const uri = 'file:///p/x.workflow.yaml';
      await within(15_000, 'diagnostics', lsp.open(uri, WORKFLOW));
      const lenses = await lsp.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
      assert.deepEqual(
        lenses.map((l) => l.command!.command),
        ['kailash.runWorkflow', 'kailash.validate', 'kailash.showGraph', 'kailash.runToNode'],
      );
    } finally {
      await lsp.close();
    }
  });
});
