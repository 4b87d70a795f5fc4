import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { CompletionList } from 'vscode-languageserver';
import { startServer, type LspSession } from '../support/lsp';

describe('the server over stdio: test files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kailash-lsp-tests-'));
  const workflowUri = pathToFileURL(join(dir, 'orders.workflow.yaml')).href;
  const testUri = pathToFileURL(join(dir, 'orders.workflow.test.yaml')).href;
  const WORKFLOW = 'nodes:\n  - id: fetch\n    type: HTTPRequestNode\n    config: {url: "http://127.0.0.1:9/x"}\n';
  let lsp: LspSession;
  before(async () => {
    writeFileSync(join(dir, 'orders.workflow.yaml'), WORKFLOW);
    lsp = await startServer();
  });
  after(async () => {
    await lsp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('checks a test file against the workflow it names, and again when the open workflow changes', { timeout: 20_000 }, async () => {
    const text =
      'workflow: orders.workflow.yaml\npins:\n  fetch: {status_code: "200"}\ncases:\n  - name: a\n    expect:\n      save: {status: succeeded}\n';
    const first = lsp.nextDiagnostics(testUri);
    await lsp.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: testUri, languageId: 'yaml', version: 1, text } });
    const diags = await first;
    assert.deepEqual(
      diags.map((d) => [d.code, d.range.start.line, d.range.start.character]),
      [
        ['pin-output-type', 2, 23],
        ['unknown-test-node', 6, 6],
      ],
    );
    // The workflow, opened and given a `save` node unsaved: the test file is checked against that text.
    const again = lsp.nextDiagnostics(testUri, (d) => d.length === 1);
    await lsp.connection.sendNotification('textDocument/didOpen', {
      textDocument: {
        uri: workflowUri,
        languageId: 'kailash-workflow',
        version: 1,
        text: `${WORKFLOW}  - id: save\n    type: JSONWriterNode\n    config: {file_path: o.json}\n`,
      },
    });
    assert.equal((await again)[0]!.code, 'pin-output-type');
    const list = (await lsp.connection.sendRequest('textDocument/completion', {
      textDocument: { uri: testUri },
      position: { line: 6, character: 6 },
    })) as CompletionList;
    assert.deepEqual(
      list.items.map((i) => i.label),
      ['fetch', 'save'],
    );
  });
});
