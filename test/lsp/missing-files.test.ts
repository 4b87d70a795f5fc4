import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startLsp, within, type LspClient, type Published } from '../support/lsp-client';

const dir = mkdtempSync(join(tmpdir(), 'kailash-lsp-files-'));
const uri = pathToFileURL(join(dir, 'load.workflow.yaml')).href;
const TEXT = `nodes:
  - {id: load, type: CSVReaderNode, config: {file_path: data/in.csv}}
  - {id: scan, type: DirectoryReaderNode, config: {directory_path: "\${env:INBOX}"}}
connections:
  - {from: load, from_output: data, to: scan, to_input: file_patterns}
`;
const missing = (p: Published) => p.diagnostics.filter((d) => d.code === 'missing-file');

describe('missing-file in the language server: the disk, watched', () => {
  let lsp: LspClient;
  const registrations: unknown[] = [];
  before(async () => {
    lsp = await startLsp(undefined, { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } });
    lsp.connection.onRequest('client/registerCapability', (p: { registrations: unknown[] }) => void registrations.push(...p.registrations));
  });
  after(async () => {
    await lsp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('warns on the path that is not there, once, and not on a templated one', async () => {
    const published = await within(10_000, 'diagnostics on open', lsp.open(uri, TEXT));
    const found = missing(published);
    assert.equal(found.length, 1, JSON.stringify(published.diagnostics));
    assert.equal(found[0]!.severity, 2);
    assert.deepEqual(found[0]!.range.start, { line: 1, character: TEXT.split('\n')[1]!.indexOf('data/in.csv') });
    assert.match(found[0]!.message, /File 'data\/in.csv' does not exist/);
  });

  it('registers a watcher for files created and deleted', () => {
    const r = registrations.find((x) => (x as { method: string }).method === 'workspace/didChangeWatchedFiles') as
      { registerOptions: { watchers: { globPattern: string; kind: number }[] } } | undefined;
    assert.ok(r, JSON.stringify(registrations));
    assert.deepEqual(r.registerOptions.watchers, [{ globPattern: '**/*', kind: 5 }]);
  });

  it('clears the warning when the file is created, and brings it back when it is deleted', async () => {
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'in.csv'), 'a\n1\n');
    const file = pathToFileURL(join(dir, 'data', 'in.csv')).href;
    const cleared = lsp.diagnostics(uri, (p) => missing(p).length === 0);
    await lsp.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: file, type: 1 }] });
    await within(5_000, 'diagnostics without missing-file', cleared);
    rmSync(join(dir, 'data'), { recursive: true });
    const back = lsp.diagnostics(uri, (p) => missing(p).length === 1);
    await lsp.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(join(dir, 'data')).href, type: 3 }],
    });
    await within(5_000, 'missing-file again', back);
  });

  it('re-reads the disk on save, for clients without a watcher', async () => {
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'in.csv'), 'a\n1\n');
    const cleared = lsp.diagnostics(uri, (p) => missing(p).length === 0);
    await lsp.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
    await within(5_000, 'diagnostics after save', cleared);
  });
});
