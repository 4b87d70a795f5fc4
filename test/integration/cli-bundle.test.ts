// The built CLI (dist/cli.js, its ES module parts in dist/cli/) as a user runs it: each node type
// whose library is a part of its own, loaded on first use, runs against a real local server, and
// the queue commands load BullMQ. The sources run by tsx cannot show a part that fails to load.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { WebSocketServer } from 'ws';
import { startS3, startSmtp, type Running } from '../support/data-servers';
import { REDIS_URL } from '../support/worker-fleet';

const ROOT = join(__dirname, '..', '..');
const dist = mkdtempSync(join(tmpdir(), 'kwf-cli-dist-'));
const work = mkdtempSync(join(tmpdir(), 'kwf-cli-work-'));

async function buildCli(): Promise<void> {
  type Bundles = Record<string, Record<string, unknown>>;
  const { bundles, finishDist } = (await import(join(ROOT, 'scripts', 'bundles.mjs'))) as {
    bundles: Bundles;
    finishDist: (dir: string) => void;
  };
  const quiet = { absWorkingDir: ROOT, sourcemap: false, logLevel: 'silent' } as const;
  await build({ ...bundles.cli, ...quiet, outdir: join(dist, 'cli') });
  await build({ ...bundles.jsThread, ...quiet, outfile: join(dist, 'js-thread.js') });
  finishDist(dist);
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [join(dist, 'cli.js'), ...args], { cwd: work, env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return once(child, 'close').then(([code]) => ({ code: code as number | null, out, err }));
}

describe('the built CLI loads each lazily loaded library when its node runs', () => {
  let http: Server;
  let wss: WebSocketServer;
  let base = '';
  let s3: Running;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;

  before(async () => {
    http = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"hello": "http"}'));
    wss = new WebSocketServer({ server: http });
    wss.on('connection', (ws) => ws.on('message', (m) => ws.send(String(m).toUpperCase())));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    base = `127.0.0.1:${(http.address() as AddressInfo).port}`;
    [s3, smtp] = await Promise.all([startS3(['bundle']), startSmtp(), buildCli()]);
  });
  after(async () => {
    wss.close();
    await new Promise((r) => http.close(r));
    await Promise.all([s3.stop(), smtp.stop()]);
  });

  it('runs Python, JavaScript, SQLite, PostgreSQL, MariaDB, HTTP, WebSocket, JWT, S3 and email nodes in one run', async () => {
    const file = join(work, 'all.workflow.yaml');
    writeFileSync(
      file,
      `nodes:
  - {id: py, type: PythonCodeNode, config: {code: "result = math.sqrt(81)"}}
  - {id: js, type: JavaScriptCodeNode, config: {code: "result = x * 2"}}
  - {id: lite, type: SQLDatabaseNode, config: {connection_string: "sqlite:///t.db", query: "SELECT 40 + 2 AS n"}}
  - {id: pg, type: SQLDatabaseNode, config: {connection_string: "postgresql://postgres@127.0.0.1:5432/test", query: "SELECT 7 AS n"}}
  - {id: my, type: SQLDatabaseNode, config: {connection_string: "mysql://root@127.0.0.1:3306/test", query: "SELECT 8 AS n"}}
  - {id: http, type: HTTPRequestNode, config: {url: "http://${base}/"}}
  - {id: ws, type: WebSocketNode, config: {websocket_url: "ws://${base}/", message: "ping"}}
  - {id: jwt, type: JWTAuthNode, config: {action: generate, secret_key: "\${secret:JWT_KEY}", payload: {sub: ada}}}
  - id: s3
    type: S3WriterNode
    config: {endpoint_url: "${s3.url}", access_key: "\${env:S3_KEY}", secret_key: "\${secret:S3_SECRET}", region: us-east-1, bucket_name: bundle, object_key: a.json, content: {a: 1}}
  - id: mail
    type: EmailSenderNode
    config: {sender_email: a@example.org, recipient_email: b@example.org, subject: Hi, body: Sent, smtp_config: {server: 127.0.0.1, port: ${smtp.port}}}
connections:
  - {from_node: py, from_output: result, to_node: js, to_input: x}
`,
    );
    const r = await cli(['run', file, '--json'], {
      S3_KEY: 'S3RVER',
      KAILASH_SECRET_S3_SECRET: 'S3RVER',
      KAILASH_SECRET_JWT_KEY: 'a-secret-of-thirty-two-characters!',
    });
    assert.equal(r.code, 0, r.out + r.err);
    const { results } = JSON.parse(r.out) as { results: Record<string, Record<string, unknown>> };
    assert.equal(results.js!.result, 18);
    assert.deepEqual(
      ['lite', 'pg', 'my'].map((id) => results[id]!.data),
      [[{ n: 42 }], [{ n: 7 }], [{ n: 8 }]],
    );
    assert.deepEqual((results.http!.response as { content: unknown }).content, { hello: 'http' });
    assert.equal(results.ws!.response, 'PING');
    assert.match(String(results.jwt!.token), /^ey[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal(results.s3!.success, true);
    assert.equal(results.mail!.sent, true);
    assert.match(smtp.mails[0]!.raw, /^Subject: Hi$/m);
  });

  it('loads the queue libraries for `status`', async () => {
    const r = await cli(['status', 'no-such-run', '--redis', REDIS_URL, '--queue', 'kwf-cli-bundle-none', '--json']);
    assert.equal(r.code, 2, r.err);
    assert.equal((JSON.parse(r.out) as { state: string }).state, 'unknown');
  });
});
