// The guide's `async_db` pattern against the real PostgreSQL on 127.0.0.1: the node holds only the
// connection; the query and its `parameters` (bound to `:status`) come when it runs.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { kailashWf } from '../support/cli-process';
import { workspace } from '../support/run';

const PG = 'postgresql://postgres@127.0.0.1:5432/test';

describe('guide: AsyncSQLDatabaseNode with the query and parameters given at run time (PostgreSQL)', () => {
  const table = `kwf_guide_users_${randomBytes(4).toString('hex')}`;
  let admin: pg.Client;
  let dir: string;

  before(async () => {
    admin = new pg.Client(PG);
    await admin.connect();
    await admin.query(`CREATE TABLE ${table} (id int PRIMARY KEY, name text NOT NULL, status text NOT NULL)`);
    await admin.query(`INSERT INTO ${table} VALUES (1, 'ada', 'active'), (2, 'bob', 'inactive'), (3, 'cy', 'active')`);
    dir = workspace({
      'users.workflow.yaml': `name: async-db\nnodes:\n  - id: async_db\n    type: AsyncSQLDatabaseNode\n    config: {database_type: postgresql, connection_string: "\${env:DATABASE_URL}"}\n`,
    });
  });
  after(async () => {
    await admin.query(`DROP TABLE IF EXISTS ${table}`);
    await admin.end();
  });

  it('binds `parameters` to the `:status` placeholder and returns the rows', async () => {
    const params = join(dir, 'active.json');
    writeFileSync(
      params,
      JSON.stringify({
        async_db: { query: `SELECT id, name FROM ${table} WHERE status = :status ORDER BY id`, parameters: { status: 'active' } },
      }),
    );
    const r = await kailashWf(['run', join(dir, 'users.workflow.yaml'), '--params', params, '--json'], { env: { DATABASE_URL: PG } });
    assert.equal(r.code, 0, r.err);
    const { result } = (JSON.parse(r.out) as { results: { async_db: { result: { data: unknown; row_count: number; query: string } } } })
      .results.async_db;
    assert.deepEqual(result.data, [
      { id: 1, name: 'ada' },
      { id: 3, name: 'cy' },
    ]);
    assert.equal(result.row_count, 2);
    // Bound, not spliced: the value never enters the SQL text.
    assert.equal(result.query, `SELECT id, name FROM ${table} WHERE status = $1 ORDER BY id`);
  });

  it('the same workflow with other run parameters (`params`, the name Kailash declares) gives other rows', async () => {
    const r = await kailashWf(
      [
        'run',
        join(dir, 'users.workflow.yaml'),
        '--param',
        `async_db.query=SELECT name FROM ${table} WHERE status = :status`,
        '--param',
        'async_db.params={status: inactive}',
        '--json',
      ],
      { env: { DATABASE_URL: PG } },
    );
    assert.equal(r.code, 0, r.err);
    assert.deepEqual((JSON.parse(r.out) as { results: { async_db: { result: { data: unknown } } } }).results.async_db.result.data, [
      { name: 'bob' },
    ]);
  });

  it('without a query (or operations) nothing reaches the database and the run says what to give', async () => {
    const r = await kailashWf(['run', join(dir, 'users.workflow.yaml')], { env: { DATABASE_URL: PG } });
    assert.equal(r.code, 2);
    assert.match(
      r.err,
      /error \[missing-required-param\] Node 'async_db' \(AsyncSQLDatabaseNode\) needs one of 'query' or 'operations': set it in config, connect an output to it, or give it in the run's parameters \(\{"async_db": \{"query": …\}\}\)\./,
    );
  });
});
