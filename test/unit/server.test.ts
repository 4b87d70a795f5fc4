import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startServer } from '../support/lsp';

describe('language server over stdio', () => {
  it('publishes kailash diagnostics on open and clears them when the text is fixed', { timeout: 30_000 }, async () => {
    const lsp = await startServer();
    try {
      const uri = 'file:///tmp/demo.workflow.yaml';
      const text = 'nodes:\n  - id: fetch\n    type: HTTPRequestNod\n    config: {url: "https://example.com"}\n';
      const opened = lsp.nextDiagnostics(uri);
      await lsp.connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'kailash-workflow', version: 1, text },
      });
      const diags = await opened;
      assert.equal(diags.length, 1);
      assert.deepEqual(
        { code: diags[0]!.code, source: diags[0]!.source, severity: diags[0]!.severity, range: diags[0]!.range },
        {
          code: 'unknown-node-type',
          source: 'kailash',
          severity: 1,
          range: { start: { line: 2, character: 10 }, end: { line: 2, character: 24 } },
        },
      );

      const fixed = lsp.nextDiagnostics(uri, (d) => d.length === 0);
      await lsp.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: 2 },
        contentChanges: [{ range: { start: { line: 2, character: 24 }, end: { line: 2, character: 24 } }, text: 'e' }],
      });
      assert.deepEqual(await fixed, []);
    } finally {
      await lsp.close();
    }
  });
});
