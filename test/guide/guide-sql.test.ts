// The guide's SQL pattern: AsyncSQLDatabaseNode with `transaction_mode: true` (all-or-nothing) and
// a pool sized by `pool_size` + `max_overflow`, against the real PostgreSQL on 127.0.0.1:5432.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import pg from 'pg';
import { folder, run, validate } from './cli';

const URL = 'postgresql://postgres@127.0.0.1:5432/test';
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const ACCOUNTS = `guide_accounts_${suffix}`;
const TRANSFERS = `guide_transfers_${suffix}`;

describe('guide: AsyncSQLDatabaseNode transactions and pool on PostgreSQL', () => {
  const files = folder();
  const db = new pg.Client({ connectionString: URL });
  const env = { DATABASE_URL: URL };

  before(async () => {
    await db.connect();
    await db.query(`CREATE TABLE ${ACCOUNTS} (id int PRIMARY KEY, balance numeric(10,2) NOT NULL CHECK (balance >= 0))`);
    await db.query(
      `CREATE TABLE ${TRANSFERS} (id serial PRIMARY KEY, from_account int, to_account int, amount numeric(10,2), reference text)`,
    );
  });
  beforeEach(async () => {
    await db.query(`TRUNCATE ${TRANSFERS}`);
    await db.query(`DELETE FROM ${ACCOUNTS}`);
    await db.query(`INSERT INTO ${ACCOUNTS} (id, balance) VALUES (1001, 100), (2002, 10)`);
  });
  after(async () => {
    await db.query(`DROP TABLE IF EXISTS ${ACCOUNTS}, ${TRANSFERS}`);
    await db.end();
    files.cleanup();
  });

  const balances = async () =>
    (await db.query(`SELECT id, balance::float AS balance FROM ${ACCOUNTS} ORDER BY id`)).rows as { id: number; balance: number }[];
  const transfers = async () =>
    (await db.query(`SELECT from_account, to_account, amount::float AS amount, reference FROM ${TRANSFERS}`)).rows;

  // Credit first and record it, then debit: a failing debit comes after two statements that worked.
  const transfer = (amount: number, mode: string) => `name: transfer
nodes:
  - id: transfer
    type: AsyncSQLDatabaseNode
    config:
      connection_string: \${env:DATABASE_URL}
      pool_size: 2
      max_overflow: 1
      transaction_mode: ${mode}
      operations:
        - query: UPDATE ${ACCOUNTS} SET balance = balance + :amount WHERE id = :to_account
          parameters: {amount: ${amount}, to_account: 2002}
        - query: INSERT INTO ${TRANSFERS} (from_account, to_account, amount, reference) VALUES (:from_account, :to_account, :amount, :reference)
          parameters: {from_account: 1001, to_account: 2002, amount: ${amount}, reference: INV-42}
        - query: UPDATE ${ACCOUNTS} SET balance = balance - :amount WHERE id = :from_account
          parameters: {amount: ${amount}, from_account: 1001}
`;

  it('transaction_mode: true commits every statement together', async () => {
    const r = await run(files.write('ok.workflow.yaml', transfer(40, 'true')), [], env);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual(await balances(), [
      { id: 1001, balance: 60 },
      { id: 2002, balance: 50 },
    ]);
    assert.deepEqual(await transfers(), [{ from_account: 1001, to_account: 2002, amount: 40, reference: 'INV-42' }]);
    const steps = (r.record!.results.transfer!.result as { results: unknown[] }).results;
    assert.equal(steps.length, 3);
  });

  it('transaction_mode: true is all-or-nothing: an overdraft leaves no trace of the statements before it', async () => {
    const r = await run(files.write('overdraft.workflow.yaml', transfer(500, 'true')), [], env);
    assert.equal(r.code, 1);
    assert.match(r.record!.nodes.transfer!.error!.message, /check constraint/i);
    assert.deepEqual(await balances(), [
      { id: 1001, balance: 100 },
      { id: 2002, balance: 10 },
    ]);
    assert.deepEqual(await transfers(), []);
  });

  it('transaction_mode: false runs each statement on its own (what the guide means by none)', async () => {
    const r = await run(files.write('none.workflow.yaml', transfer(500, 'false')), [], env);
    assert.equal(r.code, 1);
    assert.deepEqual(await balances(), [
      { id: 1001, balance: 100 },
      { id: 2002, balance: 510 },
    ]);
    assert.equal((await transfers()).length, 1);
  });

  it('the editor marks the boolean as meaning something else in the Python SDK, and nothing else', async () => {
    const v = await validate(files.write('check.workflow.yaml', transfer(40, 'true')));
    assert.equal(v.code, 0);
    assert.deepEqual(
      v.findings.map((f) => [f.line, f.code]),
      [[9, 'kailash-compat']],
    );
    assert.match(v.findings[0]!.message, /Write `transaction_mode: auto`/);
  });

  it('the pool opens at most pool_size + max_overflow connections, whatever max_pool_size says', async () => {
    // Six queries at once, each counting this pool's connections on the server after a pause long
    // enough for every connection the pool will open to be open.
    const app = `kwf_guide_${suffix}`;
    const flow = (size: number, overflow: number) => `name: pool
nodes:
${[1, 2, 3, 4, 5, 6]
  .map(
    (i) => `  - id: q${i}
    type: AsyncSQLDatabaseNode
    config:
      connection_string: \${env:DATABASE_URL}?application_name=${app}_${size}_${overflow}
      pool_size: ${size}
      max_overflow: ${overflow}
      max_pool_size: 20
      validate_queries: false
      query: SELECT pg_sleep(0.4)::text AS slept, (SELECT count(*) FROM pg_stat_activity WHERE application_name = '${app}_${size}_${overflow}') AS open
      fetch_mode: one
`,
  )
  .join('')}`;
    for (const [size, overflow] of [
      [2, 1],
      [1, 3],
    ] as const) {
      const r = await run(files.write(`pool-${size}-${overflow}.workflow.yaml`, flow(size, overflow)), [], env);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const open = Object.values(r.record!.results).map((o) => Number((o!.result as { data: { open: number } }).data.open));
      assert.equal(Math.max(...open), size + overflow, `pool_size ${size} + max_overflow ${overflow}: ${open.join(', ')}`);
    }
  });
});
