import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LocalRuntime } from '../../runtime/engine/local';
import type { RunEvent } from '../../runtime/engine/types';
import { parseWorkflow } from '../../runtime/model/parse';

// What the run panel shows as a node's "received" side comes from `node-start`.
describe('node-start carries what the node received', () => {
  it('config, connections and templates resolved, secrets redacted, large lists capped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kwf-inputs-'));
    writeFileSync(join(dir, 'rows.json'), JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ id: i }))));
    const events: RunEvent[] = [];
    const r = await new LocalRuntime({ env: { KAILASH_SECRET_TOKEN: 'tok-98765', STAGE: 'dev' } }).execute(
      parseWorkflow(`nodes:
  - {id: read, type: JSONReaderNode, config: {file_path: rows.json}}
  - {id: sw, type: SwitchNode, config: {condition_field: id, operator: is_not_null, value: "key=\${secret:TOKEN} \${env:STAGE}"}}
connections:
  - {from: read, from_output: data, to: sw, to_input: input_data}
`),
      { baseDir: dir, onEvent: (e) => void events.push(e) },
    );
    assert.equal(r.status, 'succeeded', JSON.stringify(r.error));
    const start = (id: string) => events.find((e) => e.type === 'node-start' && e.node === id) as Extract<RunEvent, { type: 'node-start' }>;
    assert.equal((start('read').inputs as Record<string, unknown>).file_path, 'rows.json');
    const sw = start('sw');
    const inputs = sw.inputs as Record<string, unknown>;
    assert.equal(inputs.value, 'key=*** dev');
    assert.equal(inputs.operator, 'is_not_null');
    const data = inputs.input_data as unknown[];
    assert.equal(data.length, 21, 'twenty rows and a marker');
    assert.deepEqual(data[0], { id: 0 });
    assert.equal(data[20], '… 30 more items');
    assert.equal(sw.inputsTruncated, true);
    assert.doesNotMatch(JSON.stringify(events), /tok-98765/);
  });

  it('a node that fails before its inputs are known still starts, bare', async () => {
    const events: RunEvent[] = [];
    await new LocalRuntime({ env: {} }).execute(
      parseWorkflow(`nodes:\n  - {id: sw, type: SwitchNode, config: {input_data: "\${secret:NOPE}"}}\n`),
      {
        baseDir: tmpdir(),
        onEvent: (e) => void events.push(e),
      },
    );
    assert.deepEqual(
      events.map((e) => e.type),
      ['run-start', 'node-start', 'node-error', 'run-end'],
    );
    assert.equal((events[1] as Extract<RunEvent, { type: 'node-start' }>).inputs, undefined);
  });
});
