// Every path that starts a run shares one check: here the editor's run host (the process the
// extension forks) and the severity rule across the whole catalog.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { allSpecs } from '../../runtime/catalog';
import { validateText } from '../../runtime/validate';
import type { FromHost, ToHost } from '../../client/common/protocol';
import { workspace } from '../support/run';

const ROOT = join(__dirname, '..', '..');

describe("the editor's run host checks run parameters as `run` does", () => {
  it('refuses a run without the value, naming the node; runs with it (global and node-specific)', { timeout: 60_000 }, async () => {
    const text = 'name: read\nnodes:\n  - {id: a, type: TextReaderNode}\n  - {id: b, type: TextReaderNode, config: {file_path: c.txt}}\n';
    const dir = workspace({ 'm.workflow.yaml': text, 'a.txt': 'A', 'b.txt': 'B', 'c.txt': 'C' });
    const host = fork(join(ROOT, 'client', 'run-host.ts'), [], {
      execArgv: ['--import', 'tsx'],
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const replies = new Map<string, (m: FromHost) => void>();
    const warnings: string[] = [];
    host.on('message', (m: FromHost) => {
      if (m.type === 'event' && m.event.type === 'warning') warnings.push(m.event.message);
      if (m.type === 'done' || m.type === 'invalid') replies.get(m.id)?.(m);
    });
    const run = (id: string, parameters: Record<string, unknown>) =>
      new Promise<FromHost>((resolve) => {
        replies.set(id, resolve);
        host.send({
          type: 'run',
          id,
          file: join(dir, 'm.workflow.yaml'),
          text,
          parameters,
          settings: { maxConcurrency: 2 },
        } satisfies ToHost);
      });
    try {
      const refused = await run('r1', { b: { encoding: 'utf-8' } });
      assert.equal(refused.type, 'invalid');
      assert.match(
        (refused as { message: string }).message,
        /^Node 'a' \(TextReaderNode\) has no value for required parameter 'file_path' \(str\): set it in config, connect an output to it, or give it in the run's parameters/,
      );
      // The global value reaches both nodes; b's own run parameter beats it.
      const ok = await run('r2', { file_path: 'a.txt', b: { file_path: 'b.txt' }, file_paht: 1 });
      assert.equal(ok.type, 'done', JSON.stringify(ok));
      if (ok.type !== 'done') return;
      assert.deepEqual(ok.result.results, { a: { text: 'A' }, b: { text: 'B' } });
      assert.deepEqual(warnings, [
        "run parameter 'file_paht' is not a node id and no node takes a parameter 'file_paht', so it is ignored. Did you mean 'file_path'?",
      ]);
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
