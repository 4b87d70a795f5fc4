// `kailash-wf run --json` against a real node:http server that echoes back what it received:
// secrets travel URL-encoded in the query, in URL userinfo, base64 in a Basic header, and one
// is a prefix of another; none may appear in the printed run record in any form.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { startServer } from '../support/http-server';
import { tempDir } from '../support/data';

const ROOT = resolve(__dirname, '..', '..');
const API_KEY = 'k3y+/=Sx@9 long-tail';
const KEY_HEAD = 'k3y+/=Sx';
// Written raw into a URL's userinfo: the URL parser percent-encodes the '@' and ':' (`svc:p%40ss%3Aw0rdQ@`).
const DB_PASS = 'p@ss:w0rdQ';

/** Every form the secrets could take in the output: raw, percent-encoded (both ways), base64. */
function forms(secret: string): string[] {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ k: secret }).toString().slice(2),
    b64(secret).replace(/=+$/, ''),
    b64(`svc:${secret}`).replace(/=+$/, ''),
    // What an unredacted tail of a longer secret would look like.
    ...(secret === API_KEY ? [' long-tail', '+long-tail', '%20long-tail'] : []),
  ];
}

describe('kailash-wf run --json keeps secrets out in every encoding', () => {
  it('prints no form of a secret that went into a query string, URL userinfo or a Basic header', async () => {
    const server = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: req.url, auth: req.headers.authorization ?? null, head: req.headers['x-key-head'] ?? null }));
    });
    try {
      const dir = tempDir('kwf-secrets-');
      const port = new URL(server.url).port;
      const workflow = `name: leaks
nodes:
  - id: query
    type: HTTPRequestNode
    config:
      url: ${server.url}/echo
      params: {api_key: "\${secret:API_KEY}"}
      headers: {X-Key-Head: "\${secret:KEY_HEAD}"}
      auth_type: basic
      auth_username: svc
      auth_password: "\${secret:API_KEY}"
  - id: userinfo
    type: HTTPRequestNode
    config:
      url: "http://svc:\${secret:DB_PASS}@127.0.0.1:${port}/who"
`;
      writeFileSync(join(dir, 'leaks.workflow.yaml'), workflow);
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'runtime', 'cli', 'bin.ts'), 'run', join(dir, 'leaks.workflow.yaml'), '--json'],
        {
          cwd: ROOT,
          env: { ...process.env, KAILASH_SECRET_API_KEY: API_KEY, KAILASH_SECRET_KEY_HEAD: KEY_HEAD, KAILASH_SECRET_DB_PASS: DB_PASS },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const [code] = (await once(child, 'exit')) as [number];
      assert.equal(code, 0, stderr || stdout);
      // The secrets did reach the server, in the encoded forms the test looks for.
      const seen = server.hits.get('/echo');
      assert.equal(seen, 1);
      const record = JSON.parse(stdout) as { results: Record<string, { response: { url: string; content: Record<string, unknown> } }> };
      assert.match(record.results.query!.response.url, /api_key=\*\*\*$/);
      assert.match(String(record.results.query!.response.content.auth), /^Basic [A-Za-z0-9+/]{0,6}\*\*\*[A-Za-z0-9+/=]{0,4}$/);
      assert.equal(record.results.query!.response.content.head, '***');
      assert.match(record.results.userinfo!.response.url, /^http:\/\/svc:\*\*\*@127\.0\.0\.1:\d+\/who$/);
      for (const secret of [API_KEY, KEY_HEAD, DB_PASS])
        for (const form of forms(secret)) assert.ok(!stdout.includes(form), `${JSON.stringify(form)} printed:\n${stdout}`);
    } finally {
      await server.close();
    }
  });
});
