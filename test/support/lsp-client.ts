import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, InitializeResult, TextDocumentContentChangeEvent } from 'vscode-languageserver';

const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'dist', 'server.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    newest = Math.max(newest, s.isDirectory() ? newestSource(p) : s.mtimeMs);
  }
  return newest;
}

/**
 * How to start the server: `node dist/server.js --stdio` (what editors run) when the build is
 * there and newer than the sources it bundles, else the sources through tsx. `KAILASH_LSP=dist`
 * or `=source` forces one (CI builds first, so it tests the bundle).
 */
export function serverCommand(): { args: string[]; kind: 'dist' | 'source' } {
  const forced = process.env.KAILASH_LSP;
  const fresh =
    existsSync(DIST) && statSync(DIST).mtimeMs >= Math.max(newestSource(join(ROOT, 'server')), newestSource(join(ROOT, 'runtime')));
  if (forced === 'dist' || (forced !== 'source' && fresh)) return { args: [DIST, '--stdio'], kind: 'dist' };
  return { args: ['--import', 'tsx', join(ROOT, 'server', 'server.ts'), '--stdio'], kind: 'source' };
}

export interface Published {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}

export interface LspClient {
  connection: MessageConnection;
  process: ChildProcess;
  kind: 'dist' | 'source';
  capabilities: InitializeResult['capabilities'];
  /** Everything the server wrote to stderr. */
  stderr(): string;
  /** The next diagnostics published for a URI that satisfy `accept` (by default: any). */
  diagnostics(uri: string, accept?: (p: Published) => boolean): Promise<Published>;
  open(uri: string, text: string, version?: number): Promise<Published>;
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): Promise<void>;
  request<R>(method: string, params: unknown): Promise<R>;
  close(): Promise<void>;
}

/** Starts the language server over stdio, as an editor would, and initializes it. */
export async function startLsp(initializationOptions?: unknown, capabilities: Record<string, unknown> = {}): Promise<LspClient> {
  const { args, kind } = serverCommand();
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const waiters: { uri: string; accept: (p: Published) => boolean; resolve: (p: Published) => void }[] = [];
  connection.onNotification('textDocument/publishDiagnostics', (p: Published) => {
    const i = waiters.findIndex((w) => w.uri === p.uri && w.accept(p));
    if (i !== -1) waiters.splice(i, 1)[0]!.resolve(p);
  });
  // Server log lines: kept with stderr so a failing test can show them.
  connection.onNotification('window/logMessage', (p: { message: string }) => (err += `${p.message}\n`));
  connection.listen();
  const init = await connection.sendRequest<InitializeResult>('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities,
    ...(initializationOptions ? { initializationOptions } : {}),
  });
  await connection.sendNotification('initialized', {});
  const diagnostics = (uri: string, accept: (p: Published) => boolean = () => true) =>
    new Promise<Published>((resolve) => waiters.push({ uri, accept, resolve }));
  return {
    connection,
    process: child,
    kind,
    capabilities: init.capabilities,
    stderr: () => err,
    diagnostics,
    async open(uri, text, version = 1) {
      const published = diagnostics(uri, (p) => p.version === version);
      await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'kailash-workflow', version, text } });
      return published;
    },
    change: (uri, version, contentChanges) =>
      connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges }),
    request: (method, params) => connection.sendRequest(method, params),
    async close() {
      const exited = new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
      try {
        await connection.sendRequest('shutdown');
        await connection.sendNotification('exit');
      } catch {
        child.kill();
      }
      await exited;
      connection.dispose();
    },
  };
}

/** Rejects when a promise takes longer than `ms`: a bound on waiting, not a sleep. */
export function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}
