/**
 * Real servers on 127.0.0.1:0 for the API node tests, and ways to run a node through the engine.
 * Every request keeps its socket, so a test can wait until the client really closed it.
 */
import { implementationOf } from '../../runtime/nodes/registry';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getSpec } from '../../runtime/catalog';
import type { NodeOutput, RunContext, RunServices } from '../../runtime/catalog/types';
import { LocalRuntime } from '../../runtime/engine/local';
import type { RunEvent, RunOptions, RunResult } from '../../runtime/engine/types';
import { parseWorkflow } from '../../runtime/model/parse';
import { after, afterEach } from 'node:test';
import { disposeAll } from '../../runtime/engine/resources';

export interface TestServer {
  server: Server;
  url: string;
  port: number;
  /** Requests seen, in order. */
  requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string; socket: Socket }[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage & { body: string }, res: ServerResponse, n: number) => unknown;

/** A node:http server whose handler sees the whole body; `n` counts requests from 1. */
export async function listen(handler: Handler): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const open = new Set<Socket>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, socket: req.socket });
    try {
      await handler(Object.assign(req, { body }), res, requests.length);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    }
  });
  server.on('connection', (s: Socket) => {
    open.add(s);
    s.on('close', () => open.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: async () => {
      for (const s of open) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Resolves when every socket that carried a request has closed (the client hung up). */
export async function requestSocketsClosed(s: TestServer): Promise<void> {
  // Not events.once: a reset socket emits 'error' before 'close', which would reject it.
  await Promise.all(
    s.requests.map(({ socket }) => new Promise((resolve) => (socket.closed ? resolve(undefined) : socket.once('close', resolve)))),
  );
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as AddressInfo).port;
  s.close();
  await once(s, 'close');
  return port;
}

/** A RunContext for calling a node's `run` directly. */
export function context(signal: AbortSignal = new AbortController().signal): RunContext {
  const services: RunServices = {
    python: () => {
      throw new Error('no python in API tests');
    },
    javascript: () => {
      throw new Error('no javascript in API tests');
    },
    runWorkflow: () => Promise.reject(new Error('no sub-workflows in API tests')),
  };
  return {
    runId: 'test-run',
    nodeId: 'node',
    signal,
    attempt: 1,
    idempotencyKey: 'test-run:node:1',
    baseDir: process.cwd(),
    roots: [],
    services,
  };
}

/** Runs a node's `run` directly with the catalog's defaults filled in, as the engine would. */
export function call(type: string, inputs: Record<string, unknown>, signal?: AbortSignal): Promise<NodeOutput> {
  const spec = getSpec(type)!;
  const args: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(spec.params)) if (p.default !== undefined) args[name] = p.default;
  return implementationOf(type)!.run({ ...args, ...inputs }, context(signal));
}

export interface Ran extends RunResult {
  events: RunEvent[];
}

/** Runs YAML through LocalRuntime, as the CLI does, collecting events. */
export async function run(
  yaml: string,
  options: { env?: Record<string, string>; parameters?: RunOptions['parameters']; signal?: AbortSignal } = {},
): Promise<Ran> {
  const events: RunEvent[] = [];
  const runtime = new LocalRuntime({ env: options.env ?? {} });
  const result = await runtime.execute(parseWorkflow(yaml), {
    baseDir: process.cwd(),
    onEvent: (e) => events.push(e),
    ...(options.parameters ? { parameters: options.parameters } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { ...result, events };
}

/** The JSON of a run's results and errors: what a user could ever see. */
export function visible(r: RunResult | NodeOutput): string {
  return JSON.stringify(r);
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Servers for one `describe`: each test's are closed after it, and shared clients (pools,
 * dispatchers) after the suite. Call at the top of the `describe`.
 */
export function useServers(): (handler: Handler) => Promise<TestServer> {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  after(() => disposeAll());
  return async (handler) => {
    const s = await listen(handler);
    servers.push(s);
    return s;
  };
}
