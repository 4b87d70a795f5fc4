import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CodeLens } from 'vscode-languageserver';
import { startLsp, within, type LspClient } from '../support/lsp-client';

const URI = 'file:///tmp/kailash-lens-limit/many.workflow.yaml';
const TEXT = 'nodes:\n' + Array.from({ length: 5 }, (_, i) => `  - id: n${i}\n    type: PythonCodeNode\n`).join('');

/** The node each "Run to" lens names (none: the file-level lens that asks). */
async function runTo(lsp: LspClient): Promise<(string | null)[]> {
  const lenses = await within(10_000, 'code lenses', lsp.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: URI } }));
  return lenses.filter((l) => l.command?.command === 'kailash.runToNode').map((l) => (l.command!.arguments?.[1] as string) ?? null);
}

describe('kailash.codeLens.nodeLimit in the language server (stdio)', () => {
  let lsp: LspClient;
  let refreshes = 0;
  let refreshed: () => void = () => {};
  before(async () => {
    lsp = await startLsp({ clientCommands: true, codeLens: { nodeLimit: 4 } }, { workspace: { codeLens: { refreshSupport: true } } });
    lsp.connection.onRequest('workspace/codeLens/refresh', () => {
      refreshes++;
      refreshed();
      return null;
    });
    await within(10_000, 'diagnostics on open', lsp.open(URI, TEXT));
  });
  after(() => lsp.close());

  it('takes the limit from initializationOptions: 5 nodes over a limit of 4 get one lens that asks', async () => {
    assert.deepEqual(await runTo(lsp), [null]);
  });

  it('follows workspace/didChangeConfiguration, and asks the client to refresh its lenses', async () => {
    const asked = new Promise<void>((r) => (refreshed = r));
    await lsp.connection.sendNotification('workspace/didChangeConfiguration', { settings: { kailash: { codeLens: { nodeLimit: 5 } } } });
    await within(5_000, 'workspace/codeLens/refresh', asked);
    assert.equal(refreshes, 1);
    assert.deepEqual(await runTo(lsp), ['n0', 'n1', 'n2', 'n3', 'n4']);
  });

  it('gives no per-node lens at 0, and the default (200) when the setting goes away', async () => {
    let asked = new Promise<void>((r) => (refreshed = r));
    await lsp.connection.sendNotification('workspace/didChangeConfiguration', { settings: { kailash: { codeLens: { nodeLimit: 0 } } } });
    await within(5_000, 'refresh after 0', asked);
    assert.deepEqual(await runTo(lsp), [null]);
    asked = new Promise<void>((r) => (refreshed = r));
    await lsp.connection.sendNotification('workspace/didChangeConfiguration', { settings: { kailash: {} } });
    await within(5_000, 'refresh after the default', asked);
    assert.deepEqual(await runTo(lsp), ['n0', 'n1', 'n2', 'n3', 'n4']);
    assert.equal(refreshes, 3);
  });

  it('does not ask for a refresh when the limit stays', async () => {
    const before = refreshes;
    await lsp.connection.sendNotification('workspace/didChangeConfiguration', { settings: { kailash: { connectionTypes: 'strict' } } });
    // A request after the notification: the server has handled the notification by its answer.
    await runTo(lsp);
    assert.equal(refreshes, before);
  });
});
