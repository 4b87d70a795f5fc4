// SQLDatabaseNode and AsyncSQLDatabaseNode against the real PostgreSQL and MariaDB on 127.0.0.1
// (node-svc machines and `.ci/run` start them) and SQLite files in temp folders.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { LocalRuntime } from '../../runtime/engine/local';
import { PyFloat } from '../../runtime/values/py';
import { runNode, tempDir, uniqueName, waitFor } from '../support/data';

const PG = 'postgresql://postgres@127.0.0.1:5432/test';
const MY = 'mysql://root@127.0.0.1:3306/test';

const rt = new LocalRuntime({ env: { PG_URL: PG }, secrets: { get: async (n) => (n === 'DB_PASSWORD' ? 'Sup3rSecretPw' : undefined) } });
let admin: pg.Client;
let my: mysql.Connection;

before(async () => {
  admin = new pg.Client(PG);
  await admin.connect();
  my = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: 'test' });
});
after(async () => {
  await rt.dispose();
  await admin.end();
  await my.end();
});

const sql = (connection_string: string, config: Record<string, unknown>, extra: Parameters<typeof runNode>[3] = {}) =>
  runNode(rt, 'SQLDatabaseNode', { connection_string, ...config }, extra);
const asyncSql = (connection_string: string, config: Record<string, unknown>, extra: Parameters<typeof runNode>[3] = {}) =>
  runNode(rt, 'AsyncSQLDatabaseNode', { connection_string, ...config }, extra);

/** Each dialect with a fresh table `(id int primary key, name varchar(200), amount decimal(12,2))`, dropped afterwards. */
const dialects: { name: string; url: () => string; drop: (t: string) => Promise<unknown> }[] = [
  { name: 'PostgreSQL', url: () => PG, drop: (t) => admin.query(`DROP TABLE IF EXISTS ${t}`) },
  { name: 'MariaDB', url: () => MY, drop: (t) => my.query(`DROP TABLE IF EXISTS ${t}`) },
  { name: 'SQLite', url: () => `sqlite:///${uniqueName('app')}.db`, drop: async () => undefined },
];

async function withTable(url: string, drop: (t: string) => Promise<unknown>, fn: (t: string) => Promise<void>): Promise<void> {
  const t = uniqueName('users');
  const made = await sql(url, {
    query: `CREATE TABLE ${t} (id int primary key, name varchar(200) not null, amount decimal(12,2) check (amount >= 0))`,
  });
  assert.equal(made.status, 'succeeded', JSON.stringify(made.error));
  try {
    await fn(t);
  } finally {
    await drop(t);
  }
}

for (const d of dialects) {
  // A DECIMAL is a float in Kailash (Decimal → float: 3.0), except in SQLite, whose NUMERIC
  // affinity stores a whole number as an INTEGER, which Python reads as an int.
  const decimal = (n: number) => (d.name === 'SQLite' || !Number.isInteger(n) ? n : new PyFloat(n));
  describe(`SQLDatabaseNode on ${d.name}`, () => {
    it('binds named and positional parameters; an injection attempt is stored as data', async () => {
      const url = d.url();
      await withTable(url, d.drop, async (t) => {
        const evil = "x'; DROP TABLE users; --";
        const a = await sql(url, {
          query: `INSERT INTO ${t} (id, name, amount) VALUES (:id, :name, :amount)`,
          parameters: { id: 1, name: evil, amount: 10.5, unused: 'ignored' },
        });
        assert.equal(a.status, 'succeeded', JSON.stringify(a.error));
        assert.equal(a.output!.row_count, 1);
        const b = await sql(url, { query: `INSERT INTO ${t} (id, name, amount) VALUES (?, ?, ?)`, parameters: [2, "O'Brien :name ?", 3] });
        assert.equal(b.status, 'succeeded', JSON.stringify(b.error));
        const r = await sql(url, {
          query: `SELECT id, name, amount FROM ${t} WHERE name = :name OR id = :id ORDER BY id`,
          parameters: { name: evil, id: 2 },
        });
        assert.deepEqual(r.output!.data, [
          { id: 1, name: evil, amount: 10.5 },
          { id: 2, name: "O'Brien :name ?", amount: decimal(3) },
        ]);
        assert.deepEqual(r.output!.columns, ['id', 'name', 'amount']);
        assert.equal(r.output!.row_count, 2);
        assert.equal(typeof r.output!.execution_time, 'number');
        const list = await sql(url, { query: `SELECT id, name FROM ${t} WHERE id = ?`, parameters: 1, result_format: 'list' });
        assert.deepEqual(list.output!.data, [[1, evil]]);
      });
    });

    it('runs operations all-or-nothing: a failing second statement leaves the table as it was', async () => {
      const url = d.url();
      await withTable(url, d.drop, async (t) => {
        await sql(url, { query: `INSERT INTO ${t} (id, name, amount) VALUES (1, 'alice', 100), (2, 'bob', 0)` });
        const transfer = (amount: number) =>
          sql(url, {
            operations: [
              { query: `UPDATE ${t} SET amount = amount + :amount WHERE id = :to`, parameters: { amount, to: 2 } },
              { query: `UPDATE ${t} SET amount = amount - :amount WHERE id = :from`, parameters: { amount, from: 1 } },
              { query: `SELECT id, amount FROM ${t} ORDER BY id` },
            ],
          });
        const overdraft = await transfer(250);
        assert.equal(overdraft.status, 'failed');
        assert.match(overdraft.error!.message, /rolled back; nothing was written/);
        assert.match(overdraft.error!.message, /statement 2 of 3: UPDATE/);
        assert.equal(overdraft.result.status, 'failed', 'a failing SQL node stops the run');
        const after = await sql(url, { query: `SELECT id, amount FROM ${t} ORDER BY id` });
        assert.deepEqual(after.output!.data, [
          { id: 1, amount: decimal(100) },
          { id: 2, amount: decimal(0) },
        ]);
        const ok = await transfer(40);
        assert.equal(ok.status, 'succeeded', JSON.stringify(ok.error));
        assert.deepEqual(ok.output!.data, [
          { id: 1, amount: decimal(60) },
          { id: 2, amount: decimal(40) },
        ]);
        assert.deepEqual(
          (ok.output!.results as { row_count: number }[]).map((x) => x.row_count),
          [1, 1, 2],
        );
      });
    });

    it('names the database and the query in errors, never the password', async () => {
      const url = d.url();
      const r = await sql(url, { query: 'SELECT * FROM no_such_table_here WHERE id = :id', parameters: { id: 1 } });
      assert.equal(r.status, 'failed');
      assert.match(
        r.error!.message,
        new RegExp(`Database error on ${d.name === 'SQLite' ? 'sqlite' : d.name === 'MariaDB' ? 'mysql' : 'postgresql'}://`),
      );
      assert.match(r.error!.message, /no_such_table_here/);
      assert.match(r.error!.message, /query: SELECT \* FROM no_such_table_here/);
    });
  });
}

describe('SQL values and failures', () => {
  it('converts PostgreSQL values to JSON as Kailash does', async () => {
    const r = await sql(PG, {
      query: `SELECT 12.50::numeric AS dec, 9007199254740993::bigint AS big, 42::bigint AS small, DATE '2024-02-29' AS d,
        TIMESTAMP '2024-01-02 03:04:05.123456' AS ts, TIMESTAMPTZ '2024-01-02 03:04:05+00' AS tstz, INTERVAL '1 day 2 hours' AS iv,
        '\\x6869'::bytea AS bytes, '5b1f7e4e-6c2a-4ad5-9d44-1c3a0f6e2b10'::uuid AS id, '{"a": [1, 2]}'::jsonb AS doc, ARRAY[1.5, 2.25]::numeric[] AS nums, true AS flag, NULL AS nothing`,
    });
    assert.equal(r.status, 'succeeded', JSON.stringify(r.error));
    const row = (r.output!.data as Record<string, unknown>[])[0]!;
    assert.equal(row.dec, 12.5);
    assert.equal(row.big, 9007199254740993n, 'beyond 2^53 stays an exact int');
    assert.equal(row.small, 42);
    assert.equal(row.d, '2024-02-29');
    assert.equal(row.ts, '2024-01-02T03:04:05.123456');
    assert.match(String(row.tstz), /^2024-01-02T\d\d:04:05[+-]\d\d:\d\d$/);
    assert.equal(row.iv, 93600);
    assert.equal(row.bytes, Buffer.from('hi').toString('base64'));
    assert.equal(row.id, '5b1f7e4e-6c2a-4ad5-9d44-1c3a0f6e2b10');
    assert.deepEqual(row.doc, { a: [1, 2] });
    assert.deepEqual(row.nums, [1.5, 2.25]);
    assert.equal(row.flag, true);
    assert.equal(row.nothing, null);
  });

  it('converts MariaDB values: decimals, datetimes, TIME as seconds, blobs as base64', async () => {
    const r = await sql(MY, {
      query:
        "SELECT CAST(12.5 AS DECIMAL(6,2)) AS `dec`, CAST('2024-01-02 03:04:05' AS DATETIME) AS ts, CAST('2024-02-29' AS DATE) AS d, CAST('26:00:01' AS TIME) AS t, X'6869' AS bytes, 9007199254740993 AS big",
    });
    assert.equal(r.status, 'succeeded', JSON.stringify(r.error));
    assert.deepEqual(r.output!.data, [
      { dec: 12.5, ts: '2024-01-02T03:04:05', d: '2024-02-29', t: 93601, bytes: 'aGk=', big: 9007199254740993n },
    ]);
  });

  it('rolls back a transaction whose connection is killed (pg_terminate_backend) and reports it', async () => {
    const t = uniqueName('killed');
    const app = uniqueName('kwf_kill');
    const url = `${PG}?application_name=${app}`;
    await admin.query(`CREATE TABLE ${t} (id int primary key)`);
    try {
      const running = sql(url, {
        operations: [
          { query: `INSERT INTO ${t} (id) VALUES (:id)`, parameters: { id: 1 } },
          { query: 'SELECT pg_sleep(30)' },
          { query: `INSERT INTO ${t} (id) VALUES (:id)`, parameters: { id: 2 } },
        ],
      });
      const pid = await waitFor('the transaction to reach pg_sleep', async () => {
        const r = await admin.query("SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'SELECT pg_sleep%'", [
          app,
        ]);
        return r.rows[0]?.pid as number | undefined;
      });
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      const r = await running;
      assert.equal(r.status, 'failed');
      assert.match(r.error!.message, /terminating connection due to administrator command/);
      assert.match(r.error!.message, /connection was lost during the transaction; the database rolled it back/);
      assert.match(r.error!.message, /statement 2 of 3/);
      assert.equal((await admin.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n, 0, 'the first insert was rolled back');
      const again = await sql(url, { query: `INSERT INTO ${t} (id) VALUES (1)` });
      assert.equal(again.status, 'succeeded', 'the pool replaced the dead connection');
    } finally {
      await admin.query(`DROP TABLE IF EXISTS ${t}`);
    }
  });

  it('rolls back a MariaDB transaction whose connection is killed, and reports it', async () => {
    const t = uniqueName('killed');
    await my.query(`CREATE TABLE ${t} (id int primary key)`);
    try {
      const running = sql(MY, {
        operations: [{ query: `INSERT INTO ${t} (id) VALUES (:id)`, parameters: { id: 1 } }, { query: `SELECT SLEEP(30) AS ${t}` }],
      });
      const id = await waitFor('the transaction to reach SLEEP', async () => {
        const [rows] = (await my.query('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND INFO LIKE ?', [
          `SELECT SLEEP(30) AS ${t}%`,
        ])) as unknown as [{ id: number }[]];
        return rows[0]?.id;
      });
      await my.query(`KILL CONNECTION ${Number(id)}`);
      const r = await running;
      assert.equal(r.status, 'failed');
      assert.match(r.error!.message, /connection was lost during the transaction; the database rolled it back/);
      const [count] = (await my.query(`SELECT count(*) AS n FROM ${t}`)) as unknown as [{ n: number }[]];
      assert.equal(Number(count[0]!.n), 0);
    } finally {
      await my.query(`DROP TABLE IF EXISTS ${t}`);
    }
  });

  it('keeps a pool under 200 concurrent queries within pool_size + max_overflow, shared across runs', async () => {
    const app = uniqueName('kwf_pool');
    const url = `${PG}?application_name=${app}`;
    const config = {
      query: 'SELECT count(*)::int AS open FROM pg_stat_activity, pg_sleep(0.005) WHERE application_name = :app',
      parameters: { app },
      pool_size: 3,
      max_overflow: 2,
    };
    const runs = await Promise.all(Array.from({ length: 200 }, () => sql(url, config)));
    assert.ok(
      runs.every((r) => r.status === 'succeeded'),
      JSON.stringify(runs.find((r) => r.status !== 'succeeded')?.error),
    );
    const seen = runs.map((r) => (r.output!.data as { open: number }[])[0]!.open);
    assert.ok(Math.max(...seen) <= 5, `at most 5 connections, saw ${Math.max(...seen)}`);
    assert.ok(Math.max(...seen) >= 2, 'the pool did run queries concurrently');
    const open = (await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [app])).rows[0].n;
    assert.ok(open <= 5 && open >= 1, `pool still open and bounded (${open})`);
    await rt.dispose();
    await waitFor('LocalRuntime.dispose() to close the pool', async () => {
      const q = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [app]);
      return q.rows[0].n === 0;
    });
  });

  it('fails a query waiting longer than pool_timeout for a connection', async () => {
    const app = uniqueName('kwf_wait');
    const url = `${PG}?application_name=${app}`;
    const config = { query: 'SELECT pg_sleep(1.5)', pool_size: 1, max_overflow: 0, pool_timeout: 1 };
    const [first, second] = await Promise.all([sql(url, config), sql(url, config)]);
    assert.equal(first.status, 'succeeded');
    assert.equal(second.status, 'failed');
    assert.match(second.error!.message, /timed out after 1 s waiting for a connection \(pool_size=1, max_overflow=0/);
  });

  it('cancels the statement on the node timeout and frees the connection', async () => {
    const app = uniqueName('kwf_cancel');
    const url = `${PG}?application_name=${app}`;
    const r = await sql(url, { query: 'SELECT pg_sleep(30)' }, { node: { timeout: 0.3 } });
    assert.equal(r.status, 'failed');
    assert.equal(r.error!.type, 'TimeoutError');
    await waitFor('the server to stop the statement', async () => {
      const q = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'", [
        app,
      ]);
      return q.rows[0].n === 0;
    });
  });

  it('kills a MariaDB statement on the node timeout (KILL from a second connection)', async () => {
    const marker = uniqueName('sleep');
    const r = await sql(MY, { query: `SELECT SLEEP(30) AS ${marker}` }, { node: { timeout: 0.3 } });
    assert.equal(r.status, 'failed');
    assert.equal(r.error!.type, 'TimeoutError');
    await waitFor('MariaDB to drop the statement', async () => {
      const [rows] = (await my.query(
        'SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND INFO LIKE ?',
        [`%AS ${marker}%`],
      )) as unknown as [{ n: number }[]];
      return Number(rows[0]!.n) === 0;
    });
  });

  it('keeps passwords out of errors, from ${env:…} and ${secret:…} alike', async () => {
    const fromEnv = await sql('postgresql://postgres:Sup3rSecretPw@127.0.0.1:1/test', { query: 'SELECT 1' });
    assert.equal(fromEnv.status, 'failed');
    assert.match(fromEnv.error!.message, /Database error on postgresql:\/\/postgres@127\.0\.0\.1:1\/test: .*ECONNREFUSED/);
    const fromSecret = await sql('postgresql://postgres:${secret:DB_PASSWORD}@127.0.0.1:1/test', { query: 'SELECT 1' });
    for (const r of [fromEnv, fromSecret]) assert.doesNotMatch(JSON.stringify(r.result), /Sup3rSecretPw/);
    const denied = await sql('mysql://nobody_here:Sup3rSecretPw@127.0.0.1:3306/test', { query: 'SELECT 1' });
    assert.equal(denied.status, 'failed');
    assert.match(denied.error!.message, /Access denied for user 'nobody_here'/);
    assert.doesNotMatch(JSON.stringify(denied.result), /Sup3rSecretPw/);
  });

  it('persists SQLite to the file in the connection string, relative to the workflow folder', async () => {
    const dir = tempDir();
    const url = 'sqlite:///data.db';
    const first = await sql(
      url,
      {
        operations: [
          { query: 'CREATE TABLE notes (id integer primary key, body text, raw blob)' },
          { query: "INSERT INTO notes (body, raw) VALUES (:b, X'00ff')", parameters: { b: 'kept' } },
        ],
      },
      { baseDir: dir },
    );
    assert.equal(first.status, 'succeeded', JSON.stringify(first.error));
    assert.equal(readFileSync(join(dir, 'data.db')).subarray(0, 15).toString(), 'SQLite format 3');
    await rt.dispose();
    const read = await sql(url, { query: 'SELECT id, body, raw FROM notes' }, { baseDir: dir });
    assert.deepEqual(read.output!.data, [{ id: 1, body: 'kept', raw: 'AP8=' }]);
  });
});

describe('AsyncSQLDatabaseNode', () => {
  it('nests output under result, with fetch modes and formats', async () => {
    const t = uniqueName('orders');
    await admin.query(`CREATE TABLE ${t} (id int primary key, total numeric(8,2))`);
    try {
      const ins = await asyncSql(PG, { query: `INSERT INTO ${t} VALUES (:a, 1.5), (:b, 2.5), (:c, 3.5)`, params: { a: 1, b: 2, c: 3 } });
      assert.deepEqual(ins.output, {
        result: {
          query: `INSERT INTO ${t} VALUES ($1, 1.5), ($2, 2.5), ($3, 3.5)`,
          database_type: 'postgresql',
          format: 'dict',
          data: [{ rows_affected: 3 }],
          row_count: 1,
        },
      });
      const one = await asyncSql(PG, { query: `SELECT id, total FROM ${t} WHERE id = :id`, params: { id: 2 }, fetch_mode: 'one' });
      assert.deepEqual((one.output!.result as Record<string, unknown>).data, { id: 2, total: 2.5 });
      const many = await asyncSql(PG, {
        query: `SELECT id FROM ${t} ORDER BY id`,
        fetch_mode: 'many',
        fetch_size: 2,
        result_format: 'list',
      });
      assert.deepEqual(many.output!.result, {
        query: `SELECT id FROM ${t} ORDER BY id`,
        database_type: 'postgresql',
        format: 'list',
        data: [[1], [2]],
        row_count: 2,
        columns: ['id'],
      });
      const df = await asyncSql(PG, {
        query: `SELECT id FROM ${t} WHERE id < $2 AND id > $1 ORDER BY id`,
        params: [0, 3],
        result_format: 'dataframe',
      });
      assert.deepEqual((df.output!.result as Record<string, unknown>).data, {
        dataframe: [{ id: 1 }, { id: 2 }],
        columns: ['id'],
        index: [0, 1],
        _type: 'dataframe',
      });
      const many0 = await asyncSql(PG, { query: `SELECT id FROM ${t}`, fetch_mode: 'many' });
      assert.match(many0.error!.message, /fetch_size/);
    } finally {
      await admin.query(`DROP TABLE IF EXISTS ${t}`);
    }
  });

  it("applies Kailash's QueryValidator unless told not to", async () => {
    const t = uniqueName('guarded');
    const drop = await asyncSql(PG, { query: `DROP TABLE ${t}` });
    assert.equal(drop.status, 'failed');
    assert.match(drop.error!.message, /administrative command that is not allowed/);
    const chained = await asyncSql(PG, { query: 'SELECT 1; DELETE FROM x', allow_admin: true });
    assert.match(chained.error!.message, /Query validation failed: .*multiple statements/);
    const comment = await asyncSql(PG, { query: 'SELECT 1 -- hi' });
    assert.match(comment.error!.message, /SQL comments/);
    const union = await asyncSql(PG, { query: 'SELECT id FROM a UNION SELECT passwd FROM b' });
    assert.match(union.error!.message, /UNION SELECT/);
    const made = await asyncSql(PG, { query: `CREATE TABLE ${t} (id int)`, allow_admin: true });
    assert.equal(made.status, 'succeeded', JSON.stringify(made.error));
    const dropped = await asyncSql(PG, { query: `DROP TABLE ${t}`, validate_queries: false });
    assert.equal(dropped.status, 'succeeded');
  });

  it('runs operations in one transaction unless transaction_mode is none', async () => {
    const t = uniqueName('tx');
    await my.query(`CREATE TABLE ${t} (id int primary key)`);
    try {
      const ops = [{ query: `INSERT INTO ${t} VALUES (1)` }, { query: `INSERT INTO ${t} VALUES (1)` }];
      const auto = await asyncSql(MY, { database_type: 'mysql', operations: ops });
      assert.equal(auto.status, 'failed');
      assert.match(auto.error!.message, /^Database query failed on mysql:\/\/root@127\.0\.0\.1:3306\/test: Duplicate entry/);
      assert.equal(((await my.query(`SELECT count(*) AS n FROM ${t}`)) as unknown as [{ n: number }[]])[0][0]!.n, 0);
      const none = await asyncSql(MY, { operations: ops, transaction_mode: 'none' });
      assert.equal(none.status, 'failed');
      assert.equal(
        ((await my.query(`SELECT count(*) AS n FROM ${t}`)) as unknown as [{ n: number }[]])[0][0]!.n,
        1,
        "'none' keeps what ran before the failure",
      );
    } finally {
      await my.query(`DROP TABLE IF EXISTS ${t}`);
    }
  });

  it('times out a slow query after `timeout` seconds, on a private pool when share_pool is false', async () => {
    const app = uniqueName('kwf_async');
    const r = await asyncSql(`${PG}?application_name=${app}`, {
      query: "SELECT 1 FROM (SELECT 1) x WHERE pg_backend_pid() > 0 AND now() < now() + interval '1 day'",
      share_pool: false,
    });
    assert.equal(r.status, 'succeeded', JSON.stringify(r.error));
    const slow = await asyncSql(`${PG}?application_name=${app}`, {
      query: 'SELECT 1 FROM generate_series(1, 100000000)',
      timeout: 0.3,
      share_pool: false,
    });
    assert.equal(slow.status, 'failed');
    assert.equal(slow.error!.type, 'TimeoutError');
    await waitFor('the private pool to close', async () => {
      const q = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [app]);
      return q.rows[0].n === 0;
    });
  });

  it('connects by parts and by a bare SQLite path', async () => {
    const parts = await asyncSql(undefined as unknown as string, {
      host: '127.0.0.1',
      port: 5432,
      database: 'test',
      user: 'postgres',
      query: 'SELECT 1 AS one',
    });
    assert.deepEqual((parts.output!.result as Record<string, unknown>).data, [{ one: 1 }]);
    const dir = tempDir();
    const lite = await asyncSql('local.db', { query: 'SELECT 2 AS two' }, { baseDir: dir });
    assert.deepEqual(lite.output!.result, {
      query: 'SELECT 2 AS two',
      database_type: 'sqlite',
      format: 'dict',
      data: [{ two: 2 }],
      row_count: 1,
    });
  });
});

describe('DDL inside all-or-nothing operations', () => {
  const count = async (t: string) => ((await my.query(`SELECT count(*) AS n FROM ${t}`)) as unknown as [{ n: number }[]])[0][0]!.n;
  const exists = async (t: string) =>
    (
      (await my.query('SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?', [
        t,
      ])) as unknown as [{ n: number }[]]
    )[0][0]!.n === 1;

  it('is refused on MariaDB before any statement runs, by both SQL nodes', async () => {
    const t = uniqueName('ddl');
    const made = uniqueName('ddl_new');
    await my.query(`CREATE TABLE ${t} (id int primary key)`);
    try {
      const ops = [
        { query: `INSERT INTO ${t} VALUES (1)` },
        { query: `  /* new */ CREATE TABLE ${made} (id int)` },
        { query: `INSERT INTO ${t} VALUES (1)` },
      ];
      for (const run of [() => sql(MY, { operations: ops }), () => asyncSql(MY, { operations: ops, validate_queries: false })]) {
        const r = await run();
        assert.equal(r.status, 'failed');
        assert.equal(r.error!.type, 'NodeValidationError');
        assert.match(
          r.error!.message,
          /operations\[1\] \(\/\* new \*\/ CREATE TABLE .*\) would commit the transaction on MySQL\/MariaDB.*nothing was run/,
        );
        assert.doesNotMatch(r.error!.message, /was rolled back|nothing was written/);
        assert.equal(await count(t), 0, 'the first INSERT never ran');
        assert.equal(await exists(made), false);
      }
      const temporary = await sql(MY, {
        operations: [{ query: `CREATE TEMPORARY TABLE ${made} (id int)` }, { query: `INSERT INTO ${t} VALUES (7)` }],
      });
      assert.equal(temporary.status, 'succeeded', JSON.stringify(temporary.error));
      const unguarded = await asyncSql(MY, { operations: ops.slice(0, 2), validate_queries: false, transaction_mode: 'none' });
      assert.equal(unguarded.status, 'succeeded', JSON.stringify(unguarded.error));
      assert.equal(await exists(made), true);
    } finally {
      await my.query(`DROP TABLE IF EXISTS ${t}`);
      await my.query(`DROP TABLE IF EXISTS ${made}`);
    }
  });

  it('on MariaDB, never claims a rollback when a statement the check cannot see commits (a procedure with DDL)', async () => {
    const t = uniqueName('ddlproc');
    const made = uniqueName('ddlproc_new');
    const proc = uniqueName('make_table');
    await my.query(`CREATE TABLE ${t} (id int primary key)`);
    await my.query(`CREATE PROCEDURE ${proc}() BEGIN CREATE TABLE ${made} (id int); END`);
    try {
      const r = await sql(MY, {
        operations: [{ query: `INSERT INTO ${t} VALUES (1)` }, { query: `CALL ${proc}()` }, { query: `INSERT INTO ${t} VALUES (2)` }],
      });
      assert.equal(r.status, 'failed');
      assert.match(
        r.error!.message,
        /statement 2 of 3 ended the transaction \(the server committed it implicitly\): statements 1–2 are written and cannot be rolled back; the rest did not run/,
      );
      assert.doesNotMatch(r.error!.message, /nothing was written/);
      assert.equal(await count(t), 1);
    } finally {
      await my.query(`DROP PROCEDURE IF EXISTS ${proc}`);
      await my.query(`DROP TABLE IF EXISTS ${t}`);
      await my.query(`DROP TABLE IF EXISTS ${made}`);
    }
  });

  it('is kept inside the transaction on PostgreSQL: a later failure rolls the DDL back too', async () => {
    const t = uniqueName('pgddl');
    const made = uniqueName('pgddl_new');
    await admin.query(`CREATE TABLE ${t} (id int primary key)`);
    try {
      const ops = [
        { query: `INSERT INTO ${t} VALUES (1)` },
        { query: `CREATE TABLE ${made} (id int)` },
        { query: `INSERT INTO ${t} VALUES (1)` },
      ];
      const r = await sql(PG, { operations: ops });
      assert.equal(r.status, 'failed');
      assert.match(r.error!.message, /The transaction was rolled back; nothing was written/);
      assert.equal((await admin.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n, 0);
      assert.equal((await admin.query('SELECT to_regclass($1) AS r', [made])).rows[0].r, null);
      const ok = await sql(PG, { operations: ops.slice(0, 2) });
      assert.equal(ok.status, 'succeeded', JSON.stringify(ok.error));
      assert.notEqual((await admin.query('SELECT to_regclass($1) AS r', [made])).rows[0].r, null);
    } finally {
      await admin.query(`DROP TABLE IF EXISTS ${t}`);
      await admin.query(`DROP TABLE IF EXISTS ${made}`);
    }
  });
});
