import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runYaml } from '../support/run';
import { tuple } from '../../runtime/values/py';

// Expected results are what the Kailash Python SDK returns for the same workflows.
describe('results equal the Python SDK LocalRuntime, key for key', () => {
  it('list form, dotted output paths', async () => {
    const r = await runYaml(`name: demo
nodes:
  - id: src
    type: PythonCodeNode
    config: {code: "result = {'data': [1,2,3], 'meta': {'n': 3}}"}
  - id: sum
    type: PythonCodeNode
    config: {code: "result = sum(items)"}
connections:
  - {from_node: src, from_output: result.data, to_node: sum, to_input: items}
`);
    assert.deepEqual(r.results, { src: { result: { data: [1, 2, 3], meta: { n: 3 } } }, sum: { result: 6 } });
  });

  it('dict form with short connections (result → input) and `parameters` as the config alias', async () => {
    const r = await runYaml(`{"name": "dictwf",
 "nodes": {"a": {"type": "PythonCodeNode", "parameters": {"code": "result = 5"}},
           "b": {"type": "PythonCodeNode", "config": {"code": "result = input * 3"}}},
 "connections": [{"from": "a", "to": "b"}]}`);
    assert.deepEqual(r.results, { a: { result: 5 }, b: { result: 15 } });
  });

  it('run parameters override connection values, which override config', async () => {
    const yaml = `nodes:
  - {id: a, type: PythonCodeNode, config: {code: "result = 5"}}
  - {id: b, type: PythonCodeNode, config: {code: "result = x * 2", x: 100}}
connections:
  - {from_node: a, from_output: result, to_node: b, to_input: x}
`;
    assert.deepEqual((await runYaml(yaml)).results.b, { result: 10 });
    assert.deepEqual((await runYaml(yaml, { parameters: { b: { x: 7 } } })).results.b, { result: 14 });
  });

  it('SwitchNode boolean routing: the untaken branch is None, a merge after both runs', async () => {
    const r = await runYaml(`nodes:
  - {id: src, type: PythonCodeNode, config: {code: "result = {'score': 90}"}}
  - {id: sw, type: SwitchNode, config: {condition_field: score, operator: ">", value: 50}}
  - {id: hi, type: PythonCodeNode, config: {code: "result = 'HIGH ' + str(data)"}}
  - {id: lo, type: PythonCodeNode, config: {code: "result = 'LOW ' + str(data)"}}
  - {id: m, type: MergeNode}
connections:
  - {from_node: src, from_output: result, to_node: sw, to_input: input_data}
  - {from_node: sw, from_output: true_output, to_node: hi, to_input: data}
  - {from_node: sw, from_output: false_output, to_node: lo, to_input: data}
  - {from_node: hi, from_output: result, to_node: m, to_input: data1}
  - {from_node: lo, from_output: result, to_node: m, to_input: data2}
`);
    assert.deepEqual(r.results, {
      src: { result: { score: 90 } },
      sw: { true_output: { score: 90 }, condition_result: true, false_output: null },
      hi: { result: "HIGH {'score': 90}" },
      lo: null,
      m: { merged_data: "HIGH {'score': 90}" },
    });
    assert.equal(r.nodes.lo!.status, 'skipped');
  });

  it('SwitchNode multi-case routing', async () => {
    const r = await runYaml(`nodes:
  - {id: src, type: PythonCodeNode, config: {code: "result = {'status': 'warning', 'id': 7}"}}
  - {id: sw, type: SwitchNode, config: {condition_field: status, cases: [success, warning, error]}}
  - {id: warn, type: PythonCodeNode, config: {code: "result = data['id']"}}
  - {id: err, type: PythonCodeNode, config: {code: "result = data['id']"}}
connections:
  - {from_node: src, from_output: result, to_node: sw, to_input: input_data}
  - {from_node: sw, from_output: case_warning, to_node: warn, to_input: data}
  - {from_node: sw, from_output: case_error, to_node: err, to_input: data}
`);
    assert.deepEqual(r.results.sw, {
      default: { status: 'warning', id: 7 },
      condition_result: 'warning',
      case_success: null,
      case_warning: { status: 'warning', id: 7 },
      case_error: null,
    });
    assert.deepEqual(r.results.warn, { result: 7 });
    assert.equal(r.results.err, null);
  });

  it('MergeNode concat, zip and merge_dict (with and without key)', async () => {
    const r = await runYaml(`nodes:
  - {id: src, type: PythonCodeNode, config: {code: "result = {'a': [1, 2], 'b': [3, 4], 'x': {'k': 1}, 'y': {'k': 2, 'z': 3}, 'l': [{'id': 1, 'p': 'a'}], 'r': [{'id': 1, 'q': 'b'}, {'id': 2, 'q': 'c'}]}"}}
  - {id: concat, type: MergeNode, config: {merge_type: concat}}
  - {id: zipped, type: MergeNode, config: {merge_type: zip}}
  - {id: dicts, type: MergeNode, config: {merge_type: merge_dict}}
  - {id: joined, type: MergeNode, config: {merge_type: merge_dict, key: id}}
connections:
  - {from: src, from_output: result.a, to: concat, to_input: data1}
  - {from: src, from_output: result.b, to: concat, to_input: data2}
  - {from: src, from_output: result.a, to: zipped, to_input: data1}
  - {from: src, from_output: result.b, to: zipped, to_input: data2}
  - {from: src, from_output: result.x, to: dicts, to_input: data1}
  - {from: src, from_output: result.y, to: dicts, to_input: data2}
  - {from: src, from_output: result.l, to: joined, to_input: data1}
  - {from: src, from_output: result.r, to: joined, to_input: data2}
`);
    assert.deepEqual(r.results.concat, { merged_data: [1, 2, 3, 4] });
    // `list(zip(...))`: a list of tuples.
    assert.deepEqual(r.results.zipped, { merged_data: [tuple([1, 3]), tuple([2, 4])] });
    assert.deepEqual(r.results.dicts, { merged_data: { k: 2, z: 3 } });
    assert.deepEqual(r.results.joined, {
      merged_data: [
        { id: 1, p: 'a', q: 'b' },
        { id: 2, q: 'c' },
      ],
    });
  });

  it('a cyclic edge loops until convergence_check holds (Kailash stopped at count 4)', async () => {
    const r = await runYaml(`nodes:
  - id: counter
    type: PythonCodeNode
    config:
      code: |
        c = count + 1
        result = {'count': c, 'done': c >= 4}
  - {id: after, type: PythonCodeNode, config: {code: "result = data"}}
connections:
  - {from_node: counter, from_output: result.count, to_node: counter, to_input: count, cycle: true, max_iterations: 10, convergence_check: "done == True"}
  - {from_node: counter, from_output: result, to_node: after, to_input: data}
parameters:
  counter: {count: 0}
`);
    assert.deepEqual(r.results, { counter: { result: { count: 4, done: true } }, after: { result: { count: 4, done: true } } });
    assert.equal(r.nodes.counter!.iterations, 4);
  });

  it('max_iterations ends a loop that never converges', async () => {
    const r = await runYaml(`nodes:
  - {id: n, type: PythonCodeNode, config: {code: "result = {'v': v + 1}"}}
connections:
  - {from: n, from_output: result.v, to: n, to_input: v, cycle: true, max_iterations: 3}
parameters:
  n: {v: 0}
`);
    assert.deepEqual(r.results.n, { result: { v: 3 } });
  });

  it('a None never overwrites a value another connection set', async () => {
    const r = await runYaml(`nodes:
  - {id: a, type: PythonCodeNode, config: {code: "result = 'kept'"}}
  - {id: b, type: PythonCodeNode, config: {code: "result = None"}}
  - {id: c, type: PythonCodeNode, config: {code: "result = x"}}
connections:
  - {from: a, from_output: result, to: c, to_input: x}
  - {from: b, from_output: result, to: c, to_input: x}
`);
    assert.deepEqual(r.results.c, { result: 'kept' });
  });

  it('PythonCodeNode without `result` returns its variables', async () => {
    const r = await runYaml(`nodes:
  - {id: a, type: PythonCodeNode, config: {code: "y = 2\\nz = [y, 3]"}}
`);
    const out = r.results.a as Record<string, unknown>;
    assert.equal(out.y, 2);
    assert.deepEqual(out.z, [2, 3]);
  });

  it('a failing leaf does not stop the others; a failing node with dependents does', async () => {
    const leaf = await runYaml(`nodes:
  - {id: a, type: PythonCodeNode, config: {code: "result = 1"}}
  - {id: bad, type: PythonCodeNode, config: {code: "result = 1 / 0"}}
  - {id: c, type: PythonCodeNode, config: {code: "result = input + 1"}}
connections:
  - {from: a, to: c}
  - {from: a, to: bad}
`);
    assert.deepEqual(leaf.results.c, { result: 2 });
    assert.equal((leaf.results.bad as Record<string, unknown>).failed, true);
    assert.match(leaf.nodes.bad!.error!.message, /ZeroDivisionError: division by zero/);
  });

  it('independent nodes run concurrently without changing results', async () => {
    const nodes = Array.from({ length: 12 }, (_, i) => `  - {id: n${i}, type: PythonCodeNode, config: {code: "result = ${i} * 2"}}`).join(
      '\n',
    );
    const sequential = await runYaml(`nodes:\n${nodes}\n`, { maxConcurrency: 1 });
    const parallel = await runYaml(`nodes:\n${nodes}\n`, { maxConcurrency: 10 });
    assert.deepEqual(parallel.results, sequential.results);
    assert.deepEqual(Object.keys(parallel.results), Object.keys(sequential.results));
  });
});
