import assert from 'node:assert/strict';
import { fork, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { FromHost, ToHost } from '../../client/common/protocol';
import { workspace } from '../support/run';
import { dropQueue } from '../support/worker-fleet';

const ROOT = join(__dirname, '..', '..');

describe('the editor’s run host sends a run to a worker queue (Redis at 127.0.0.1:6379)', () => {
  it('submits, streams the worker’s events and returns its result', { timeout: 60_000 }, async () => {
    const dir = workspace({
      'q.workflow.yaml': 'name: queued\nnodes:\n  - {id: a, type: PythonCodeNode, config: {code: "result = 6 * 7"}}\n',
    });
    const queue = `kwf-client-${randomUUID().slice(0, 8)}`;
    const worker = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'runtime', 'cli', 'bin.ts'),
        'worker',
        '--redis',
        'redis://127.0.0.1:6379',
        '--queue',
        queue,
        '--root',
        dir,
      ],
      { cwd: ROOT, stdio: 'ignore' },
    );
    const host = fork(join(ROOT, 'client', 'run-host.ts'), [], {
      execArgv: ['--import', 'tsx'],
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    try {
      const events: string[] = [];
      const done = new Promise<FromHost>((resolve) =>
        host.on('message', (m: FromHost) => {
          if (m.type === 'event') events.push(m.event.type);
          else if (m.type === 'done' || m.type === 'invalid') resolve(m);
        }),
      );
      const message: ToHost = {
        type: 'run',
        id: 'r1',
        file: join(dir, 'q.workflow.yaml'),
        text: 'name: queued\nnodes:\n  - {id: a, type: PythonCodeNode, config: {code: "result = 6 * 7"}}\n',
        parameters: {},
        settings: { maxConcurrency: 10, queue: { redis: 'redis://127.0.0.1:6379', name: queue, file: 'q.workflow.yaml' } },
      };
      host.send(message);
      const m = await done;
      assert.equal(m.type, 'done', JSON.stringify(m));
      if (m.type !== 'done') return;
      assert.equal(m.result.status, 'succeeded');
      assert.deepEqual(m.result.results, { a: { result: 42 } });
      assert.ok(events.includes('node-output'), `events: ${events.join(', ')}`);
    } finally {
      host.kill();
      worker.kill('SIGTERM');
      await new Promise((r) => worker.once('exit', r));
      await dropQueue('redis://127.0.0.1:6379', queue);
    }
  });
});
