// SQLite files shared by processes and by spellings of one path: every committed write stays
// written. Real `kailash-wf run` processes, a real lock held by another process, real files.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { realpathSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { Database } from 'node-sqlite3-wasm';
import { LocalRuntime } from '../../runtime/engine/local';
import { parseWorkflow } from '../../runtime/model/parse';
import { openSqliteFiles } from '../../runtime/nodes/database/sqlite';
import { startServer } from '../support/http-server';
import { runNode, tempDir } from '../support/data';

const ROOT = resolve(__dirname, '..', '..');
const PER_PROCESS = 150;

function makeTable(file: string): void {
  const db = new Database(file);
  try {
    db.exec('CREATE TABLE rows (proc TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (proc, n))');
  } finally {
    db.close();
  }
}

function count(file: string): { proc: string; n: number }[] {
  const db = new Database(file);
  try {
    return db.all('SELECT proc, count(*) AS n FROM rows GROUP BY proc ORDER BY proc') as { proc: string; n: number }[];
  } finally {
    db.close();
  }
}

/** A workflow whose inserts all wait on `gate`, so both processes write at the same time. */
function insertsWorkflow(gate: string, connection: string | ((i: number) => string), inserts: number): string {
  const nodes: unknown[] = [{ id: 'gate', type: 'HTTPRequestNode', config: { url: gate, method: 'GET' } }];
  const connections: unknown[] = [];
  for (let i = 1; i <= inserts; i++) {
    const c = typeof connection === 'string' ? connection : connection(i);
    nodes.push({
      id: `insert_${i}`,
      type: 'SQLDatabaseNode',
      config: { connection_string: c, query: `INSERT INTO rows (proc, n) VALUES (:p, ${i})` },
    });
    connections.push({ from_node: 'gate', from_output: 'response.content', to_node: `insert_${i}`, to_input: 'parameters' });
  }
  return JSON.stringify({ name: 'inserts', nodes, connections });
}

/** Answers every `/gate?p=X` with `{"p": "X"}` once `expected` requests are waiting. */
async function gateServer(expected: number) {
  const waiting: (() => void)[] = [];
  return startServer((req, res) => {
    const p = new URL(req.url ?? '/', 'http://x').searchParams.get('p') ?? '';
    waiting.push(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ p })));
    if (waiting.length === expected) for (const open of waiting.splice(0)) open();
  });
}

async function cliRun(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'runtime', 'cli', 'bin.ts'), 'run', file, '--json'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

const rt = new LocalRuntime({ env: {} });
after(() => rt.dispose());

describe('SQLite shared by processes', () => {
  it(`keeps all ${2 * PER_PROCESS} rows that two concurrent kailash-wf runs insert into one file`, async () => {
    const dir = tempDir();
    makeTable(join(dir, 'rt.db'));
    const gate = await gateServer(2);
    try {
      for (const p of ['a', 'b'])
        writeFileSync(join(dir, `${p}.workflow.json`), insertsWorkflow(`${gate.url}/gate?p=${p}`, 'sqlite:///rt.db', PER_PROCESS));
      const runs = await Promise.all(['a', 'b'].map((p) => cliRun(join(dir, `${p}.workflow.json`))));
      for (const r of runs) {
        assert.equal(r.code, 0, r.stderr || r.stdout.slice(0, 2000));
        const record = JSON.parse(r.stdout) as { nodes: Record<string, { status: string }> };
        assert.equal(Object.values(record.nodes).filter((n) => n.status === 'succeeded').length, PER_PROCESS + 1);
      }
      assert.deepEqual(count(join(dir, 'rt.db')), [
        { proc: 'a', n: PER_PROCESS },
        { proc: 'b', n: PER_PROCESS },
      ]);
    } finally {
      await gate.close();
    }
  });

  it('treats sqlite:///rt.db and sqlite:///./rt.db in one run as one database on one connection', async () => {
    const dir = tempDir();
    makeTable(join(dir, 'rt.db'));
    const gate = await gateServer(1);
    try {
      const text = insertsWorkflow(`${gate.url}/gate?p=one`, (i) => (i % 2 ? 'sqlite:///rt.db' : 'sqlite:///./rt.db'), 60);
      let connections = 0;
      const result = await rt.execute(parseWorkflow(text), {
        baseDir: dir,
        onEvent: (e) => {
          if (e.type === 'node-output')
            connections = Math.max(connections, openSqliteFiles().filter((f) => f.startsWith(realpathSync(dir))).length);
        },
      });
      assert.equal(result.status, 'succeeded', JSON.stringify(Object.values(result.nodes).find((n) => n.error)));
      assert.equal(connections, 1);
      assert.deepEqual(count(join(dir, 'rt.db')), [{ proc: 'one', n: 60 }]);
    } finally {
      await gate.close();
    }
  });
});

/** Another process that takes the database's write lock, holds it with a row uncommitted, and commits when told. */
async function lockHolder(file: string): Promise<{ child: ChildProcess; commit(): Promise<void> }> {
  const script = `
    const { Database } = require('node-sqlite3-wasm');
    const db = new Database(process.argv[1]);
    db.exec("BEGIN IMMEDIATE; INSERT INTO rows (proc, n) VALUES ('holder', 1)");
    process.stdout.write('locked\\n');
    process.stdin.once('data', () => { db.exec('COMMIT'); db.close(); process.stdout.write('committed\\n'); process.exit(0); });
  `;
  const child = spawn(process.execPath, ['-e', script, file], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const said = (word: string) =>
    new Promise<void>((res, rej) => {
      const onData = (d: Buffer) => d.toString().includes(word) && (child.stdout!.off('data', onData), res());
      child.stdout!.on('data', onData);
      child.once('exit', (code) => rej(new Error(`lock holder exited (${code}) before saying '${word}'`)));
    });
  await said('locked');
  return {
    child,
    commit: async () => {
      const done = said('committed');
      child.stdin!.write('go\n');
      await done;
    },
  };
}

describe('SQLite locked by another process', () => {
  it('waits for the lock and then writes, keeping the other process’s row too', async () => {
    const dir = tempDir();
    const file = join(dir, 'busy.db');
    makeTable(file);
    const holder = await lockHolder(file);
    const workflow = {
      name: 'busy',
      nodes: [
        {
          id: 'n',
          type: 'SQLDatabaseNode',
          config: { connection_string: `sqlite:///${file}`, query: "INSERT INTO rows (proc, n) VALUES ('node', 1)" },
        },
      ],
    };
    let committed: Promise<void> | undefined;
    const result = await rt.execute(parseWorkflow(JSON.stringify(workflow)), {
      baseDir: dir,
      // The node is under way (and finds the file locked) before the other process lets go.
      onEvent: (e) => void (e.type === 'node-start' && (committed ??= holder.commit())),
    });
    await committed;
    assert.equal(result.status, 'succeeded', JSON.stringify(result.nodes.n?.error));
    assert.deepEqual(count(file), [
      { proc: 'holder', n: 1 },
      { proc: 'node', n: 1 },
    ]);
  });

  it('fails after the busy timeout, not at once, saying the database is locked, and nothing is written', async () => {
    const dir = tempDir();
    const file = join(dir, 'held.db');
    makeTable(file);
    const holder = await lockHolder(file);
    try {
      const started = performance.now();
      const r = await runNode(
        rt,
        'SQLDatabaseNode',
        { connection_string: `sqlite:///${file}`, query: "INSERT INTO rows (proc, n) VALUES ('node', 1)", connect_args: { timeout: 0.4 } },
        { baseDir: dir },
      );
      const waited = performance.now() - started;
      assert.equal(r.status, 'failed');
      assert.match(r.error!.message, /database is locked: another connection held it for longer than the busy timeout of 0\.4 s/);
      assert.match(r.error!.message, /held\.db\.lock/);
      assert.ok(waited >= 400, `failed after ${waited} ms`);
    } finally {
      await holder.commit();
    }
    assert.deepEqual(count(file), [{ proc: 'holder', n: 1 }]);
  });
});

describe('SQLite statements', () => {
  it('runs every statement of a text, trigger bodies included, and keeps duplicate column names', async () => {
    const dir = tempDir();
    const url = 'sqlite:///s.db';
    const script = `CREATE TABLE a (id INTEGER PRIMARY KEY, note TEXT); CREATE TABLE log (msg TEXT);
      -- a comment; with a semicolon
      CREATE TRIGGER a_log AFTER INSERT ON a BEGIN INSERT INTO log VALUES ('added ' || new.note); INSERT INTO log VALUES ('x;y'); END;
      INSERT INTO a (note) VALUES ('semi;colon'); /* trailing; comment */`;
    const made = await runNode(rt, 'SQLDatabaseNode', { connection_string: url, query: script }, { baseDir: dir });
    assert.equal(made.status, 'succeeded', JSON.stringify(made.error));
    const read = await runNode(
      rt,
      'SQLDatabaseNode',
      { connection_string: url, query: 'SELECT a.id, log.msg, a.id FROM a, log ORDER BY log.msg', result_format: 'list' },
      { baseDir: dir },
    );
    assert.deepEqual(read.output!.columns, ['id', 'msg', 'id']);
    assert.deepEqual(read.output!.data, [
      [1, 'added semi;colon', 1],
      [1, 'x;y', 1],
    ]);
    const big = await runNode(
      rt,
      'SQLDatabaseNode',
      { connection_string: url, query: 'SELECT 9007199254740993 AS big, 1.5 AS f' },
      { baseDir: dir },
    );
    assert.deepEqual(big.output!.data, [{ big: 9007199254740993n, f: 1.5 }]);
  });

  it('rolls back and fails a query that leaves its transaction open, so the file is not left locked', async () => {
    const dir = tempDir();
    makeTable(join(dir, 'open.db'));
    const r = await runNode(
      rt,
      'SQLDatabaseNode',
      { connection_string: 'sqlite:///open.db', query: "BEGIN; INSERT INTO rows (proc, n) VALUES ('open', 1);" },
      { baseDir: dir },
    );
    assert.equal(r.status, 'failed');
    assert.match(r.error!.message, /began a transaction and did not end it .*rolled back, nothing it did was kept/);
    assert.deepEqual(count(join(dir, 'open.db')), []);
  });
});
