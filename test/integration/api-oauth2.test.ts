import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { OAuth2Server, type MutableResponse, type MutableToken, type TokenRequestIncomingMessage } from 'oauth2-mock-server';
import { disposeAll } from '../../runtime/engine/resources';
import { clearTokenCache } from '../../runtime/nodes/api/oauth2';
import { call, closedPort, json, listen, run, visible, type TestServer } from './api-support';

const CLIENT_SECRET = 'client-s3cret-5b7e21';
const PASSWORD = 'user-passw0rd-8c1d';
const env = { KAILASH_SECRET_CLIENT_SECRET: CLIENT_SECRET, KAILASH_SECRET_PASSWORD: PASSWORD };

describe('OAuth2Node against oauth2-mock-server', () => {
  let oauth: OAuth2Server;
  let tokenUrl: string;
  let api: TestServer;
  /** Token requests as the server saw them, and the tokens it issued. */
  const seen: { grant: string; basic: string | undefined; body: Record<string, unknown> }[] = [];
  const issued = new Set<string>();
  const revoked = new Set<string>();
  /** A one-shot change to the next token response. */
  let next: ((r: MutableResponse, req: TokenRequestIncomingMessage) => void) | undefined;

  before(async () => {
    oauth = new OAuth2Server();
    await oauth.issuer.keys.generate('RS256');
    await oauth.start(0, '127.0.0.1');
    tokenUrl = `http://127.0.0.1:${oauth.address().port}/token`;
    // Without a jti, two tokens signed within the same second are the same string.
    oauth.service.on('beforeTokenSigning', (token: MutableToken) => void (token.payload.jti = randomUUID()));
    oauth.service.on('beforeResponse', (r: MutableResponse, req: TokenRequestIncomingMessage) => {
      seen.push({ grant: String(req.body.grant_type), basic: req.headers.authorization, body: { ...req.body } });
      const once = next;
      next = undefined;
      once?.(r, req);
      const token = (r.body as { access_token?: string }).access_token;
      if (r.statusCode === 200 && token) issued.add(token);
    });
    // A protected API: any issued token that was not revoked.
    api = await listen((req, res) => {
      const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!issued.has(token) || revoked.has(token)) return json(res, 401, { error: 'invalid_token' });
      json(res, 200, [{ invoice: 1, amount: 30 }]);
    });
  });
  beforeEach(() => {
    clearTokenCache();
    seen.length = 0;
    api.requests.length = 0;
    next = undefined;
  });
  after(async () => {
    await Promise.all([oauth.stop(), api.close()]);
    await disposeAll();
  });

  const flow = (auth: string) => `nodes:
  - id: auth
    type: OAuth2Node
    config: {token_url: "${tokenUrl}", ${auth}}
  - id: invoices
    type: HTTPRequestNode
    config: {url: "${api.url}/invoices"}
connections:
  - {from_node: auth, from_output: headers, to_node: invoices, to_input: headers}
`;
  const cc = () => flow('client_id: billing, client_secret: "${secret:CLIENT_SECRET}", scope: "invoices:read"');

  it('client credentials: Basic client auth, headers that an HTTP node accepts, Kailash outputs plus access_token', async () => {
    const r = await run(cc(), { env });
    assert.equal(r.status, 'succeeded');
    const out = r.results.auth!;
    assert.equal(out.auth_type, 'oauth2');
    assert.equal(out.token_type, 'Bearer');
    assert.equal(out.scope, 'invoices:read');
    assert.equal(out.refresh_token_present, false);
    assert.ok(Number(out.expires_in) > 3500 && Number(out.expires_in) <= 3600);
    assert.ok(issued.has(String(out.access_token)));
    assert.deepEqual(out.headers, { Authorization: `Bearer ${String(out.access_token)}` });
    assert.deepEqual((out.token_data as { access_token: string }).access_token, out.access_token);
    assert.equal(r.results.invoices!.status_code, 200);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.basic, `Basic ${Buffer.from(`billing:${CLIENT_SECRET}`).toString('base64')}`);
    assert.deepEqual(seen[0]!.body, { grant_type: 'client_credentials', client_id: 'billing', scope: 'invoices:read' });
    assert.ok(!visible(r).includes(CLIENT_SECRET));
  });

  it('caches the token across runs per client and scope; another scope or secret gets its own', async () => {
    const a = await run(cc(), { env });
    const b = await run(cc(), { env });
    assert.equal(seen.length, 1);
    assert.equal(a.results.auth!.access_token, b.results.auth!.access_token);
    await run(flow('client_id: billing, client_secret: "${secret:CLIENT_SECRET}", scope: "invoices:write"'), { env });
    await run(cc(), { env: { ...env, KAILASH_SECRET_CLIENT_SECRET: 'another-secret' } });
    assert.equal(seen.length, 3);
  });

  it('refreshes refresh_buffer_seconds before expiry, with the refresh token the server gave', async () => {
    const password = (buffer: number) =>
      flow(`client_id: app, grant_type: password, username: ada, password: "\${secret:PASSWORD}", refresh_buffer_seconds: ${buffer}`);
    next = (r) => void ((r.body as { expires_in: number }).expires_in = 100);
    const first = await run(password(200), { env });
    assert.equal(first.results.auth!.refresh_token_present, true);
    const second = await run(password(200), { env }); // 100 s left < 200 s buffer: refresh now
    assert.notEqual(first.results.auth!.access_token, second.results.auth!.access_token);
    assert.deepEqual(
      seen.map((s) => s.grant),
      ['password', 'refresh_token'],
    );
    assert.equal(seen[1]!.body.refresh_token, (first.results.auth!.token_data as { refresh_token: string }).refresh_token);
    await run(password(200), { env }); // the refreshed token has 3600 s: cached
    assert.equal(seen.length, 2);
    assert.ok(!visible(first).includes(PASSWORD));
  });

  it('an HTTP node that gets a 401 with a cached token gets a fresh one and retries once', async () => {
    const first = await run(cc(), { env });
    revoked.add(String(first.results.auth!.access_token)); // revoked server-side, still cached here
    const r = await run(cc(), { env });
    assert.equal(r.status, 'succeeded');
    assert.equal(r.results.invoices!.status_code, 200);
    assert.equal(seen.length, 2, 'one new token');
    assert.deepEqual(
      api.requests.slice(-2).map((q) => q.headers.authorization === `Bearer ${String(first.results.auth!.access_token)}`),
      [true, false],
    );
    // The next run starts with the fresh token: no 401 at all.
    const third = await run(cc(), { env });
    assert.notEqual(third.results.auth!.access_token, first.results.auth!.access_token);
    assert.equal(api.requests.length, 4);
  });

  it('a 401 that a fresh token cannot cure is returned after one retry, not looped', async () => {
    await run(cc(), { env });
    next = undefined;
    // From now on every token is refused by the API.
    const all = [...issued];
    for (const t of all) revoked.add(t);
    oauth.service.once('beforeResponse', (r: MutableResponse) => revoked.add((r.body as { access_token: string }).access_token));
    const r = await run(cc(), { env });
    assert.equal(r.status, 'failed');
    assert.equal(r.results.invoices!.status_code, 401);
    assert.equal(api.requests.length, 3);
  });

  it('the refresh_token grant uses the given refresh token; a password grant without a password is a validation error', async () => {
    const out = await call('OAuth2Node', {
      token_url: tokenUrl,
      client_id: 'app',
      grant_type: 'refresh_token',
      refresh_token: 'rt-given-1',
    });
    assert.equal(seen[0]!.body.refresh_token, 'rt-given-1');
    assert.equal(out.refresh_token_present, true);
    await assert.rejects(
      call('OAuth2Node', { token_url: tokenUrl, client_id: 'app', grant_type: 'password', username: 'ada' }),
      /Username and password are required for password grant type/,
    );
    await assert.rejects(
      call('OAuth2Node', { token_url: tokenUrl, client_id: 'app', grant_type: 'authorization_code' }),
      /authorization_code grant needs 'code'/,
    );
  });

  it('a refused client (401 invalid_client) stops the run without showing the secret, even if the server echoes it', async () => {
    next = (r, req) => {
      r.statusCode = 401;
      r.body = {
        error: 'invalid_client',
        error_description: `bad credentials ${Buffer.from(String(req.headers.authorization).slice(6), 'base64').toString()}`,
      };
    };
    const r = await run(cc(), { env });
    assert.equal(r.status, 'failed');
    assert.equal(r.nodes.auth!.error?.type, 'NodeExecutionError');
    assert.match(
      r.nodes.auth!.error!.message,
      /Failed to acquire OAuth token \(client_credentials grant\): HTTP 401 invalid_client: bad credentials billing:\*\*\*/,
    );
    assert.ok(!visible(r).includes(CLIENT_SECRET));
  });

  it('a token endpoint 503 is retried by a retry policy; a response without access_token fails clearly', async () => {
    next = (r) => {
      r.statusCode = 503;
      r.body = { error: 'temporarily_unavailable' };
    };
    const r = await run(
      cc().replace('scope: "invoices:read"}', 'scope: "invoices:read"}\n    retry: {max_attempts: 2, base_delay: 0.001}'),
      { env },
    );
    assert.equal(r.status, 'succeeded');
    assert.equal(r.nodes.auth!.attempts, 2);
    clearTokenCache();
    next = (r) => void delete (r.body as { access_token?: string }).access_token;
    await assert.rejects(
      call('OAuth2Node', { token_url: tokenUrl, client_id: 'x' }),
      /Invalid OAuth response: missing access_token \(keys: token_type, expires_in\)/,
    );
  });

  it('a refused connection raises retryably', async () => {
    const port = await closedPort();
    await assert.rejects(
      call('OAuth2Node', { token_url: `http://127.0.0.1:${port}/token`, client_id: 'x' }),
      (e: Error & { retryable?: boolean }) => e.retryable === true && /ECONNREFUSED/.test(e.message),
    );
  });
});
