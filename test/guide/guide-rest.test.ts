// The guide's REST pattern: RESTClientNode with `auth_type` and an `auth_config` dict (bearer,
// basic, api_key). A node:http API records what each request carried.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { json, listen, type TestServer } from '../integration/api-support';
import { count, folder, run, validate } from './cli';

const TOKEN = 'tok-4f1c9e2a77';
const PASSWORD = 'pw-b81d03';
const KEY = 'key-9a7e51c0';
const env = { KAILASH_SECRET_API_TOKEN: TOKEN, KAILASH_SECRET_API_PASSWORD: PASSWORD, KAILASH_SECRET_REPORTS_KEY: KEY };

describe('guide: RESTClientNode auth_type + auth_config send the credential', () => {
  const files = folder();
  let api: TestServer;
  before(async () => {
    api = await listen((req, res) => json(res, req.headers.authorization || req.headers['x-reports-key'] ? 200 : 401, { path: req.url }));
  });
  beforeEach(() => void (api.requests.length = 0));
  after(async () => {
    await api.close();
    files.cleanup();
  });

  const client = (id: string, resource: string, auth: string) => `  - id: ${id}
    type: RESTClientNode
    config:
      base_url: ${api.url}
      version: v1
      resource: ${resource}
${auth}`;
  const workflow = () => `name: rest-auth
nodes:
${client('users', 'users', '      auth_type: bearer\n      auth_config:\n        token: ${secret:API_TOKEN}\n')}
${client('audit', 'audit', '      auth_type: basic\n      auth_config: {username: auditor, password: "${secret:API_PASSWORD}"}\n')}
${client('reports', 'reports', '      auth_type: api_key\n      auth_config: {api_key: "${secret:REPORTS_KEY}", header_name: X-Reports-Key}\n')}
`;
  const sent = (path: string) => api.requests.find((r) => r.url === path)!.headers;

  it('bearer, basic and api_key forms each reach the server', async () => {
    const r = await run(files.write('rest.workflow.yaml', workflow()), [], env);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(api.requests.length, 3);
    assert.equal(sent('/v1/users').authorization, `Bearer ${TOKEN}`);
    assert.equal(sent('/v1/audit').authorization, `Basic ${Buffer.from(`auditor:${PASSWORD}`).toString('base64')}`);
    assert.equal(sent('/v1/reports')['x-reports-key'], KEY);
    assert.equal(sent('/v1/reports').authorization, undefined);
    for (const secret of [TOKEN, PASSWORD, KEY]) assert.equal(count(r.stdout + r.stderr, secret), 0, 'secrets never appear in the output');
  });

  it('auth_config without auth_type: its keys say which credential is meant', async () => {
    const text = `name: implied
nodes:
${client('users', 'users', '      auth_config: {token: "${secret:API_TOKEN}"}\n')}`;
    const r = await run(files.write('implied.workflow.yaml', text), [], env);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(sent('/v1/users').authorization, `Bearer ${TOKEN}`);
  });

  it('a credential of the wrong kind is an error at edit time, and the run refuses before calling', async () => {
    const text = `name: mismatch
nodes:
${client('users', 'users', '      auth_type: basic\n      auth_config: {token: "${secret:API_TOKEN}"}\n')}`;
    const file = files.write('mismatch.workflow.yaml', text);
    const v = await validate(file);
    assert.equal(v.code, 1);
    const dropped = v.findings.filter((f) => f.code === 'credential-dropped');
    assert.equal(dropped.length, 1);
    assert.match(dropped[0]!.message, /'auth_config\.token' is never sent: auth_type 'basic'.*Write `auth_type: bearer`/);
    const r = await run(file, [], env);
    assert.equal(r.code, 2);
    assert.equal(api.requests.length, 0);
  });

  it('a declared auth type whose credential is empty at run time fails instead of calling unauthenticated', async () => {
    const text = `name: empty
nodes:
${client('users', 'users', '      auth_type: bearer\n      auth_token: ${env:GUIDE_EMPTY_TOKEN}\n')}`;
    const r = await run(files.write('empty.workflow.yaml', text), [], { ...env, GUIDE_EMPTY_TOKEN: '' });
    assert.equal(r.code, 1);
    assert.match(
      r.record!.nodes.users!.error!.message,
      /auth_type is 'bearer' but auth_token is empty, so the request would go out unauthenticated/,
    );
    assert.equal(api.requests.length, 0);
  });
});
