import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cutsOf, DocumentModels, PREPARE_MIN_CHARS } from '../../client/editor/documents';
import { covers, MARGIN_LINES, windowAround } from '../../client/editor/window';
import { failureMessage, failureSpan } from '../../client/editor/failures';
import { Fingerprinter, fingerprints, staleNodes } from '../../client/editor/fingerprints';
import { applyResult, type RunView } from '../../client/common/panel';
import { generateWorkflow } from '../../bench/generate';
import { statusText } from '../../client/editor/summary';
import { parseWorkflow } from '../../runtime/model/parse';

describe('editor run annotations', () => {
  it('summarises a node’s run in a few words', () => {
    assert.equal(statusText({ status: 'succeeded', durationMs: 120.4, attempts: 1 }, { data: [1, 2, 3] }), '✓ 120 ms · 3 items');
    assert.equal(statusText({ status: 'succeeded', durationMs: 3, attempts: 1 }, { data: [], row_count: 1 }), '✓ 3 ms · 1 row');
    assert.equal(
      statusText({ status: 'succeeded', durationMs: 5, attempts: 3 }, { result: Array(20).fill(0).concat(['… 980 more items']) }),
      '✓ 5 ms · 1000 items · 3 attempts',
    );
    assert.equal(
      statusText(
        { status: 'failed', durationMs: 30000, attempts: 1, error: { type: 'TimeoutError', message: "Node 'x' timed out after 30 s" } },
        null,
      ),
      '✗ timeout after 30 s',
    );
    assert.equal(statusText({ status: 'skipped', durationMs: 0, attempts: 0 }, null), '↷ skipped (switch)');
    assert.equal(
      statusText({ status: 'succeeded', durationMs: 1500, attempts: 1, reused: true }, { status_code: 200 }),
      '✓ 1.50 s · HTTP 200 · reused',
    );
  });

  it('marks a node stale when it or anything upstream changes, and nothing else', () => {
    const text = `nodes:
  - {id: a, type: PythonCodeNode, config: {code: "result = 1"}}
  - {id: b, type: PythonCodeNode, config: {code: "result = input"}}
  - {id: c, type: PythonCodeNode, config: {code: "result = 3"}}
connections:
  - {from: a, to: b}
`;
    const before = fingerprints(parseWorkflow(text));
    assert.deepEqual([...staleNodes(before, fingerprints(parseWorkflow(text)))], []);
    const editedA = fingerprints(parseWorkflow(text.replace('result = 1', 'result = 2')));
    assert.deepEqual([...staleNodes(before, editedA)].sort(), ['a', 'b']);
    const editedC = fingerprints(parseWorkflow(text.replace('result = 3', 'result = 4')));
    assert.deepEqual([...staleNodes(before, editedC)], ['c']);
    const rewired = fingerprints(parseWorkflow(text.replace('{from: a, to: b}', '{from: c, to: b}')));
    assert.deepEqual([...staleNodes(before, rewired)], ['b']);
  });
});

describe('failures in the editor', () => {
  const text = `nodes:
  - {id: read, type: CSVReaderNode, config: {file_path: data/in.csv}}
  - id: code
    type: PythonCodeNode
    config:
      code: |
        x = 1
        y = x / 0
        result = {"y": y}
`;
  const wf = parseWorkflow(text);
  it('puts the diagnostic on the value of the parameter that caused it', () => {
    const read = wf.nodesById.get('read')!;
    const span = failureSpan(read, text, { type: 'FileNotFoundError', message: 'data/in.csv: no such file', param: 'file_path' });
    assert.equal(text.slice(...span), 'data/in.csv');
    const none = failureSpan(read, text, { type: 'NodeExecutionError', message: 'boom' });
    assert.equal(text.slice(...none), 'read');
    const viaConnection = failureSpan(read, text, { type: 'NodeValidationError', message: 'x', param: 'delimiter' });
    assert.equal(text.slice(...viaConnection), 'read');
  });

  it('on the line of code the error points at', () => {
    const code = wf.nodesById.get('code')!;
    const span = failureSpan(code, text, {
      type: 'NodeExecutionError',
      message: 'Code execution failed: ZeroDivisionError',
      param: 'code',
      line: 2,
    });
    assert.equal(text.slice(...span), 'y = x / 0');
  });

  it('says what happened in words, where, and what to do, once each', () => {
    assert.equal(
      failureMessage({
        type: 'ContentAwareExecutionError',
        message: "Node 'call' reported failure: GET http://127.0.0.1:9/x failed: connect ECONNREFUSED 127.0.0.1:9",
        param: 'url',
        hint: 'Nothing is listening there.',
      }),
      'The node reported a failure: GET http://127.0.0.1:9/x failed: connect ECONNREFUSED 127.0.0.1:9 (in `url`)\nNothing is listening there.',
    );
  });

  it('a cancelled run reads as cancelled, not as an error', () => {
    const view: RunView = { runId: 'r', file: 'f', label: 'l', startedAt: 0, status: 'running', nodes: {}, breakers: {} };
    applyResult(view, {
      runId: 'r',
      status: 'cancelled',
      durationMs: 5,
      results: {},
      nodes: {},
      error: { type: 'WorkflowCancelledError', message: 'Workflow cancelled' },
    });
    assert.equal(view.status, 'cancelled');
    assert.equal(view.message, 'Cancelled.');
    const failed: RunView = { ...view, status: 'running', message: undefined as never };
    applyResult(failed, {
      runId: 'r',
      status: 'failed',
      durationMs: 5,
      results: {},
      nodes: {},
      error: { type: 'ContentAwareExecutionError', message: "Node 'call' reported failure: HTTP 500 from x", node: 'call' },
    });
    assert.equal(failed.message, 'call: The node reported a failure: HTTP 500 from x');
  });
});

describe('the extension’s document models', () => {
  it('finds the node at an offset and follows edits incrementally', () => {
    const text = generateWorkflow(200);
    const docs = new DocumentModels();
    const wf = docs.get('file:///w.workflow.yaml', 1, () => text);
    for (const n of [...wf.nodesById.values()].filter((_, i) => i % 37 === 0)) {
      assert.equal(docs.nodeAt('file:///w.workflow.yaml', n.span[0] + 1)?.id, n.id);
      assert.equal(docs.nodeAt('file:///w.workflow.yaml', n.idSpan[0], 'idSpan')?.id, n.id);
    }
    assert.equal(docs.nodeAt('file:///w.workflow.yaml', 0), undefined);
    assert.equal(
      docs.get('file:///w.workflow.yaml', 1, () => assert.fail('a cached version is not read again')),
      wf,
    );
    const edited = text.replace('https://example.com/100', 'https://example.com/1000');
    const next = docs.get('file:///w.workflow.yaml', 2, () => edited);
    assert.deepEqual([...next.nodesById.keys()], [...parseWorkflow(edited).nodesById.keys()]);
  });

  it('reads a big document in steps that each add a few pieces, yielding between them, into the model a whole read gives', async () => {
    const text = generateWorkflow(400);
    assert.ok(text.length >= PREPARE_MIN_CHARS);
    const docs = new DocumentModels();
    let pauses = 0;
    const prepared = docs.prepare('file:///w.workflow.yaml', 3, text, { step: 2000, pause: async () => void pauses++ });
    assert.equal(docs.prepare('file:///w.workflow.yaml', 3, text), prepared, 'one read in steps at a time');
    await docs.settled('file:///w.workflow.yaml');
    const cuts = cutsOf(text, 2000);
    assert.equal(pauses, cuts.length + 1);
    assert.ok(cuts.length > 20 && cuts.every((c, i) => c - (cuts[i - 1] ?? 0) < 2000 + 400), 'steps of about 2,000 characters');
    const wf = docs.get('file:///w.workflow.yaml', 3, () => assert.fail('the prepared version is not read again'));
    const whole = parseWorkflow(text);
    assert.deepEqual(
      [...wf.nodesById.values()].map((n) => [n.id, n.span, n.type?.value]),
      [...whole.nodesById.values()].map((n) => [n.id, n.span, n.type?.value]),
    );
    assert.deepEqual(
      wf.connections.map((c) => [c.from?.value, c.to?.value, c.span]),
      whole.connections.map((c) => [c.from?.value, c.to?.value, c.span]),
    );
    assert.deepEqual(wf.diagnostics, whole.diagnostics);
  });

  it('a model asked for while a read in steps is under way takes it over (the newer version wins)', async () => {
    const text = generateWorkflow(400);
    const edited = text.replace('https://example.com/300', 'https://example.com/301');
    const docs = new DocumentModels();
    let pauses = 0;
    let release!: () => void;
    const midway = new Promise<void>((r) => (release = r));
    const prepared = docs.prepare('file:///w.workflow.yaml', 1, text, {
      step: 2000,
      pause: async () => {
        if (++pauses === 5) release();
      },
    });
    await midway;
    const wf = docs.get('file:///w.workflow.yaml', 2, () => edited);
    await prepared;
    assert.equal(
      docs.get('file:///w.workflow.yaml', 2, () => assert.fail('cached')),
      wf,
    );
    assert.deepEqual([...wf.nodesById.keys()], [...parseWorkflow(edited).nodesById.keys()]);
    assert.ok(pauses < cutsOf(text, 2000).length, 'the read in steps stopped');
    // Small and JSON documents are read when first needed.
    await docs.prepare('file:///small.workflow.yaml', 1, generateWorkflow(10), { pause: () => assert.fail('no steps') });
    await docs.prepare('file:///big.workflow.json', 1, JSON.stringify({ nodes: text }), { pause: () => assert.fail('no steps') });
  });

  it('lists the nodes whose ids start in a stretch of the text (the marks of the lines in view)', () => {
    const text = generateWorkflow(300);
    const docs = new DocumentModels();
    const wf = docs.get('file:///w.workflow.yaml', 1, () => text);
    const all = [...wf.nodesById.values()];
    const from = all[100]!.idSpan[0];
    const to = all[140]!.idSpan[0];
    assert.deepEqual(
      docs.nodesBetween('file:///w.workflow.yaml', from, to).map((n) => n.id),
      all.slice(100, 141).map((n) => n.id),
    );
    // A stretch that starts inside a node leaves it out (its id is above), and one past every node is empty.
    assert.equal(docs.nodesBetween('file:///w.workflow.yaml', from + 1, to)[0]!.id, all[101]!.id);
    assert.deepEqual(docs.nodesBetween('file:///w.workflow.yaml', text.length - 2, text.length), []);
    assert.equal(docs.nodesBetween('file:///w.workflow.yaml', 0, text.length).length, 300);
    assert.deepEqual(docs.nodesBetween('file:///other.workflow.yaml', 0, 10), []);
  });

  it('draws marks for the visible lines and a margin, and redraws only when scrolling leaves them', () => {
    const w = windowAround([{ from: 1000, to: 1040 }], 15_000);
    assert.deepEqual(w, { from: 1000 - MARGIN_LINES, to: 1040 + MARGIN_LINES });
    assert.deepEqual(windowAround([{ from: 5, to: 40 }], 100), { from: 0, to: 99 });
    assert.deepEqual(
      windowAround(
        [
          { from: 10, to: 20 },
          { from: 500, to: 520 },
        ],
        15_000,
        10,
      ),
      { from: 0, to: 530 },
    );
    assert.ok(covers(w, [{ from: 1100, to: 1140 }]));
    assert.ok(!covers(w, [{ from: 1230, to: 1270 }]));
    assert.ok(
      !covers(w, [
        { from: 1000, to: 1040 },
        { from: 5000, to: 5010 },
      ]),
    );
  });

  it('the caching fingerprinter agrees with a fresh one, edit after edit', () => {
    const f = new Fingerprinter();
    let text = generateWorkflow(60);
    const first = f.fingerprints(parseWorkflow(text));
    assert.deepEqual(first, fingerprints(parseWorkflow(text)));
    text = text.replace('https://example.com/10', 'https://example.com/11');
    const second = f.fingerprints(parseWorkflow(text));
    assert.deepEqual(second, fingerprints(parseWorkflow(text)));
    // On the incremental model, whose unchanged nodes are the same objects from version to version.
    const docs = new DocumentModels();
    const cached = new Fingerprinter();
    let version = 0;
    let t = generateWorkflow(60);
    for (const [from, to] of [
      ['https://example.com/10', 'https://example.com/12'],
      ['out/21.json', 'out/21b.json'],
      ['https://example.com/12', 'https://example.com/10'],
      ['to_node: save_31', 'to_node: save_33'],
      // Typing inside one node again (the pass that reuses the last order), then ids, parameters and a cycle.
      ['out/41.json', 'out/41b.json'],
      ['out/41b.json', 'out/41c.json'],
      ['id: save_45', 'id: save_45x'],
      ['id: save_45x', 'id: save_45'],
      ['connections:', 'parameters:\n  save_51: {indent: 4}\nconnections:'],
      ['save_51: {indent: 4}', 'save_51: {indent: 5}'],
      ['connections:', 'connections:\n  - {from_node: save_55, from_output: file_path, to_node: fetch_50, to_input: url, cycle: true}'],
      ['https://example.com/52', 'https://example.com/53'],
      ['  - id: save_59', '  - id: extra\n    type: JSONWriterNode\n    config: {file_path: x.json}\n  - id: save_59'],
    ] as const) {
      t = t.replace(from, to);
      const now = cached.fingerprints(docs.get('file:///f.workflow.yaml', ++version, () => t));
      assert.deepEqual(now, fingerprints(parseWorkflow(t)), `after ${from} → ${to}`);
    }
    const stale = [...staleNodes(first, second)];
    assert.ok(stale.includes('fetch_10') && stale.includes('save_59') && !stale.includes('fetch_8'), stale.join(','));
  });
});
