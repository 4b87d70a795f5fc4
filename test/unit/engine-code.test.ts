import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { childPids, runYaml } from '../support/run';

describe('code nodes', () => {
  it('PythonCodeNode: a node timeout kills the worker and leaves no process behind', { timeout: 30_000 }, async () => {
    const before = childPids();
    const r = await runYaml(`nodes:
  - {id: slow, type: PythonCodeNode, config: {code: "import time\\ntime.sleep(30)\\nresult = 1"}, timeout: 0.5}
`);
    assert.equal(r.nodes.slow!.status, 'failed');
    assert.equal(r.nodes.slow!.error?.type, 'TimeoutError');
    assert.match(r.nodes.slow!.error!.message, /timed out after 0\.5 s/);
    assert.ok(r.durationMs < 10_000);
    assert.deepEqual(
      childPids().filter((p) => !before.includes(p)),
      [],
    );
  });

  it('PythonCodeNode: the restricted sandbox refuses modules outside Kailash’s list', async () => {
    const r = await runYaml(`nodes:\n  - {id: p, type: PythonCodeNode, config: {code: "import subprocess\\nresult = 1"}}\n`);
    assert.match(r.nodes.p!.error!.message, /Module 'subprocess' is not in the allowed list/);
    const trusted = await runYaml(
      `nodes:\n  - {id: p, type: PythonCodeNode, config: {code: "import subprocess\\nresult = 1", sandbox_mode: trusted}}\n`,
    );
    assert.deepEqual(trusted.results.p, { result: 1 });
  });

  it('PythonCodeNode: non-JSON outputs and missing Python are clear errors', async () => {
    const r = await runYaml(`nodes:\n  - {id: p, type: PythonCodeNode, config: {code: "result = {1, 2}"}}\n`);
    assert.match(r.nodes.p!.error!.message, /Node outputs must be JSON-serializable. Failed keys: \['result'\]/);
    const none = await runYaml(`nodes:\n  - {id: p, type: PythonCodeNode, config: {code: "result = 1"}}\n`, {
      runtime: { env: {}, pythonPath: '/nonexistent/python3' },
    });
    assert.equal(none.nodes.p!.error?.type, 'PythonNotFoundError');
    assert.match(none.nodes.p!.error!.message, /needs Python 3: '\/nonexistent\/python3' was not found/);
  });

  it('PythonCodeNode: print() in user code does not disturb the protocol', async () => {
    const r = await runYaml(`nodes:\n  - {id: p, type: PythonCodeNode, config: {code: "print('{\\"id\\": 1}')\\nresult = 42"}}\n`);
    assert.deepEqual(r.results.p, { result: 42 });
  });

  it('JavaScriptCodeNode: inputs become variables, `result` (sync, async or declared) is the output', async () => {
    const r = await runYaml(`nodes:
  - {id: a, type: JavaScriptCodeNode, config: {code: "result = [1, 2, 3]"}}
  - {id: b, type: JavaScriptCodeNode, config: {code: "let result = items.map((x) => x * 10)"}}
  - {id: c, type: JavaScriptCodeNode, config: {code: "const v = await Promise.resolve(items.length); result = \`n=\${v}\`"}}
connections:
  - {from: a, from_output: result, to: b, to_input: items}
  - {from: b, from_output: result, to: c, to_input: items}
`);
    assert.deepEqual(r.results, { a: { result: [1, 2, 3] }, b: { result: [10, 20, 30] }, c: { result: 'n=3' } });
  });

  it('JavaScriptCodeNode: its timeout stops a busy loop, the heap limit stops a runaway allocation', { timeout: 60_000 }, async () => {
    const loop = await runYaml(`nodes:\n  - {id: j, type: JavaScriptCodeNode, config: {code: "while (true) {}", timeout: 0.5}}\n`);
    assert.equal(loop.nodes.j!.error?.type, 'TimeoutError');
    const hog = await runYaml(
      `nodes:\n  - {id: j, type: JavaScriptCodeNode, config: {code: "const a = []; while (true) a.push(new Array(1e6).fill(1));"}}\n`,
      {
        runtime: { env: {}, jsMemoryMb: 64 },
      },
    );
    assert.equal(hog.nodes.j!.error?.type, 'MemoryError');
    const after = await runYaml(`nodes:\n  - {id: j, type: JavaScriptCodeNode, config: {code: "result = 1"}}\n`);
    assert.deepEqual(after.results.j, { result: 1 });
  });

  it('JavaScriptCodeNode: errors name the exception; functions are not outputs', async () => {
    const r = await runYaml(`nodes:\n  - {id: j, type: JavaScriptCodeNode, config: {code: "nope.x"}}\n`);
    assert.match(r.nodes.j!.error!.message, /Code execution failed: ReferenceError: nope is not defined/);
    const f = await runYaml(`nodes:\n  - {id: j, type: JavaScriptCodeNode, config: {code: "result = () => 1"}}\n`);
    assert.match(f.nodes.j!.error!.message, /JSON-serializable/);
  });

  it('WorkflowNode runs a sub-workflow file and nests its results', async () => {
    const { workspace } = await import('../support/run');
    const dir = workspace({
      'inner.workflow.yaml': `nodes:\n  - {id: double, type: PythonCodeNode, config: {code: "result = x * 2"}}\n`,
    });
    const r = await runYaml(
      `nodes:
  - {id: sub, type: WorkflowNode, config: {workflow_path: inner.workflow.yaml, inputs: {double: {x: 21}}}}
`,
      { baseDir: dir },
    );
    assert.deepEqual(r.results.sub, { results: { double: { result: 42 } }, double_result: 42 });
    const inline = await runYaml(`nodes:
  - id: sub
    type: WorkflowNode
    config:
      workflow_dict:
        nodes: {inc: {node_type: PythonCodeNode, config: {code: "result = x + 1"}}}
        connections: []
      inputs: {inc: {x: 1}}
`);
    assert.deepEqual(inline.results.sub, { results: { inc: { result: 2 } }, inc_result: 2 });
    const self = workspace({
      'loop.workflow.yaml': `nodes:\n  - {id: again, type: WorkflowNode, config: {workflow_path: loop.workflow.yaml}}\n`,
    });
    const rec = await runYaml(`nodes:\n  - {id: again, type: WorkflowNode, config: {workflow_path: loop.workflow.yaml}}\n`, {
      baseDir: self,
    });
    assert.match(rec.nodes.again!.error!.message, /nest deeper than 8 levels/);
  });
});
