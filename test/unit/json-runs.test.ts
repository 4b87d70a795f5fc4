// A `.workflow.json` file runs as the strict JSON the language server checks, on every path
// that runs one: the editor's run host, sub-workflows (WorkflowNode `workflow_path`) and the
// worker's `submit` check. Workers themselves are in test/integration/worker-json.test.ts.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { FromHost, ToHost } from '../../client/common/protocol';
import { LocalRuntime } from '../../runtime/engine/local';
import { parseWorkflowFile } from '../../runtime/model/load';
import { workspace } from '../support/run';

const ROOT = join(__dirname, '..', '..');
const VALID = '{\n  "nodes": [\n    {"id": "read", "type": "TextReaderNode", "config": {"file_path": "a.txt"}}\n  ]\n}\n';
// A trailing comma on line 3: YAML reads it; JSON does not.
const TRAILING = '{\n  "nodes": [\n    {"id": "read", "type": "TextReaderNode", "config": {"file_path": "a.txt",}}\n  ]\n}\n';

describe('JSON workflow files run as strict JSON', () => {
  it('one reader chosen by the file name: `.json` strict, anything else YAML', () => {
    assert.ok(parseWorkflowFile(TRAILING, 'w.workflow.json').diagnostics.some((d) => d.code === 'yaml-syntax'));
    assert.deepEqual(parseWorkflowFile(TRAILING, 'w.workflow.yaml').diagnostics, []);
    assert.deepEqual(parseWorkflowFile(VALID, 'w.workflow.json').diagnostics, []);
  });

  it("in the editor's run host: a trailing comma is refused naming its line; a valid file runs", { timeout: 60_000 }, async () => {
    const dir = workspace({ 'a.txt': 'A' });
    const host = fork(join(ROOT, 'client', 'run-host.ts'), [], {
      execArgv: ['--import', 'tsx'],
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const replies = new Map<string, (m: FromHost) => void>();
    host.on('message', (m: FromHost) => {
      if (m.type === 'done' || m.type === 'invalid') replies.get(m.id)?.(m);
    });
    const run = (id: string, text: string) =>
      new Promise<FromHost>((resolve) => {
        replies.set(id, resolve);
        host.send({
          type: 'run',
          id,
          file: join(dir, 'w.workflow.json'),
          text,
          parameters: {},
          settings: { maxConcurrency: 2 },
        } satisfies ToHost);
      });
    try {
      const refused = await run('bad', TRAILING);
      // The host reports a refused run as a run that failed before any node started.
      const message = refused.type === 'invalid' ? refused.message : refused.type === 'done' ? refused.result.error?.message : undefined;
      assert.match(
        message ?? '',
        /on line 3: JSON: a key in double quotes is expected here \(JSON allows no trailing comma\)/,
        JSON.stringify(refused),
      );
      const ok = await run('good', VALID);
      assert.equal(ok.type, 'done', JSON.stringify(ok));
      if (ok.type === 'done') assert.deepEqual(ok.result.results, { read: { text: 'A' } });
    } finally {
      host.kill();
    }
  });

  it('in sub-workflows: a `workflow_path` to a .json file with a trailing comma fails naming its line; a valid one runs', async () => {
    const dir = workspace({ 'a.txt': 'A', 'bad.workflow.json': TRAILING, 'good.workflow.json': VALID });
    const runtime = new LocalRuntime({ env: {} });
    try {
      const outer = (file: string) =>
        parseWorkflowFile(`nodes:\n  - {id: sub, type: WorkflowNode, config: {workflow_path: ${file}}}\n`, 'outer.workflow.yaml');
      const bad = await runtime.execute(outer('bad.workflow.json'), { baseDir: dir });
      assert.equal(bad.status, 'failed');
      assert.match(
        bad.nodes.sub!.error!.message,
        /Sub-workflow 'bad\.workflow\.json' is invalid: .*on line 3: JSON: a key in double quotes is expected/,
      );
      const good = await runtime.execute(outer('good.workflow.json'), { baseDir: dir });
      assert.equal(good.status, 'succeeded', JSON.stringify(good.nodes.sub?.error));
      assert.deepEqual((good.results.sub as { results: unknown }).results, { read: { text: 'A' } });
    } finally {
      await runtime.dispose();
    }
  });
});
