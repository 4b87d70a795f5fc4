import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fingerprints, staleNodes } from '../../client/editor/fingerprints';
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
