import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  url: string;
  server: Server;
  /** Requests seen, per path. */
  hits: Map<string, number>;
  /** Arrival times (ms) of requests, per path. */
  times: Map<string, number[]>;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 with a route table; counts what it receives. */
export async function startServer(handler: (req: IncomingMessage, res: ServerResponse, hit: number) => void): Promise<TestServer> {
  const hits = new Map<string, number>();
  const times = new Map<string, number[]>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    times.set(path, [...(times.get(path) ?? []), performance.now()]);
    handler(req, res, n);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    hits,
    times,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
