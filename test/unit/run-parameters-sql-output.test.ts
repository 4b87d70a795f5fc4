// `run --json` of an AsyncSQLDatabaseNode whose `operations` come at run time, against the real
// PostgreSQL on 127.0.0.1: the rows are committed and the output prints as JSON (it used to hold
// itself in its `results` list, so printing crashed with exit 3 after the commit).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { cli } from '../support/cli';
import { workspace } from '../support/run';

const PG = 'postgresql://postgres@127.0.0.1:5432/test';

describe('AsyncSQLDatabaseNode operations given at run time, printed with --json (PostgreSQL)', () => {
  const table = `kwf_params_ops_${randomBytes(4).toString('hex')}`;
  let admin: pg.Client;

  before(async () => {
    admin = new pg.Client(PG);
    await admin.connect();
    await admin.query(`CREATE TABLE ${table} (id int PRIMARY KEY, status text NOT NULL)`);
  });
  after(async () => {
    await admin.query(`DROP TABLE IF EXISTS ${table}`);
    await admin.end();
  });

  it('commits both statements and prints plain JSON in which each result appears once', async () => {
    const dir = workspace({
      'tx.workflow.yaml': `name: transaction\nnodes:\n  - id: transfer\n    type: AsyncSQLDatabaseNode\n    config: {connection_string: "${PG}"}\n`,
    });
    const params = join(dir, 'ops.json');
    writeFileSync(
      params,
      JSON.stringify({
        transfer: {
          operations: [
            { query: `INSERT INTO ${table} (id, status) VALUES (:id, :status)`, parameters: { id: 1, status: 'active' } },
            { query: `UPDATE ${table} SET status = :status WHERE id = :id RETURNING id, status`, parameters: { id: 1, status: 'settled' } },
          ],
        },
      }),
    );
    const r = await cli('run', join(dir, 'tx.workflow.yaml'), '--params', params, '--json');
    assert.equal(r.code, 0, r.err);
    const record = JSON.parse(r.out) as {
      status: string;
      results: { transfer: { result: Record<string, unknown> & { results: Record<string, unknown>[] } } };
    };
    assert.equal(record.status, 'succeeded');
    const { result } = record.results.transfer;
    assert.deepEqual(result.data, [{ id: 1, status: 'settled' }]);
    assert.equal(result.results.length, 2);
    assert.deepEqual(result.results[0]!.data, [{ rows_affected: 1 }]);
    // The last statement's result, without a `results` of its own: plain data, no loop.
    const { results: _list, ...last } = result;
    assert.deepEqual(result.results[1], last);
    assert.equal('results' in result.results[1]!, false);
    const rows = await admin.query(`SELECT id, status FROM ${table}`);
    assert.deepEqual(rows.rows, [{ id: 1, status: 'settled' }]);
  });
});
