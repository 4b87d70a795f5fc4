import { implementationOf } from '../../runtime/nodes/registry';
import assert from 'node:assert/strict';
import { createServer as createNetServer, connect, type Socket } from 'node:net';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { disposeAll } from '../../runtime/engine/resources';
import { call, closedPort, context, json, requestSocketsClosed, run, useServers, visible } from './api-support';
import { selfSignedCert } from '../support/data-servers';

const SECRET = 'tok-5ecret-value-9f2c';
const env = { KAILASH_SECRET_API_TOKEN: SECRET };

function openssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function one(config: string, extra = ''): string {
  return `nodes:\n  - id: call\n    type: HTTPRequestNode\n    config: ${config}\n${extra}`;
}

describe('HTTPRequestNode against node:http', () => {
  const serve = useServers();

  it("GETs JSON with params, headers and bearer auth, and returns exactly Kailash's outputs", async () => {
    const s = await serve((req, res) =>
      json(res, 200, { path: req.url, auth: req.headers.authorization === `Bearer ${SECRET}`, trace: req.headers['x-trace'] }),
    );
    const r = await run(
      one(
        `{url: "${s.url}/users", params: {status: active, tag: [a, b]}, headers: {X-Trace: t1}, auth_type: bearer, auth_token: "\${secret:API_TOKEN}"}`,
      ),
      { env },
    );
    assert.equal(r.status, 'succeeded');
    const out = r.results.call!;
    assert.deepEqual(Object.keys(out).sort(), ['response', 'status_code', 'success']);
    assert.equal(out.status_code, 200);
    assert.equal(out.success, true);
    const response = out.response as Record<string, unknown>;
    assert.deepEqual(Object.keys(response).sort(), ['content', 'content_type', 'headers', 'response_time_ms', 'status_code', 'url']);
    assert.deepEqual(response.content, { path: '/users?status=active&tag=a&tag=b', auth: true, trace: 't1' });
    assert.equal(response.content_type, 'application/json');
    assert.equal(response.url, `${s.url}/users?status=active&tag=a&tag=b`);
    assert.equal(typeof response.response_time_ms, 'number');
  });

  it('sends json_data as JSON (winning over data), a dict `data` form-encoded, and an idempotency key on POST', async () => {
    const s = await serve((req, res) =>
      json(res, 201, { type: req.headers['content-type'], body: req.body, key: req.headers['idempotency-key'] }),
    );
    const ctx = context();
    const a = await implementationOf('HTTPRequestNode')!.run(
      { url: `${s.url}/x`, method: 'post', json_data: { a: 1 }, data: 'ignored' },
      ctx,
    );
    assert.deepEqual((a.response as { content: unknown }).content, { type: 'application/json', body: '{"a": 1}', key: 'test-run:node:1' });
    const b = await implementationOf('HTTPRequestNode')!.run({ url: `${s.url}/x`, method: 'PUT', data: { q: 'a b', n: 2 } }, ctx);
    assert.deepEqual((b.response as { content: unknown }).content, { type: 'application/x-www-form-urlencoded', body: 'q=a+b&n=2' });
  });

  it('follows redirects like requests does, and reports the final URL', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/old') {
        res.writeHead(301, { location: '/new?x=1' });
        return res.end();
      }
      json(res, 200, { at: req.url });
    });
    const out = await implementationOf('HTTPRequestNode')!.run({ url: `${s.url}/old` }, context());
    assert.equal(out.status_code, 200);
    assert.equal((out.response as { url: string }).url, `${s.url}/new?x=1`);
  });

  it('turns a POST answered by 303 into a GET, and does not carry credentials to another host', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/submit') {
        res.writeHead(303, { location: '/done' });
        return res.end();
      }
      if (req.url === '/away') {
        res.writeHead(307, { location: `http://localhost:${s.port}/landed` });
        return res.end();
      }
      json(res, 200, { method: req.method, body: req.body, auth: req.headers.authorization ?? null });
    });
    const posted = await call('HTTPRequestNode', {
      url: `${s.url}/submit`,
      method: 'POST',
      json_data: { a: 1 },
      auth_type: 'bearer',
      auth_token: SECRET,
    });
    assert.deepEqual((posted.response as { content: unknown }).content, { method: 'GET', body: '', auth: `Bearer ${SECRET}` });
    const moved = await call('HTTPRequestNode', { url: `${s.url}/away`, auth_type: 'bearer', auth_token: SECRET });
    assert.deepEqual((moved.response as { content: unknown }).content, { method: 'GET', body: '', auth: null });
    assert.equal((moved.response as { url: string }).url, `http://localhost:${s.port}/landed`);
  });

  it('parses per response_format: auto, text, binary as base64, and falls back to text on bad JSON', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/bin') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        return res.end(Buffer.from([0, 1, 2, 255]));
      }
      if (req.url === '/bad') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{"truncated": ');
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('hello');
    });
    const call = (url: string, response_format: string) =>
      implementationOf('HTTPRequestNode')!.run({ url: s.url + url, response_format }, context());
    assert.equal(((await call('/bin', 'auto')).response as { content: unknown }).content, 'AAEC/w==');
    assert.equal(((await call('/txt', 'json')).response as { content: unknown }).content, 'hello');
    assert.equal(((await call('/txt', 'binary')).response as { content: unknown }).content, Buffer.from('hello').toString('base64'));
    const bad = await call('/bad', 'auto');
    assert.equal(bad.success, true);
    assert.equal((bad.response as { content: unknown }).content, '{"truncated": ');
  });

  it('stops the run on 4xx and 5xx with success false (content-aware detection)', async () => {
    const s = await serve((req, res) => json(res, req.url === '/missing' ? 404 : 500, { error: 'nope' }));
    const r404 = await run(one(`{url: "${s.url}/missing"}`));
    assert.equal(r404.status, 'failed');
    assert.equal(r404.error?.type, 'ContentAwareExecutionError');
    assert.match(r404.error!.message, /reported failure: HTTP 404 from http:\/\/127\.0\.0\.1:\d+\/missing/);
    assert.equal(r404.results.call!.success, false);
    assert.equal(r404.results.call!.status_code, 404);
    assert.deepEqual(r404.results.call!.recovery_suggestions, [
      'Check the URL, method, parameters and credentials: the server rejected the request.',
    ]);
    const r500 = await run(one(`{url: "${s.url}/boom"}`));
    assert.equal(r500.status, 'failed');
    assert.equal(r500.results.call!.status_code, 500);
  });

  it('reports a refused connection as success false with ConnectionError, and retries it retry_count times', async () => {
    const port = await closedPort();
    const r = await run(one(`{url: "http://127.0.0.1:${port}/", retry_count: 2, retry_backoff: 0}`));
    assert.equal(r.status, 'failed');
    const out = r.results.call!;
    assert.equal(out.response, null);
    assert.equal(out.status_code, null);
    assert.equal(out.error_type, 'ConnectionError');
    assert.match(String(out.error), /ECONNREFUSED/);
  });

  it('retry_count retries transport errors only: resets are retried, a 503 is not', async () => {
    const s = await serve((req, res, n) => {
      if (req.url === '/reset' && n < 3) return void req.socket.destroy();
      json(res, req.url === '/503' ? 503 : 200, { n });
    });
    const ok = await implementationOf('HTTPRequestNode')!.run({ url: `${s.url}/reset`, retry_count: 2, retry_backoff: 0 }, context());
    assert.equal(ok.success, true);
    assert.equal(s.requests.length, 3);
    const unavailable = await implementationOf('HTTPRequestNode')!.run(
      { url: `${s.url}/503`, retry_count: 2, retry_backoff: 0 },
      context(),
    );
    assert.equal(unavailable.status_code, 503);
    assert.equal(s.requests.length, 4);
  });

  it('times out per `timeout` and closes the socket the server holds', async () => {
    const s = await serve(() => undefined); // never answers
    const started = performance.now();
    const out = await implementationOf('HTTPRequestNode')!.run({ url: `${s.url}/hang`, timeout: 0.2 }, context());
    assert.equal(out.success, false);
    assert.equal(out.error_type, 'TimeoutError');
    assert.match(String(out.error), /timed out after 0\.2 s/);
    assert.ok(performance.now() - started < 5000);
    await requestSocketsClosed(s);
  });

  it('caps the response size: a declared or a streamed oversized body fails clearly and the socket closes', async () => {
    const previous = process.env.KAILASH_MAX_RESPONSE_MB;
    process.env.KAILASH_MAX_RESPONSE_MB = '1';
    try {
      const s = await serve((req, res) => {
        if (req.url === '/declared') {
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(64 * 1024 * 1024) });
          return void res.write(Buffer.alloc(1024));
        }
        // Chunked, endless: only the client hanging up ends it.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 1);
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
      });
      for (const path of ['/declared', '/stream']) {
        await assert.rejects(
          implementationOf('HTTPRequestNode')!.run({ url: s.url + path }, context()),
          (err: Error & { type?: string }) => {
            assert.equal(err.type, 'ResponseTooLargeError');
            assert.match(err.message, /exceeds 1 MB; it was not read further/);
            return true;
          },
        );
      }
      // undici may open a fresh idle connection afterwards; what matters is that these were cut.
      await requestSocketsClosed(s);
    } finally {
      if (previous === undefined) delete process.env.KAILASH_MAX_RESPONSE_MB;
      else process.env.KAILASH_MAX_RESPONSE_MB = previous;
    }
  });

  it('never shows a secret the server echoes, in results or in errors', async () => {
    const s = await serve((req, res) => json(res, req.url === '/deny' ? 401 : 200, { echoed: req.headers.authorization, query: req.url }));
    const ok = await run(one(`{url: "${s.url}/me?key=\${secret:API_TOKEN}", auth_type: bearer, auth_token: "\${secret:API_TOKEN}"}`), {
      env,
    });
    assert.equal(ok.status, 'succeeded');
    assert.ok(s.requests[0]!.headers.authorization === `Bearer ${SECRET}`, 'the real secret went to the server');
    assert.ok(!visible(ok).includes(SECRET));
    assert.deepEqual((ok.results.call!.response as { content: unknown }).content, { echoed: 'Bearer ***', query: '/me?key=***' });
    const denied = await run(
      one(`{url: "${s.url}/deny", auth_type: api_key, auth_token: "\${secret:API_TOKEN}", api_key_header: X-Key}`, ''),
      { env },
    );
    assert.equal(denied.status, 'failed');
    assert.ok(!visible(denied).includes(SECRET));
    assert.equal(s.requests[1]!.headers['x-key'], SECRET);
  });

  it('log_requests logs method, origin, status and size to stderr, never paths, queries or header values', async () => {
    const s = await serve((_req, res) => json(res, 200, { ok: true }));
    const lines: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      await implementationOf('HTTPRequestNode')!.run(
        { url: `${s.url}/hooks/${SECRET}?k=${SECRET}`, headers: { 'X-Key': SECRET }, log_requests: true },
        context(),
      );
    } finally {
      process.stderr.write = write;
    }
    const text = lines.join('');
    assert.match(text, /\[HTTPRequestNode\] → GET http:\/\/127\.0\.0\.1:\d+ \(attempt 1; headers: x-key; body 0 bytes\)/);
    assert.match(text, /← 200 application\/json 11 bytes in/);
    assert.ok(!text.includes(SECRET));
  });

  it('AsyncHTTPRequestNode returns the same outputs, and raises after its retries on a transport failure', async () => {
    const s = await serve((_req, res) => json(res, 200, { ok: true }));
    const out = await implementationOf('AsyncHTTPRequestNode')!.run({ url: s.url }, context());
    assert.deepEqual((out.response as { content: unknown }).content, { ok: true });
    const port = await closedPort();
    await assert.rejects(
      implementationOf('AsyncHTTPRequestNode')!.run({ url: `http://127.0.0.1:${port}`, retry_count: 1, retry_backoff: 0 }, context()),
      /Async HTTP request failed after 2 attempts\. GET http:\/\/127\.0\.0\.1:\d+\/ failed: .*ECONNREFUSED/,
    );
  });

  it('drops Authorization and cookies on a redirect to another port on the same host', async () => {
    const second = await serve((req, res) =>
      json(res, 200, { auth: req.headers.authorization ?? null, cookie: req.headers.cookie ?? null }),
    );
    const first = await serve((req, res) => {
      res.writeHead(302, { location: `${second.url}/landed` });
      res.end();
    });
    const out = await call('HTTPRequestNode', {
      url: `${first.url}/start`,
      auth_type: 'bearer',
      auth_token: SECRET,
      headers: { Cookie: 'sid=1' },
    });
    assert.equal(out.status_code, 200);
    assert.equal(first.requests[0]!.headers.authorization, `Bearer ${SECRET}`, 'the first server got the credentials');
    assert.equal(second.requests.length, 1);
    assert.equal(second.requests[0]!.headers.authorization, undefined);
    assert.equal(second.requests[0]!.headers.cookie, undefined);
    const sameOrigin = await serve((req, res) => {
      if (req.url === '/start') {
        res.writeHead(302, { location: '/landed' });
        return res.end();
      }
      json(res, 200, { auth: req.headers.authorization ?? null });
    });
    const kept = await call('HTTPRequestNode', { url: `${sameOrigin.url}/start`, auth_type: 'bearer', auth_token: SECRET });
    assert.deepEqual(
      (kept.response as { content: unknown }).content,
      { auth: `Bearer ${SECRET}` },
      'a redirect within the origin keeps them',
    );
  });

  it(
    'drops Authorization on a redirect from https to http (clear text)',
    { skip: !openssl() && 'needs openssl to make a certificate' },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kwf-tls-'));
      selfSignedCert(dir);
      const plain = await serve((req, res) => json(res, 200, { auth: req.headers.authorization ?? null }));
      const seen: (string | undefined)[] = [];
      const tls = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
        seen.push(req.headers.authorization);
        res.writeHead(301, { location: `${plain.url}/clear` });
        res.end();
      });
      tls.listen(0, '127.0.0.1');
      await once(tls, 'listening');
      try {
        const out = await call('HTTPRequestNode', {
          url: `https://127.0.0.1:${(tls.address() as AddressInfo).port}/secure`,
          verify_ssl: false,
          auth_type: 'basic',
          auth_username: 'svc',
          auth_password: SECRET,
        });
        assert.equal(out.status_code, 200);
        assert.match(String(seen[0]), /^Basic /);
        assert.equal(plain.requests.length, 1);
        assert.equal(plain.requests[0]!.headers.authorization, undefined);
      } finally {
        tls.closeAllConnections();
        tls.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it(
    'verify_ssl: a self-signed certificate is refused by default and accepted with verify_ssl false',
    { skip: !openssl() && 'needs openssl to make a certificate' },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kwf-tls-'));
      selfSignedCert(dir);
      const tls = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) =>
        json(res, 200, { tls: true }),
      );
      tls.listen(0, '127.0.0.1');
      await once(tls, 'listening');
      const url = `https://127.0.0.1:${(tls.address() as AddressInfo).port}/`;
      try {
        const refused = await call('HTTPRequestNode', { url });
        assert.equal(refused.error_type, 'ConnectionError');
        assert.match(String(refused.error), /self.signed/i);
        const accepted = await call('HTTPRequestNode', { url, verify_ssl: false });
        assert.deepEqual((accepted.response as { content: unknown }).content, { tls: true });
      } finally {
        tls.closeAllConnections();
        tls.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('goes through HTTP_PROXY by CONNECT, and straight to hosts in NO_PROXY', async () => {
    const s = await serve((_req, res) => json(res, 200, { ok: true }));
    const tunnels: string[] = [];
    const proxy = createNetServer((client: Socket) => {
      client.once('data', (head: Buffer) => {
        const target = /^CONNECT (\S+) /.exec(head.toString())?.[1] ?? '';
        tunnels.push(target);
        const [host, port] = target.split(':');
        const upstream = connect(Number(port), host!, () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.pipe(client).pipe(upstream);
        });
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
      });
    });
    proxy.listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY };
    await disposeAll(); // the dispatcher reads the proxy settings when first created
    try {
      process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      delete process.env.NO_PROXY;
      const via = await implementationOf('HTTPRequestNode')!.run({ url: `${s.url}/via` }, context());
      assert.equal(via.status_code, 200);
      assert.deepEqual(tunnels, [`127.0.0.1:${s.port}`]);
      await disposeAll();
      process.env.NO_PROXY = `127.0.0.1:${s.port}`;
      const direct = await implementationOf('HTTPRequestNode')!.run({ url: `${s.url}/direct` }, context());
      assert.equal(direct.status_code, 200);
      assert.equal(tunnels.length, 1);
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      await disposeAll();
      proxy.close();
    }
  });
});
