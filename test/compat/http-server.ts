/**
 * The HTTP server of the compat cases that call one (`http-`, `rest-`, `graphql-`, `oauth2-`):
 * the same fixed answers for the Kailash SDK (scripts/oracle/oracle.py starts this file with
 * `node --import tsx`) and for our engine (compat.test.ts starts it in-process). A case writes
 * its URLs as `http://compat.server/…`; both runners put this server's address there and write
 * it back as `<server>` in results. No `Date` header, fixed bodies: every answer is the same on
 * every run.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export const PLACEHOLDER = 'http://compat.server';
export const SERVER = '<server>';

// Bodies as text, so numbers keep the digits a JSON encoder in JavaScript would change.
const RECORD = '{"id": 7, "name": "Ada", "big": 9007199254740993, "ratio": 2.0, "tags": ["a", "b"], "nested": {"b": 1, "2": 2}}';
const USERS = '[{"id": 1, "name": "Ada"}, {"id": 2, "name": "Grace"}]';

function answer(req: IncomingMessage, body: string, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const json = (status: number, text: string, headers: Record<string, string | string[]> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };
  const path = url.pathname;
  if (path === '/json') return json(200, RECORD, { 'X-Request-Id': 'req-1', ETag: '"v1"' });
  if (path === '/text') {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 12 });
    return void res.end('hello\nworld\n');
  }
  if (path === '/bytes') {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': 4 });
    return void res.end(Buffer.from([0, 1, 2, 255]));
  }
  if (path === '/cookies') return json(200, '{"ok": true}', { 'Set-Cookie': ['a=1; Path=/', 'b=2; Path=/'] });
  if (path === '/redirect') {
    res.writeHead(302, { Location: '/json', 'Content-Length': 0 });
    return void res.end();
  }
  const status = /^\/status\/(\d{3})$/.exec(path);
  if (status) return json(Number(status[1]), `{"error": "status ${status[1]}", "code": ${status[1]}}`);
  if (path === '/echo') {
    const seen = {
      method: req.method,
      path,
      query: Object.fromEntries(url.searchParams),
      body,
      content_type: req.headers['content-type'] ?? null,
      x_custom: req.headers['x-custom'] ?? null,
      authorization: req.headers.authorization ?? null,
    };
    return json(200, JSON.stringify(seen));
  }
  if (path === '/api/users') return json(200, USERS);
  const user = /^\/api\/users\/(\d+)$/.exec(path);
  if (user) return user[1] === '1' ? json(200, '{"id": 1, "name": "Ada"}') : json(404, '{"detail": "Not found"}');
  if (path === '/graphql') {
    const query = String((JSON.parse(body || '{}') as { query?: unknown }).query ?? '');
    if (query.includes('broken')) return json(200, '{"data": null, "errors": [{"message": "Cannot query field \\"broken\\"", "path": ["broken"]}]}');
    return json(200, '{"data": {"user": {"id": "1", "name": "Ada", "score": 2.0}}}');
  }
  if (path === '/token') {
    if (!body.includes('grant_type=client_credentials')) return json(400, '{"error": "unsupported_grant_type"}');
    return json(200, '{"access_token": "tok-123", "token_type": "Bearer", "expires_in": 3600, "scope": "read"}');
  }
  return json(404, '{"error": "no such path"}');
}

export async function startCompatServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    res.sendDate = false;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => answer(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  // No keep-alive between requests: each client's reuse of connections must not change answers.
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the compat server has no port');
  return { url: `http://127.0.0.1:${address.port}`, server };
}

// Started as a program (by the oracle): print the address, serve until stdin closes.
if (require.main === module) {
  void startCompatServer().then(({ url, server }) => {
    process.stdout.write(url + '\n');
    process.stdin.resume();
    process.stdin.on('end', () => server.close(() => process.exit(0)));
  });
}
