import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { panelGraph } from '../../client/panel/graph';
import { GraphStore } from '../../client/panel/graph-store';
import { applyEvent, applyPause, type RunView } from '../../client/common/panel';
import { parseWorkflow } from '../../runtime/model/parse';

describe('the graph the panel draws', () => {
  it('gives each node its category and each edge its ports and, out of a SwitchNode, its case', () => {
    const g = panelGraph(
      parseWorkflow(`name: routes
nodes:
  - {id: read, type: JSONReaderNode, config: {file_path: in.json}}
  - {id: route, type: SwitchNode, config: {condition_field: tier, cases: [gold, "two words"]}}
  - {id: check, type: SwitchNode, config: {condition_field: ok, operator: "==", value: true}}
  - {id: a, type: MergeNode}
  - {id: b, type: MergeNode}
  - {id: c, type: MergeNode}
  - {id: odd, type: NoSuchNode}
connections:
  - {from_node: read, from_output: data, to_node: route, to_input: input_data}
  - {from_node: route, from_output: case_gold, to_node: a, to_input: data1}
  - {from_node: route, from_output: case_two_words, to_node: b, to_input: data1}
  - {from_node: route, from_output: default, to_node: check, to_input: input_data}
  - {from_node: check, from_output: false_output, to_node: c, to_input: data1}
`),
      '/w/routes.workflow.yaml',
      'routes.workflow.yaml',
    );
    assert.equal(g.name, 'routes');
    assert.equal(g.nodes.find((n) => n.id === 'odd')!.category, undefined, 'an unknown type has no category');
    assert.equal(g.nodes.find((n) => n.id === 'read')!.category, 'files');
    assert.equal(g.nodes.find((n) => n.id === 'route')!.category, 'logic');
    assert.deepEqual(
      g.edges.map((e) => [e.label, e.case]),
      [
        ['data → input_data', undefined],
        ['case_gold → data1', 'gold'],
        ['case_two_words → data1', 'two words'],
        ['default → input_data', 'default'],
        ['false_output → data1', 'false'],
      ],
    );
  });

  it('keys a graph by what it draws: the same file text the same key, an edit that changes the graph another', () => {
    const text = `nodes:
  - {id: a, type: PythonCodeNode, config: {code: "result = 1"}}
  - {id: b, type: PythonCodeNode, config: {code: "result = 2"}}
connections:
  - {from_node: a, from_output: result, to_node: b, to_input: data}
`;
    const key = (t: string) => panelGraph(parseWorkflow(t), '/w/k.workflow.yaml', 'k').key;
    assert.equal(key(text), key(text));
    // Config the graph does not draw leaves the key.
    assert.equal(key(text.replace('result = 2', 'result = 3')), key(text));
    assert.notEqual(key(text.replace('to_input: data', 'to_input: other')), key(text));
    assert.notEqual(key(text + '  - {from_node: b, from_output: result, to_node: a, to_input: x}\n'), key(text));
  });

  it('keeps each run graph once, while a run or the graph on show names it', () => {
    const store = new GraphStore();
    const g = (key: string) => ({ key, file: '/w/f', name: 'f', nodes: [{ id: key, type: 'MergeNode' }], edges: [] });
    const view = (graph: string): RunView => ({
      runId: graph,
      file: '/w/f',
      label: 'f',
      startedAt: 0,
      status: 'succeeded',
      nodes: {},
      breakers: {},
      graph,
    });
    assert.equal(store.add(g('k1')), 'k1');
    assert.equal(store.add(g('k2')), 'k2');
    store.add(g('k3'));
    // The one on show travels as the state's own graph, so it is not among the run graphs.
    assert.deepEqual(Object.keys(store.of([view('k1'), view('k2')], 'k2')), ['k1']);
    assert.equal(store.get('k3'), undefined, 'a graph nothing names is dropped');
    assert.deepEqual(Object.keys(store.of([view('k2')])), ['k2']);
    assert.equal(store.get('k1'), undefined);
  });

  it('shows a node the debugger holds as paused (its top-level WorkflowNode when inside one), and running again when it goes on', () => {
    const run: RunView = { runId: 'r', file: '/w/f', label: 'f', startedAt: 0, status: 'running', nodes: {}, breakers: {} };
    applyEvent(run, { type: 'node-start', runId: 'r', time: 0, node: 'a' });
    applyPause(run, 'a');
    assert.equal(run.nodes.a!.status, 'paused');
    assert.deepEqual(run.paused, { node: 'a', at: ['a'] });
    applyPause(run);
    assert.equal(run.nodes.a!.status, 'running');
    assert.equal(run.paused, undefined);
    applyPause(run, 'tail', ['sub']);
    assert.equal(run.nodes.sub!.status, 'paused');
    assert.deepEqual(run.paused, { node: 'sub', at: ['sub', 'tail'] });
    // Held from one node to the next: the first runs again, the second is held.
    applyPause(run, 'b');
    assert.equal(run.nodes.sub!.status, 'running');
    assert.equal(run.nodes.b!.status, 'paused');
    applyEvent(run, {
      type: 'run-end',
      runId: 'r',
      time: 0,
      result: { status: 'cancelled', durationMs: 1, nodes: { b: { status: 'cancelled', durationMs: 0, attempts: 0 } }, results: {} },
    } as never);
    assert.equal(run.paused, undefined);
    assert.equal(run.nodes.b!.status, 'cancelled');
    // A run that has ended is not held any more.
    applyPause(run, 'c');
    assert.equal(run.nodes.c, undefined);
  });

  it('keeps what a node received from its node-start event', () => {
    const run: RunView = { runId: 'r', file: 'f', label: 'l', startedAt: 0, status: 'running', nodes: {}, breakers: {} };
    applyEvent(run, { type: 'node-start', runId: 'r', time: 0, node: 'n', inputs: { a: [1] }, inputsTruncated: false });
    applyEvent(run, {
      type: 'node-output',
      runId: 'r',
      time: 0,
      node: 'n',
      record: { status: 'succeeded', durationMs: 1, attempts: 1 },
      preview: { b: 2 },
      truncated: false,
    });
    assert.deepEqual(run.nodes.n!.inputs, { a: [1] });
    assert.deepEqual(run.nodes.n!.output, { b: 2 });
    assert.equal(run.nodes.n!.status, 'succeeded');
  });
});
