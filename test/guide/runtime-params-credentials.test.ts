// A credential given at run time under a name that would drop it: `--param api_call.token=…`,
// a misspelt `auth_tokn`, a misspelt node id, a global no node takes, or the wrong kind for the
// node's auth_type. Each is `credential-dropped`, as in config: the run (and a submit) is refused
// before any request goes out unauthenticated, with did-you-mean, and the value is never printed.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { json, listen, type TestServer } from '../integration/api-support';
import { dropQueue, REDIS_URL, uniqueQueue } from '../support/worker-fleet';
import { cli, count, folder, run } from './cli';

const VALUE = 'tok-run-4b1e77c2';

describe('run parameters: a credential that would not be sent refuses the run', () => {
  const files = folder();
  let api: TestServer;
  let file: string;
  let bearer: string;
  before(async () => {
    api = await listen((req, res) => json(res, 200, { ok: true }));
    file = files.write(
      'api.workflow.yaml',
      `name: api
nodes:
  - id: api_call
    type: HTTPRequestNode
    config: {url: "${api.url}/v1/users"}
`,
    );
    bearer = files.write(
      'bearer.workflow.yaml',
      `name: api
nodes:
  - id: api_call
    type: HTTPRequestNode
    config: {url: "${api.url}/v1/users", auth_type: bearer}
`,
    );
  });
  beforeEach(() => void (api.requests.length = 0));
  after(async () => {
    await api.close();
    files.cleanup();
  });

  const refused = async (f: string, param: string, message: RegExp) => {
    const r = await run(f, [param]);
    assert.equal(r.code, 2, `${param}: ${r.stderr}${r.stdout}`);
    assert.match(r.stderr, message, param);
    assert.match(r.stderr, /\[credential-dropped\]/);
    assert.match(r.stderr, /not running '.*': 1 credential in its parameters would not be sent \(nothing ran\)/);
    assert.equal(api.requests.length, 0, `${param}: nothing was called`);
    assert.equal(count(r.stdout + r.stderr, VALUE), 0, `${param}: the value is never printed`);
  };

  it('a name the node does not have, or a misspelt one, with what to write instead', async () => {
    await refused(
      file,
      `api_call.token=${VALUE}`,
      /api\.workflow\.yaml:3:9: error \[credential-dropped\] run parameter 'api_call\.token': HTTPRequestNode has no parameter 'token', so this credential is never sent \(Kailash drops unknown run parameters\)\. Write `auth_type: bearer` with `auth_token`\./,
    );
    await refused(file, `api_call.auth_tokn=${VALUE}`, /run parameter 'api_call\.auth_tokn': .* Did you mean 'auth_token'\?/);
    await refused(file, `api_call.password=${VALUE}`, /Write `auth_type: basic` with `auth_username` and `auth_password`\./);
  });

  it('a misspelt node id and a global that no node takes', async () => {
    await refused(
      file,
      `apicall.auth_token=${VALUE}`,
      /run parameter 'apicall' is not a node id and no node takes a parameter 'apicall', so its credential 'auth_token' is never sent\. Did you mean node 'api_call'\?/,
    );
    await refused(
      file,
      `auth_tokn=${VALUE}`,
      /run parameter 'auth_tokn' is not a node id .* this credential is never sent\. Did you mean 'auth_token'\?/,
    );
  });

  it("the wrong kind for the node's auth_type", async () => {
    await refused(
      bearer,
      `api_call.auth_password=${VALUE}`,
      /run parameter 'api_call\.auth_password' is never sent: auth_type 'bearer' sends auth_token only, so the request would go out without it\. Write `auth_type: basic` to send it\./,
    );
  });

  it('the same from a --params file; the right name runs and sends it', async () => {
    const params = join(files.dir, 'p.json');
    writeFileSync(params, JSON.stringify({ api_call: { bearer_token: VALUE } }));
    const r = await run(bearer, [], {}, ['--params', params]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /run parameter 'api_call\.bearer_token': HTTPRequestNode has no parameter 'bearer_token'/);
    assert.equal(api.requests.length, 0);

    const ok = await run(bearer, [`api_call.auth_token=${VALUE}`]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(api.requests[0]!.headers.authorization, `Bearer ${VALUE}`);
    assert.equal(count(ok.stdout + ok.stderr, VALUE), 0);
  });

  it('submit refuses it too, before anything is queued', async () => {
    const queue = uniqueQueue('guide-cred');
    try {
      const r = await cli([
        'submit',
        file,
        '--redis',
        REDIS_URL,
        '--queue',
        queue,
        '--root',
        files.dir,
        '--param',
        `api_call.token=${VALUE}`,
      ]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /\[credential-dropped\] run parameter 'api_call\.token'/);
      assert.match(r.stderr, /not submitting '.*': 1 credential in its parameters would not be sent/);
      assert.equal(count(r.stdout + r.stderr, VALUE), 0);
    } finally {
      await dropQueue(REDIS_URL, queue);
    }
  });
});
