// The guide's OAuth2 pattern: OAuth2Node (scopes, authorization_url) feeding `access_token` into an
// HTTPRequestNode's `auth_token`. oauth2-mock-server issues the tokens; a node:http API records
// the Authorization header it was sent and refuses requests without a token it issued.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  OAuth2Server,
  type MutableRedirectUri,
  type MutableResponse,
  type MutableToken,
  type TokenRequestIncomingMessage,
} from 'oauth2-mock-server';
import { json, listen, type TestServer } from '../integration/api-support';
import { count, folder, run, validate } from './cli';

const SECRET = `billing-secret-${randomUUID().slice(0, 8)}`;
const env = { KAILASH_SECRET_OAUTH_CLIENT_SECRET: SECRET };

describe('guide: OAuth2Node access_token → HTTPRequestNode auth_token', () => {
  const files = folder();
  let oauth: OAuth2Server;
  let issuer: string;
  let api: TestServer;
  const issued = new Set<string>();
  /** Token requests as the server saw them. */
  const seen: Record<string, unknown>[] = [];
  /** Authorization codes the authorize endpoint handed out, with the redirect they went to. */
  const codes = new Map<string, string>();

  before(async () => {
    oauth = new OAuth2Server();
    await oauth.issuer.keys.generate('RS256');
    await oauth.start(0, '127.0.0.1');
    issuer = `http://127.0.0.1:${oauth.address().port}`;
    oauth.service.on('beforeTokenSigning', (t: MutableToken) => void (t.payload.jti = randomUUID()));
    oauth.service.on('beforeAuthorizeRedirect', (r: MutableRedirectUri) => {
      const code = r.url.searchParams.get('code');
      if (code) codes.set(code, `${r.url.origin}${r.url.pathname}`);
    });
    oauth.service.on('beforeResponse', (r: MutableResponse, req: TokenRequestIncomingMessage) => {
      seen.push({ ...req.body, basic: req.headers.authorization });
      // The mock takes any code; a real provider takes only one it issued, once, for its redirect.
      if (req.body.grant_type === 'authorization_code') {
        const code = String(req.body.code ?? '');
        if (codes.get(code) !== (req.body as unknown as Record<string, unknown>).redirect_uri) {
          r.statusCode = 400;
          r.body = { error: 'invalid_grant' };
          return;
        }
        codes.delete(code);
      }
      const token = (r.body as { access_token?: string }).access_token;
      if (r.statusCode === 200 && token) issued.add(token);
    });
    api = await listen((req, res) => {
      const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      if (!token || !issued.has(token)) return json(res, 401, { error: 'unauthenticated' });
      json(res, 200, [{ invoice: 7, amount: 120 }]);
    });
  });
  beforeEach(() => {
    seen.length = 0;
    api.requests.length = 0;
  });
  after(async () => {
    await Promise.all([oauth.stop(), api.close()]);
    files.cleanup();
  });

  // As the guide writes it: scopes as a list, the provider's authorize URL, no auth_type on the call.
  const guideFlow = (grant: string) => `name: oauth2-guide
nodes:
  - id: oauth
    type: OAuth2Node
    config:
      token_url: ${issuer}/token
      authorization_url: ${issuer}/authorize
      client_id: billing-app
      client_secret: \${secret:OAUTH_CLIENT_SECRET}
      redirect_uri: http://127.0.0.1:9/callback
      grant_type: ${grant}
      scopes: [invoices:read, invoices:write]
  - id: api_call
    type: HTTPRequestNode
    config:
      url: ${api.url}/api/invoices
      method: GET
connections:
  - {from_node: oauth, from_output: access_token, to_node: api_call, to_input: auth_token}
`;

  it('client credentials: the API receives Authorization: Bearer with the issued token, scopes requested together', async () => {
    const file = files.write('cc.workflow.yaml', guideFlow('client_credentials'));
    const r = await run(file, [], env);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(api.requests.length, 1);
    const sent = String(api.requests[0]!.headers.authorization);
    const token = r.record!.results.oauth!.access_token as string;
    assert.equal(sent, `Bearer ${token}`);
    assert.ok(issued.has(token));
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.scope, 'invoices:read invoices:write');
    assert.equal(seen[0]!.grant_type, 'client_credentials');
    assert.equal(seen[0]!.basic, `Basic ${Buffer.from(`billing-app:${SECRET}`).toString('base64')}`);
    assert.deepEqual(r.record!.results.api_call!.response && (r.record!.results.api_call!.response as { content: unknown }).content, [
      { invoice: 7, amount: 120 },
    ]);
    assert.equal(count(r.stdout + r.stderr, SECRET), 0, 'the client secret never appears');
  });

  it('the editor says the Python SDK would drop the token without auth_type, and where', async () => {
    const text = guideFlow('client_credentials');
    const file = files.write('cc-check.workflow.yaml', text);
    const v = await validate(file);
    assert.equal(v.code, 0);
    const compat = v.findings.filter((f) => f.code === 'kailash-compat');
    assert.equal(compat.length, 1, JSON.stringify(v.findings));
    assert.equal(compat[0]!.line, text.split('\n').findIndex((l) => l.includes('to_input: auth_token')) + 1);
    assert.match(compat[0]!.message, /Add `auth_type: bearer` to 'api_call'/);
  });

  it('authorization code: the run names the URL to open; the code it yields, given as a run parameter, gets the token', async () => {
    const file = files.write('code.workflow.yaml', guideFlow('authorization_code'));
    const first = await run(file, [], env);
    assert.equal(first.code, 1);
    assert.equal(api.requests.length, 0, 'nothing is called without a token');
    const message = first.record!.nodes.oauth!.error!.message;
    const open = /open (\S+) in a browser/.exec(message)?.[1];
    assert.ok(open, message);
    assert.match(message, /--param oauth\.code=/);
    const url = new URL(open);
    assert.equal(`${url.origin}${url.pathname}`, `${issuer}/authorize`);
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('client_id'), 'billing-app');
    assert.equal(url.searchParams.get('redirect_uri'), 'http://127.0.0.1:9/callback');
    assert.equal(url.searchParams.get('scope'), 'invoices:read invoices:write');
    // The browser's part: the provider redirects to the callback with the code.
    const redirect = await fetch(open, { redirect: 'manual' });
    const callback = new URL(String(redirect.headers.get('location')));
    assert.equal(callback.searchParams.get('state'), url.searchParams.get('state'));
    const code = callback.searchParams.get('code')!;
    const second = await run(file, [`oauth.code=${code}`], env);
    assert.equal(second.code, 0, second.stderr + second.stdout);
    const token = second.record!.results.oauth!.access_token as string;
    assert.equal(api.requests.length, 1);
    assert.equal(api.requests[0]!.headers.authorization, `Bearer ${token}`);
    const exchange = seen.find((s) => s.grant_type === 'authorization_code')!;
    assert.equal(exchange.code, code);
    assert.equal(exchange.redirect_uri, 'http://127.0.0.1:9/callback');
    assert.equal(second.record!.results.oauth!.refresh_token_present, true);
    // A code is good once: the provider refuses it the second time, and the run says so.
    const third = await run(file, [`oauth.code=${code}`], env);
    assert.equal(third.code, 1);
    assert.match(
      third.record!.nodes.oauth!.error!.message,
      /Failed to acquire OAuth token \(authorization_code grant\): HTTP 400 invalid_grant/,
    );
    assert.equal(api.requests.length, 1);
  });

  it('a token wired into a call that would drop it is an error before anything is sent', async () => {
    const text = guideFlow('client_credentials').replace('      method: GET\n', '      method: GET\n      auth_type: basic\n');
    const file = files.write('dropped.workflow.yaml', text);
    const v = await validate(file);
    assert.equal(v.code, 1);
    const dropped = v.findings.filter((f) => f.code === 'credential-dropped');
    assert.equal(dropped.length, 1, JSON.stringify(v.findings));
    assert.match(dropped[0]!.message, /'auth_token' from 'oauth' is never sent: auth_type 'basic'/);
    const r = await run(file, [], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\[credential-dropped\]/);
    assert.equal(seen.length + api.requests.length, 0, 'no token was fetched and no call went out');
  });
});
