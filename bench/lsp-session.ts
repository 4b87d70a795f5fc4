import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

/** A language server process driven over stdio by a minimal client, for timing. */
export interface Session {
  connection: MessageConnection;
  process: ChildProcess;
  /** Resolves at the next `publishDiagnostics` for a URI (the time it arrived, and how many). */
  nextDiagnostics(uri: string): Promise<{ at: number; count: number }>;
  /** Resident and peak resident memory of the server process (MB), from /proc. */
  memory(): { rss: number; peak: number };
  close(): Promise<void>;
}

export async function startSession(args: string[], settings: unknown, initializationOptions?: unknown): Promise<Session> {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', process.env.SERVER_STDERR ? 'inherit' : 'ignore'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const waiters = new Map<string, ((r: { at: number; count: number }) => void)[]>();
  connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: unknown[] }) => {
    const at = performance.now();
    const list = waiters.get(p.uri);
    const w = list?.shift();
    if (w) w({ at, count: p.diagnostics.length });
  });
  // yaml-language-server asks for its settings per document and registers capabilities.
  connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) =>
    p.items.map((i) => (i.section ? ((settings as Record<string, unknown>)[i.section.split('.')[0]!] ?? null) : settings)),
  );
  connection.onRequest(() => null);
  connection.onNotification(() => undefined);
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true } } },
    ...(initializationOptions ? { initializationOptions } : {}),
  });
  await connection.sendNotification('initialized', {});
  await connection.sendNotification('workspace/didChangeConfiguration', { settings });
  return {
    connection,
    process: child,
    nextDiagnostics(uri) {
      return new Promise((resolve) => {
        let list = waiters.get(uri);
        if (!list) waiters.set(uri, (list = []));
        list.push(resolve);
      });
    },
    memory() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
      return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
    },
    async close() {
      const exited = new Promise((r) => child.once('exit', r));
      await connection.sendRequest('shutdown').catch(() => undefined);
      await connection.sendNotification('exit').catch(() => undefined);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
      child.kill();
      connection.dispose();
    },
  };
}

/** Nearest-rank percentile, as the yaml-language-server baseline reports them. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!;
}
