// Every path that starts a run shares one check: here the editor's run host (the process the
// extension forks) and the severity rule across the whole catalog.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { allSpecs } from '../../runtime/catalog';
import { validateText } from '../../runtime/validate';
import type { FromHost, ToHost } from '../../client/shared/protocol';
import { workspace } from '../support/run';

const ROOT = join(__dirname, '..', '..');

describe("the editor's run host checks run parameters as `run` does", () => {
  it('refuses a run without the value, naming the node; runs with it (global and node-specific)', { timeout: 60_000 }, async () => {
    const text = 'name: merge\nnodes:\n  - {id: a, type: MergeNode}\n  - {id: b, type: MergeNode, config: {data1: [0]}}\n';
    const dir = workspace({ 'm.workflow.yaml': text });
    const host = fork(join(ROOT, 'client', 'run-host.ts'), [], { execArgv: ['--import', 'tsx'], cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const replies = new Map<string, (m: FromHost) => void>();
    const warnings: string[] = [];
    host.on('message', (m: FromHost) => {
      if (m.type === 'event' && m.event.type === 'warning') warnings.push(m.event.message);
      if (m.type === 'done' || m.type === 'invalid') replies.get(m.id)?.(m);
    });
    const run = (id: string, parameters: Record<string, unknown>) =>
      new Promise<FromHost>((resolve) => {
        replies.set(id, resolve);
        host.send({ type: 'run', id, file: join(dir, 'm.workflow.yaml'), text, parameters, settings: { maxConcurrency: 2 } } satisfies ToHost);
      });
    try {
      const refused = await run('r1', { b: { data2: [1] } });
      assert.equal(refused.type, 'invalid');
      assert.match((refused as { message: string }).message, /^Node 'a' \(MergeNode\) has no value for required parameter 'data1' \(Any\): set it in config, connect an output to it, or give it in the run's parameters/);
      const ok = await run('r2', { data1: [7], b: { data1: [8] }, dataa: 1 });
      assert.equal(ok.type, 'done', JSON.stringify(ok));
      if (ok.type !== 'done') return;
      assert.deepEqual(ok.result.results, { a: { merged_data: [7] }, b: { merged_data: [8] } });
      assert.deepEqual(warnings, ["run parameter 'dataa' is not a node id and no node takes a parameter 'dataa', so it is ignored. Did you mean 'data1'?"]);
    } finally {
      host.kill();
    }
  });
});

describe('severity across the catalog', () => {
  it('every required parameter a run can give is a warning when absent; only config-only ones are errors', () => {
    for (const spec of allSpecs) {
      const { diagnostics } = validateText(`nodes:\n  - {id: n, type: ${spec.type}}\n`);
      for (const d of diagnostics.filter((x) => x.code === 'missing-required-param')) {
        const names = d.suggestions ?? [];
        const configOnly = names.every((n) => spec.params[n]?.configOnly === true);
        assert.equal(d.severity, configOnly ? 'error' : 'warning', `${spec.type}: ${d.message}`);
      }
    }
  });
});
