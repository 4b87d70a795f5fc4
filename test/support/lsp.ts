import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

export interface LspSession {
  connection: MessageConnection;
  process: ChildProcess;
  /** Resolves with the next `publishDiagnostics` for a URI that satisfies `accept`. */
  nextDiagnostics(uri: string, accept?: (diags: LspDiagnostic[]) => boolean): Promise<LspDiagnostic[]>;
  close(): Promise<void>;
}

export interface LspDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: number;
  code: string;
  source: string;
  message: string;
}

/** Starts the language server from source over stdio, as an editor would, and initializes it. */
export async function startServer(): Promise<LspSession> {
  const root = join(__dirname, '..', '..');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'server', 'server.ts'), '--stdio'], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const waiters: { uri: string; accept: (d: LspDiagnostic[]) => boolean; resolve: (d: LspDiagnostic[]) => void }[] = [];
  connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: LspDiagnostic[] }) => {
    const i = waiters.findIndex((w) => w.uri === p.uri && w.accept(p.diagnostics));
    if (i !== -1) waiters.splice(i, 1)[0]!.resolve(p.diagnostics);
  });
  connection.listen();
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  await connection.sendNotification('initialized', {});
  return {
    connection,
    process: child,
    nextDiagnostics: (uri, accept = () => true) => new Promise((resolve) => waiters.push({ uri, accept, resolve })),
    async close() {
      await connection.sendRequest('shutdown');
      const exited = new Promise((r) => child.once('exit', r));
      await connection.sendNotification('exit');
      await exited;
      connection.dispose();
    },
  };
}
