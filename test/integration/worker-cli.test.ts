// `submit` and `status` exit codes and output, in this process, against the real Redis.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { cli } from '../support/cli';
import { RunIdInUse, WorkerClient } from '../../runtime/worker/client';
import { PREFIX } from '../../runtime/worker/keys';
import { dropQueue, REDIS_URL, uniqueQueue } from '../support/worker-fleet';

describe('kailash-wf submit and status (no worker running)', () => {
  const queue = uniqueQueue('cli');
  const root = mkdtempSync(join(tmpdir(), 'kwf-cli-'));
  const file = join(root, 'ok.workflow.yaml');
  writeFileSync(file, 'nodes:\n  - {id: a, type: MergeNode, config: {data1: [1]}}\n');
  const bad = join(root, 'bad.workflow.yaml');
  writeFileSync(bad, 'nodes:\n  - {id: a, type: MergeNod}\n');
  const r = ['--redis', REDIS_URL, '--queue', queue];

  after(() => dropQueue(REDIS_URL, queue));

  it('submit enqueues and prints the run id; status says queued (exit 0) or unknown (exit 2)', async () => {
    const sub = await cli('submit', file, ...r, '--root', root, '--json', '--param', 'a.data2=[2]');
    assert.equal(sub.code, 0, sub.err);
    const { runId, queue: q } = JSON.parse(sub.out) as { runId: string; queue: string };
    assert.equal(q, queue);
    const st = await cli('status', runId, ...r);
    assert.equal(st.code, 0);
    assert.equal(st.out, `${runId}: queued\n`);
    // Without --json, stdout holds only the id: `ID=$(kailash-wf submit …)` works.
    const plain = await cli('submit', file, ...r, '--root', root);
    assert.equal(plain.code, 0, plain.err);
    assert.match(plain.out, /^[\w-]+\n$/);
    assert.equal((await cli('status', plain.out.trim(), ...r)).out, `${plain.out.trim()}: queued\n`);
    const unknown = await cli('status', 'no-such-run', ...r, '--json');
    assert.equal(unknown.code, 2);
    assert.deepEqual(JSON.parse(unknown.out), { runId: 'no-such-run', queue, state: 'unknown' });
  });

  it('cancel records the request for a run (the client-level tests show workers honouring it)', async () => {
    // Its own queue: the next test counts what this one's queue holds.
    const other = uniqueQueue('cli-cancel');
    const o = ['--redis', REDIS_URL, '--queue', other];
    try {
      const sub = await cli('submit', file, ...o, '--root', root, '--json');
      const { runId } = JSON.parse(sub.out) as { runId: string };
      const c = await cli('cancel', runId, ...o);
      assert.equal(c.code, 0, c.err);
      assert.equal(c.out, `cancel requested for run ${runId} on queue '${other}'\n`);
      assert.equal((await cli('cancel', ...o)).code, 2);
      assert.equal((await cli('cancel', '../etc', ...o)).code, 2);
    } finally {
      await dropQueue(REDIS_URL, other);
    }
  });

  it('bad usage, an invalid workflow or a file outside --root: exit 2 and nothing enqueued', async () => {
    const invalid = await cli('submit', bad, ...r, '--root', root);
    assert.equal(invalid.code, 2);
    assert.match(invalid.err, /error \[unknown-node-type\]/);
    assert.match(invalid.err, /not submitting/);
    const outside = await cli('submit', file, ...r, '--root', join(root, 'sub'));
    assert.equal(outside.code, 2);
    assert.match(outside.err, /outside --root/);
    const usage = async (pattern: RegExp, ...args: string[]) => {
      const u = await cli(...args);
      assert.equal(u.code, 2, `${args.join(' ')}: ${u.out}`);
      assert.match(u.err, pattern);
    };
    const here = ['--root', root];
    await usage(/--redis URL is required/, 'submit', file, '--queue', queue, ...here);
    await usage(/redis:\/\/ or rediss:\/\//, 'submit', file, '--redis', 'http://x', '--queue', queue, ...here);
    await usage(/--timeout takes a number of seconds/, 'submit', file, ...r, ...here, '--timeout', '0');
    await usage(/run id 'a:b' must be/, 'submit', file, ...r, ...here, '--run-id', 'a:b');
    await usage(/one of the queue's own keys/, 'submit', file, ...r, ...here, '--run-id', 'meta');
    await usage(/--param takes node.key=value/, 'submit', file, ...r, ...here, '--param', 'nodot');
    await usage(/queue name 'bad queue'/, 'submit', file, '--redis', REDIS_URL, '--queue', 'bad queue', ...here);
    await usage(/--concurrency takes a whole number/, 'worker', ...r, '--concurrency', '0');
    await usage(/status needs exactly one run id/, 'status', ...r);
    const q = new Queue(queue, { connection: { url: REDIS_URL }, prefix: PREFIX });
    assert.equal(await q.count(), 2, 'only the first test’s two runs are queued');
    await q.close();
  });

  it('--run-id again with the same workflow is the same run; with a different one it is refused (exit 2)', async () => {
    const other = uniqueQueue('cli-ids');
    const o = ['--redis', REDIS_URL, '--queue', other, '--root', root];
    const id = `reuse-${Date.now()}`;
    const changed = join(root, 'changed.workflow.yaml');
    writeFileSync(changed, 'nodes:\n  - {id: a, type: MergeNode, config: {data1: [2]}}\n');
    try {
      assert.equal((await cli('submit', file, ...o, '--run-id', id, '--param', 'a.data2=[1]')).code, 0);
      const same = await cli('submit', file, ...o, '--run-id', id, '--param', 'a.data2=[1]');
      assert.equal(same.code, 0, same.err);
      for (const args of [[file, '--param', 'a.data2=[9]'], [changed, '--param', 'a.data2=[1]'], [file]]) {
        const refused = await cli('submit', ...args, ...o, '--run-id', id);
        assert.equal(refused.code, 2, `${args.join(' ')}: ${refused.out}`);
        assert.equal(
          refused.err,
          `kailash-wf: run id '${id}' was already submitted to queue '${other}' with a different workflow, path or parameters; give this run another id\n`,
        );
      }
      const q = new Queue(other, { connection: { url: REDIS_URL }, prefix: PREFIX });
      assert.equal(await q.count(), 1, 'one run, one job');
      await q.close();
    } finally {
      await dropQueue(REDIS_URL, other);
    }
  });

  it('a batch with one reused run id is refused whole: none of its ids is claimed or queued', async () => {
    const other = uniqueQueue('cli-batch');
    const client = new WorkerClient({ redis: REDIS_URL, queue: other });
    try {
      await client.submit([{ text: 'a', file: 'a.workflow.yaml', runId: 'taken' }]);
      await assert.rejects(
        client.submit([
          { text: 'b', file: 'b.workflow.yaml', runId: 'fresh' },
          { text: 'changed', file: 'a.workflow.yaml', runId: 'taken' },
        ]),
        RunIdInUse,
      );
      // 'fresh' was not claimed by the refused batch: it can still be used for anything.
      await client.submit([{ text: 'c', file: 'c.workflow.yaml', runId: 'fresh' }]);
      assert.equal((await client.status('fresh')).state, 'queued');
    } finally {
      await client.close();
      await dropQueue(REDIS_URL, other);
    }
  });
});
