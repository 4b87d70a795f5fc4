// A worker reads a submitted `.workflow.json` as the strict JSON the language server checks.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkerClient } from '../../runtime/worker/client';
import { RunWorker } from '../../runtime/worker/worker';
import { dropQueue, REDIS_URL, uniqueQueue } from '../support/worker-fleet';

const VALID = '{\n  "nodes": [\n    {"id": "read", "type": "TextReaderNode", "config": {"file_path": "a.txt"}}\n  ]\n}\n';
const TRAILING = '{\n  "nodes": [\n    {"id": "read", "type": "TextReaderNode", "config": {"file_path": "a.txt",}}\n  ]\n}\n';

describe('a worker runs JSON workflow files as strict JSON', () => {
  const queue = uniqueQueue('json');
  const root = mkdtempSync(join(tmpdir(), 'kwf-root-'));
  let worker: RunWorker;
  let client: WorkerClient;

  before(async () => {
    writeFileSync(join(root, 'a.txt'), 'A');
    worker = new RunWorker({ redis: REDIS_URL, queue, root, concurrency: 1, env: {}, log: () => undefined });
    await worker.start();
    client = new WorkerClient({ redis: REDIS_URL, queue });
  });

  after(async () => {
    await worker.stop(1000);
    await client.close();
    await dropQueue(REDIS_URL, queue);
  });

  it('records a trailing comma as invalid, naming its line, and runs a valid file', { timeout: 30_000 }, async () => {
    const [bad, good] = await client.submit([
      { text: TRAILING, file: 'w.workflow.json' },
      { text: VALID, file: 'w.workflow.json' },
    ]);
    const refused = (await client.wait(bad!)).result;
    assert.equal(refused.status, 'failed');
    assert.equal(refused.error?.type, 'WorkflowValidationError');
    assert.match(refused.error!.message, /on line 3: JSON: a key in double quotes is expected here/);
    const ran = (await client.wait(good!)).result;
    assert.equal(ran.status, 'succeeded', JSON.stringify(ran.error));
    assert.deepEqual(ran.results, { read: { text: 'A' } });
  });
});
