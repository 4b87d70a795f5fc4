import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWorkflow } from '../../runtime/model/parse';
import { toPlain } from '../../runtime/model/values';

describe('parseWorkflow', () => {
  it('reads both node forms, both connection forms, and `parameters` as the config alias', () => {
    const list = parseWorkflow(`nodes:
  - {id: a, type: PythonCodeNode, config: {code: "result = 5"}}
  - {id: b, type: PythonCodeNode, parameters: {code: "result = x"}, config: {code: ignored}}
connections:
  - {from_node: a, from_output: result, to_node: b, to_input: x}
  - {from: a, to: b}
`);
    assert.equal(list.nodesForm, 'list');
    assert.deepEqual(toPlain(list.nodesById.get('b')!.config), { code: 'result = x' });
    assert.equal(list.nodesById.get('b')!.configKey, 'parameters');
    const [full, short] = list.connections;
    assert.deepEqual(
      [full!.form, full!.fromOutput.value, full!.toInput.value, full!.fromOutput.implicit === true],
      ['full', 'result', 'x', false],
    );
    assert.deepEqual(
      [short!.form, short!.fromOutput.value, short!.toInput.value, short!.toInput.implicit],
      ['short', 'result', 'input', true],
    );

    const map = parseWorkflow('nodes:\n  a: {type: JSONReaderNode, config: {file_path: x.json}}\n');
    assert.equal(map.nodesForm, 'map');
    assert.equal(map.nodes[0]!.id, 'a');
    assert.equal(map.text.slice(...map.nodes[0]!.idSpan), 'a');
  });

  it('keeps the source span of every node, key, value and connection', () => {
    const text =
      'nodes:\n  - id: reader\n    type: JSONReaderNode\n    config:\n      file_path: in.json\nconnections:\n  - {from: reader, to: reader, cycle: true, max_iterations: 3}\n';
    const m = parseWorkflow(text);
    const n = m.nodesById.get('reader')!;
    assert.equal(text.slice(...n.idSpan), 'reader');
    assert.equal(text.slice(...n.type!.span), 'JSONReaderNode');
    const e = n.config!.entries[0]!;
    assert.equal(text.slice(...e.keySpan), 'file_path');
    assert.equal(text.slice(...e.value.span), 'in.json');
    const c = m.connections[0]!;
    assert.equal(text.slice(...c.span), '{from: reader, to: reader, cycle: true, max_iterations: 3}');
    assert.equal(c.cycle, true);
    assert.equal(c.maxIterations!.value, 3);
  });

  it('reads YAML as PyYAML does: merge keys, anchors, yes/on booleans, y/n strings', () => {
    const m = parseWorkflow(`defaults: &d {method: POST, timeout: 5}
nodes:
  - id: h
    type: HTTPRequestNode
    config:
      <<: *d
      timeout: 9
      verify_ssl: off
      url: y
      log_requests: yes
`);
    assert.deepEqual(toPlain(m.nodesById.get('h')!.config), {
      timeout: 9,
      verify_ssl: false,
      url: 'y',
      log_requests: true,
      method: 'POST',
    });
  });

  it('never throws: broken input becomes positioned diagnostics', () => {
    for (const text of ['', '- a', 'nodes: 5', 'nodes: [', ': :', 'nodes:\n  - type: X\n', '\u0000\u0001', '[[[[' + ']]]]']) {
      const m = parseWorkflow(text);
      assert.ok(m.diagnostics.length > 0, JSON.stringify(text));
      for (const d of m.diagnostics) assert.ok(d.span[0] >= 0 && d.span[1] <= text.length);
    }
  });
});
