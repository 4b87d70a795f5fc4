import { implementationOf } from '../../runtime/nodes/registry';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { allSpecs } from '../../runtime/catalog';
import { LocalRuntime } from '../../runtime/engine/local';
import type { RunEvent } from '../../runtime/engine/types';
import { parseWorkflow } from '../../runtime/model/parse';

function workspace(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'kwf-engine-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const run = (yaml: string, baseDir: string, extra: Parameters<LocalRuntime['execute']>[1] = {}, env: Record<string, string> = {}) =>
  new LocalRuntime({ env }).execute(parseWorkflow(yaml), { baseDir, ...extra });

describe('LocalRuntime (Kailash semantics)', () => {
  it('runs in Kahn order with lexicographic tie-break and returns Kailash results', async () => {
    const dir = workspace({ 'b.json': '{"n": 2}', 'a.json': '{"n": 1}' });
    const order: string[] = [];
    const r = await run(
      `nodes:
  - {id: zeta, type: JSONReaderNode, config: {file_path: b.json}}
  - {id: alpha, type: JSONReaderNode, config: {file_path: a.json}}
  - {id: out, type: MergeNode, config: {merge_type: merge_dict}}
connections:
  - {from: zeta, from_output: data, to: out, to_input: data2}
  - {from: alpha, from_output: data, to: out, to_input: data1}
`,
      dir,
      { onEvent: (e: RunEvent) => void (e.type === 'node-start' && order.push(e.node)) },
    );
    assert.deepEqual(order, ['alpha', 'zeta', 'out']);
    assert.equal(r.status, 'succeeded');
    assert.deepEqual(r.results, { alpha: { data: { n: 1 } }, zeta: { data: { n: 2 } }, out: { merged_data: { n: 2 } } });
    assert.deepEqual(Object.keys(r.nodes).sort(), ['alpha', 'out', 'zeta']);
    assert.equal(r.nodes.out!.attempts, 1);
  });

  it('applies precedence: run parameters > connections > config > defaults', async () => {
    const dir = workspace({ 'in.txt': 'from file' });
    const yaml = `nodes:
  - {id: read, type: TextReaderNode, config: {file_path: in.txt}}
  - {id: write, type: TextWriterNode, config: {file_path: out.txt, text: from config}}
connections:
  - {from: read, from_output: text, to: write, to_input: text}
parameters:
  write: {file_path: file-param.txt}
`;
    await run(yaml, dir);
    assert.equal(readFileSync(join(dir, 'file-param.txt'), 'utf8'), 'from file');
    await run(yaml, dir, { parameters: { write: { text: 'from run', file_path: 'run.txt' } } });
    assert.equal(readFileSync(join(dir, 'run.txt'), 'utf8'), 'from run');
  });

  it('routes SwitchNode branches: the untaken one is skipped (null), a merge after both runs', async () => {
    const dir = workspace({ 'in.json': '{"score": 90}' });
    const r = await run(
      `nodes:
  - {id: src, type: JSONReaderNode, config: {file_path: in.json}}
  - {id: sw, type: SwitchNode, config: {condition_field: score, operator: ">=", value: 50}}
  - {id: hi, type: MergeNode}
  - {id: lo, type: MergeNode}
  - {id: m, type: MergeNode}
connections:
  - {from: src, from_output: data, to: sw, to_input: input_data}
  - {from: sw, from_output: true_output, to: hi, to_input: data1}
  - {from: sw, from_output: false_output, to: lo, to_input: data1}
  - {from: hi, from_output: merged_data, to: m, to_input: data1}
  - {from: lo, from_output: merged_data, to: m, to_input: data2}
`,
      dir,
    );
    assert.equal(r.status, 'succeeded');
    assert.deepEqual(r.results.sw, { true_output: { score: 90 }, false_output: null, condition_result: true });
    assert.equal(r.results.lo, null);
    assert.equal(r.nodes.lo!.status, 'skipped');
    assert.deepEqual(r.results.m, { merged_data: { score: 90 } });
  });

  it('stops on a failure with dependents; a failed leaf is recorded and the rest runs', async () => {
    const dir = workspace({ 'ok.txt': 'x' });
    const stop = await run(
      `nodes:
  - {id: a, type: TextReaderNode, config: {file_path: missing.txt}}
  - {id: b, type: TextWriterNode, config: {file_path: o.txt}}
connections:
  - {from: a, from_output: text, to: b, to_input: text}
`,
      dir,
    );
    assert.equal(stop.status, 'failed');
    assert.equal(stop.error?.node, 'a');
    assert.match(stop.error!.message, /missing\.txt: no such file/);
    assert.equal(stop.nodes.b!.status, 'not-run');

    const leaf = await run(
      `nodes:
  - {id: a, type: TextReaderNode, config: {file_path: ok.txt}}
  - {id: z, type: TextReaderNode, config: {file_path: missing.txt}}
  - {id: b, type: TextWriterNode, config: {file_path: o.txt}}
connections:
  - {from: a, from_output: text, to: b, to_input: text}
  - {from: a, from_output: text, to: z, to_input: encoding}
`,
      dir,
    );
    assert.equal(leaf.nodes.b!.status, 'succeeded');
    assert.equal(leaf.nodes.z!.status, 'failed');
    assert.deepEqual(Object.keys(leaf.results.z!).sort(), ['error', 'error_type', 'failed']);
    assert.equal(leaf.status, 'failed');
  });

  it('`on_error: continue` keeps the run going and green', async () => {
    const dir = workspace();
    const r = await run(
      `nodes:
  - {id: a, type: TextReaderNode, config: {file_path: missing.txt}, on_error: continue}
`,
      dir,
    );
    assert.equal(r.status, 'succeeded');
    assert.equal(r.nodes.a!.status, 'failed');
  });

  it('binds every node type of the catalog to an implementation', () => {
    assert.deepEqual(
      allSpecs.filter((s) => !implementationOf(s.type)).map((s) => s.type),
      [],
    );
    assert.equal(implementationOf('NoSuchNode'), undefined);
    assert.equal(implementationOf('constructor'), undefined, 'no prototype key is a node type');
  });

  it('resolves ${env:} and ${secret:} and never lets a secret value into results or errors', async () => {
    const dir = workspace();
    const r = await run(
      `nodes:
  - {id: sw, type: SwitchNode, config: {input_data: "token=\${secret:API_TOKEN} stage=\${env:STAGE}", operator: is_not_null}}
`,
      dir,
      {},
      { KAILASH_SECRET_API_TOKEN: 'tok-123456', STAGE: 'dev' },
    );
    assert.equal(r.status, 'succeeded');
    assert.deepEqual(r.results.sw, { true_output: 'token=*** stage=dev', false_output: null, condition_result: true });
    assert.doesNotMatch(JSON.stringify(r), /tok-123456/);

    const missing = await run(`nodes:\n  - {id: sw, type: SwitchNode, config: {input_data: "\${secret:NOPE}"}}\n`, dir);
    assert.equal(missing.nodes.sw!.error?.type, 'SecretNotFoundError');
    assert.match(missing.nodes.sw!.error!.message, /Secret 'NOPE' is not set/);
  });

  it('refuses paths with .. or outside the workflow folder', async () => {
    const dir = workspace();
    for (const path of ['../etc.txt', '/etc/hostname']) {
      const r = await run(`nodes:\n  - {id: r, type: TextReaderNode, config: {file_path: "${path}"}}\n`, dir);
      assert.equal(r.status, 'failed', path);
      assert.match(r.nodes.r!.error!.type, /PathTraversalError|SecurityError/);
    }
  });

  it('streams timestamped events; large outputs arrive as capped previews, results stay whole', async () => {
    const events: RunEvent[] = [];
    const r = await run(
      `nodes:\n  - {id: big, type: JavaScriptCodeNode, config: {code: "result = Array.from({length: 5000}, (_, i) => i)"}}\n`,
      workspace(),
      { onEvent: (e: RunEvent) => void events.push(e) },
    );
    assert.deepEqual(
      events.map((e) => e.type),
      ['run-start', 'node-start', 'node-output', 'run-end'],
    );
    assert.ok(events.every((e) => typeof e.time === 'number' && e.runId === r.runId));
    const out = events.find((e) => e.type === 'node-output');
    assert.ok(out?.type === 'node-output' && out.truncated);
    const items = (out.preview as { result: unknown[] }).result;
    assert.equal(items.length, 21);
    assert.equal(items[20], '… 4980 more items');
    assert.equal((r.results.big as { result: unknown[] }).result.length, 5000);
  });

  it('re-runs from a node, reusing earlier outputs of its upstream', async () => {
    const dir = workspace({ 'a.txt': 'A' });
    const yaml = `nodes:
  - {id: a, type: TextReaderNode, config: {file_path: a.txt}}
  - {id: b, type: TextWriterNode, config: {file_path: b.txt}}
connections:
  - {from: a, from_output: text, to: b, to_input: text}
`;
    let kept: Record<string, unknown> = {};
    await run(yaml, dir, { keepOutputs: (o) => void (kept = o) });
    assert.deepEqual(kept.a, { text: 'A' });
    const again = await run(yaml, dir, { reuse: { a: { text: 'cached' } } });
    assert.equal(again.nodes.a!.reused, true);
    assert.equal(readFileSync(join(dir, 'b.txt'), 'utf8'), 'cached');
  });

  it('runs only a node and its upstream with `to`', async () => {
    const dir = workspace({ 'a.txt': 'A' });
    const r = await run(
      `nodes:
  - {id: a, type: TextReaderNode, config: {file_path: a.txt}}
  - {id: b, type: TextWriterNode, config: {file_path: b.txt}}
  - {id: c, type: TextWriterNode, config: {file_path: c.txt}}
connections:
  - {from: a, from_output: text, to: b, to_input: text}
  - {from: a, from_output: text, to: c, to_input: text}
`,
      dir,
      { to: 'b' },
    );
    assert.deepEqual(Object.keys(r.results).sort(), ['a', 'b']);
  });
});
