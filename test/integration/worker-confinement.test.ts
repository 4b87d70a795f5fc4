// Every file a worker's job touches stays inside the worker's --root, whatever path the job
// brings and whatever links the root holds. One in-process worker against the real Redis.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkerClient } from '../../runtime/worker/client';
import { RunWorker } from '../../runtime/worker/worker';
import { bounded, dropQueue, REDIS_URL, uniqueQueue } from '../support/worker-fleet';

describe('a worker confines each job to its --root', { timeout: 60_000 }, () => {
  const queue = uniqueQueue('confine');
  // The root sits in a folder of its own, so that its parent (and a folder beside it) are ours
  // to watch for files that should never appear there.
  const top = mkdtempSync(join(tmpdir(), 'kwf-confine-'));
  const root = join(top, 'root');
  const outside = join(top, 'outside');
  let worker: RunWorker;
  let client: WorkerClient;

  before(async () => {
    mkdirSync(join(root, 'flows'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'not for jobs');
    writeFileSync(
      join(outside, 'inner.workflow.yaml'),
      'nodes:\n  - {id: w, type: TextWriterNode, config: {file_path: escaped-by-sub.txt, text: x}}\n',
    );
    writeFileSync(
      join(root, 'flows', 'inner.workflow.yaml'),
      'nodes:\n  - {id: r, type: TextReaderNode, config: {file_path: ../flows/../flows/x.txt}}\n',
    );
    symlinkSync(outside, join(root, 'flows', 'out'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'flows', 'secret-link.txt'));
    worker = new RunWorker({ redis: REDIS_URL, queue, root, concurrency: 2, lockDurationMs: 5000 });
    await worker.start();
    client = new WorkerClient({ redis: REDIS_URL, queue });
  });

  after(async () => {
    await worker.stop(1000);
    await client.close();
    await dropQueue(REDIS_URL, queue);
    rmSync(top, { recursive: true, force: true });
  });

  async function run(file: string, text: string) {
    const [id] = await client.submit([{ text, file }]);
    return (await bounded(client.wait(id!), 20_000, `run of '${file}' never recorded`)).result;
  }

  const writer = 'nodes:\n  - {id: w, type: TextWriterNode, config: {file_path: escaped.txt, text: x}}\n';

  for (const file of ['.', '', './', 'flows/..', '/etc/x.workflow.yaml', '../x.workflow.yaml']) {
    it(`refuses the job path '${file}' (its folder would be the root's parent or elsewhere)`, async () => {
      const r = await run(file, writer);
      assert.equal(r.status, 'failed');
      assert.equal(r.error!.type, 'SecurityError', r.error!.message);
      assert.match(r.error!.message, /worker's --root/);
      assert.equal(existsSync(join(top, 'escaped.txt')), false);
      assert.equal(existsSync('/etc/escaped.txt'), false);
    });
  }

  it('refuses a job whose folder is a link inside the root that leads out of it', async () => {
    const r = await run('flows/out/x.workflow.yaml', writer);
    assert.equal(r.status, 'failed');
    assert.equal(r.error!.type, 'SecurityError');
    assert.match(r.error!.message, /symbolic link/);
    assert.equal(existsSync(join(outside, 'escaped.txt')), false);
  });

  it('runs a job inside the root, its files beside its workflow', async () => {
    const r = await run('flows/ok.workflow.yaml', 'nodes:\n  - {id: w, type: TextWriterNode, config: {file_path: made.txt, text: hi}}\n');
    assert.equal(r.status, 'succeeded', JSON.stringify(r.error));
    assert.equal(existsSync(join(root, 'flows', 'made.txt')), true);
  });

  it('refuses a sub-workflow reached through a link that leads out of the root', async () => {
    const r = await run(
      'flows/parent.workflow.yaml',
      'nodes:\n  - {id: sub, type: WorkflowNode, config: {workflow_path: out/inner.workflow.yaml}}\n',
    );
    assert.equal(r.status, 'failed');
    assert.equal(r.nodes.sub!.error!.type, 'SecurityError', r.nodes.sub!.error!.message);
    assert.equal(existsSync(join(outside, 'escaped-by-sub.txt')), false);
  });

  for (const [label, url] of [
    ['an absolute path outside the root', () => `sqlite:///${join(outside, 'abs.db')}`],
    ["a '..' path", () => 'sqlite:///../../outside/dots.db'],
    ['a link that leads out', () => 'sqlite:///out/linked.db'],
    ['a bare absolute path', () => join(outside, 'bare.db')],
  ] as const) {
    it(`refuses a SQLite database at ${label}`, async () => {
      const r = await run(
        'flows/db.workflow.yaml',
        `nodes:\n  - {id: db, type: SQLDatabaseNode, config: {connection_string: "${url()}", query: "CREATE TABLE t (x int)"}}\n`,
      );
      assert.equal(r.status, 'failed');
      const e = r.nodes.db!.error!;
      assert.match(e.type, /SecurityError|PathTraversalError/, e.message);
      assert.match(e.message, /^SQLite database: /);
      for (const f of ['abs.db', 'dots.db', 'linked.db', 'bare.db']) assert.equal(existsSync(join(outside, f)), false, f);
    });
  }

  it('keeps a SQLite database inside the root, beside the workflow', async () => {
    const r = await run(
      'flows/db.workflow.yaml',
      'nodes:\n  - {id: db, type: SQLDatabaseNode, config: {connection_string: "sqlite:///inside.db", query: "CREATE TABLE t (x int)"}}\n',
    );
    assert.equal(r.status, 'succeeded', JSON.stringify(r.error));
    assert.equal(existsSync(join(root, 'flows', 'inside.db')), true);
  });

  it('lists a linked file only if it stays inside the root', async () => {
    writeFileSync(join(root, 'flows', 'here.txt'), 'x');
    const r = await run('flows/list.workflow.yaml', 'nodes:\n  - {id: ls, type: DirectoryReaderNode, config: {directory_path: "."}}\n');
    assert.equal(r.status, 'succeeded', JSON.stringify(r.error));
    const names = JSON.stringify(r.results.ls);
    assert.match(names, /here\.txt/);
    assert.doesNotMatch(names, /secret-link/);
  });
});
