// The guide's first two blocks: `api_call` (HTTPRequestNode) configured with a URL and an
// Authorization header, then run with another URL and an extra header as run parameters; and
// `db_query` (SQLDatabaseNode) with `WHERE status = :status` bound from its `parameters`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { json, listen, type TestServer } from '../integration/api-support';
import { count, folder, run } from './cli';

describe('guide: HTTPRequestNode with the URL and headers given at run time', () => {
  const files = folder();
  let api: TestServer;
  before(async () => {
    api = await listen((req, res) => json(res, 200, { id: 123, path: req.url }));
  });
  after(async () => {
    await api.close();
    files.cleanup();
  });

  it("the run's url replaces the file's, and its headers are the ones sent", async () => {
    const file = files.write(
      'api.workflow.yaml',
      `name: api
nodes:
  - id: api_call
    type: HTTPRequestNode
    config:
      url: ${api.url}/data
      method: GET
      headers: {Authorization: "Bearer \${secret:API_TOKEN}"}
`,
    );
    const r = await run(file, [`api_call.url=${api.url}/users/123`, 'api_call.headers={X-Custom: value}'], {
      KAILASH_SECRET_API_TOKEN: 'tok-basics-31',
    });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(api.requests.length, 1);
    assert.equal(api.requests[0]!.url, '/users/123');
    assert.equal(api.requests[0]!.headers['x-custom'], 'value');
    // Kailash replaces a parameter with the run's value: the run's headers are all the headers.
    assert.equal(api.requests[0]!.headers.authorization, undefined);
    assert.deepEqual((r.record!.results.api_call!.response as { content: unknown }).content, { id: 123, path: '/users/123' });
    assert.equal(count(r.stdout, 'tok-basics-31'), 0);
  });
});

describe('guide: SQLDatabaseNode with `:status` bound from parameters (PostgreSQL)', () => {
  const files = folder();
  const URL = 'postgresql://postgres@127.0.0.1:5432/test';
  const table = `guide_customers_${process.pid}_${Date.now().toString(36)}`;
  const db = new pg.Client({ connectionString: URL });
  before(async () => {
    await db.connect();
    await db.query(`CREATE TABLE ${table} (id int PRIMARY KEY, name text, status text)`);
    await db.query(`INSERT INTO ${table} VALUES (1, 'Ada', 'active'), (2, 'Bo', 'closed'), (3, 'Cy', 'active')`);
  });
  after(async () => {
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
    files.cleanup();
  });

  it('returns the active customers only; a run parameter rebinds :status', async () => {
    const file = files.write(
      'db.workflow.yaml',
      `name: customers
nodes:
  - id: db_query
    type: SQLDatabaseNode
    config:
      connection_string: \${env:DATABASE_URL}
      query: SELECT id, name FROM ${table} WHERE status = :status ORDER BY id
      parameters: {status: active}
`,
    );
    const r = await run(file, [], { DATABASE_URL: URL });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual(r.record!.results.db_query!.data, [
      { id: 1, name: 'Ada' },
      { id: 3, name: 'Cy' },
    ]);
    const closed = await run(file, ['db_query.parameters={status: closed}'], { DATABASE_URL: URL });
    assert.equal(closed.code, 0, closed.stderr);
    assert.deepEqual(closed.record!.results.db_query!.data, [{ id: 2, name: 'Bo' }]);
  });
});
