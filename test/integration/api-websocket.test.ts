import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import { call, closedPort, run, visible } from './api-support';

const SECRET = 'ws-s3cret-token-0c3e';
const env = { KAILASH_SECRET_WS_TOKEN: SECRET };

describe('WebSocketNode against a ws server', () => {
  let http: Server;
  let wss: WebSocketServer;
  let base: string;
  /** Server-side sockets and how each ended: the close code the server saw. */
  const sockets: { ws: WebSocket; req: IncomingMessage; closed: Promise<number> }[] = [];

  before(async () => {
    http = createServer();
    wss = new WebSocketServer({
      server: http,
      verifyClient: ({ req }, cb) =>
        req.url === '/private' && req.headers.authorization !== `Bearer ${SECRET}`
          ? cb(false, 401, 'Unauthorized')
          : req.url === '/broken'
            ? cb(false, 503)
            : cb(true),
      maxPayload: 64 * 1024 * 1024,
    });
    wss.on('connection', (ws, req) => {
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      sockets.push({ ws, req, closed });
      const path = req.url ?? '/';
      ws.on('message', (data) => {
        const text = data.toString();
        if (path === '/echo' || path === '/private')
          ws.send(JSON.stringify({ echo: JSON.parse(text), auth: req.headers.authorization ?? null }));
        if (path === '/prices' && JSON.parse(text).action === 'subscribe')
          for (let i = 1; i <= 5; i++) ws.send(JSON.stringify({ price: 100 + i }));
        if (path === '/bye') {
          ws.send('plain text, not JSON');
          ws.close(1000, 'done');
        }
        if (path === '/huge') ws.send(Buffer.alloc(2 * 1024 * 1024, 7), { binary: true });
      });
      if (path === '/binary') ws.send(Buffer.from([1, 2, 3]), { binary: true });
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    base = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    sockets.length = 0;
  });
  after(async () => {
    for (const c of wss.clients) c.terminate();
    wss.close();
    http.close();
  });

  it('connects with headers, sends the messages, receives N and closes cleanly (the server sees 1000)', async () => {
    const r = await run(
      `nodes:
  - id: ticker
    type: WebSocketNode
    config:
      websocket_url: ${base}/prices
      headers: {Authorization: "Bearer \${secret:WS_TOKEN}"}
      messages: [{action: subscribe, channel: prices}, {action: snapshot}]
      receive_count: 3
`,
      { env },
    );
    assert.equal(r.status, 'succeeded');
    assert.deepEqual(r.results.ticker, {
      responses: [{ price: 101 }, { price: 102 }, { price: 103 }],
      response: { price: 101 },
      closed: true,
    });
    assert.equal(sockets[0]!.req.headers.authorization, `Bearer ${SECRET}`);
    assert.equal(await sockets[0]!.closed, 1000);
  });

  it('redacts a secret the server echoes back', async () => {
    const r = await run(
      `nodes:\n  - id: e\n    type: WebSocketNode\n    config: {websocket_url: "${base}/private", headers: {Authorization: "Bearer \${secret:WS_TOKEN}"}, message: {hello: 1}}\n`,
      { env },
    );
    assert.equal(r.status, 'succeeded');
    assert.deepEqual(r.results.e!.response, { echo: { hello: 1 }, auth: 'Bearer ***' });
    assert.ok(!visible(r).includes(SECRET));
  });

  it('returns what arrived when the timeout comes first, and still closes cleanly', async () => {
    const out = await call('WebSocketNode', {
      websocket_url: `${base}/prices`,
      message: { action: 'subscribe' },
      receive_count: 10,
      timeout: 0.3,
    });
    assert.equal((out.responses as unknown[]).length, 5);
    assert.equal(out.closed, true);
    assert.equal(await sockets[0]!.closed, 1000);
  });

  it('keeps text that is not JSON as text, binary as base64, and stops when the server closes first', async () => {
    const bye = await call('WebSocketNode', { websocket_url: `${base}/bye`, message: 'hi', receive_count: 5, timeout: 5 });
    assert.deepEqual(bye, { responses: ['plain text, not JSON'], response: 'plain text, not JSON', closed: true });
    const bin = await call('WebSocketNode', { websocket_url: `${base}/binary` });
    assert.deepEqual(bin.responses, ['AQID']);
  });

  it('a refused connection, a refused handshake (401, 503) and a handshake timeout raise, retryable or not', async () => {
    const port = await closedPort();
    await assert.rejects(
      call('WebSocketNode', { websocket_url: `ws://127.0.0.1:${port}/x` }),
      (e: Error & { type?: string; retryable?: boolean }) =>
        e.type === 'ConnectionError' && e.retryable === true && /ECONNREFUSED/.test(e.message),
    );
    await assert.rejects(
      call('WebSocketNode', { websocket_url: `${base}/private` }),
      (e: Error & { retryable?: boolean }) =>
        /handshake with ws:\/\/127\.0\.0\.1:\d+ was refused: HTTP 401/.test(e.message) && e.retryable === false,
    );
    await assert.rejects(
      call('WebSocketNode', { websocket_url: `${base}/broken` }),
      (e: Error & { retryable?: boolean }) => /HTTP 503/.test(e.message) && e.retryable === true,
    );
    const silent = createServer(); // accepts the upgrade request but never answers it
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      await assert.rejects(
        call('WebSocketNode', { websocket_url: `ws://127.0.0.1:${(silent.address() as AddressInfo).port}/`, timeout: 0.2 }),
        (e: Error & { type?: string }) => e.type === 'TimeoutError',
      );
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('aborting the run terminates the socket at once', async () => {
    const abort = new AbortController();
    wss.once('connection', () => setImmediate(() => abort.abort()));
    const r = await run(
      `nodes:\n  - {id: w, type: WebSocketNode, config: {websocket_url: "${base}/echo", receive_count: 1, timeout: 30}}\n`,
      { signal: abort.signal },
    );
    assert.equal(r.status, 'cancelled');
    assert.equal(await sockets[0]!.closed, 1006, 'terminated, not closed politely');
  });

  it('an oversized message fails clearly', async () => {
    const previous = process.env.KAILASH_MAX_RESPONSE_MB;
    process.env.KAILASH_MAX_RESPONSE_MB = '1';
    try {
      await assert.rejects(
        call('WebSocketNode', { websocket_url: `${base}/huge`, message: 'go' }),
        (e: Error & { type?: string }) => e.type === 'ResponseTooLargeError' && /exceeds 1 MB/.test(e.message),
      );
      assert.equal(await sockets[0]!.closed, 1009);
    } finally {
      if (previous === undefined) delete process.env.KAILASH_MAX_RESPONSE_MB;
      else process.env.KAILASH_MAX_RESPONSE_MB = previous;
    }
  });
});
