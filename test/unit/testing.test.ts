import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { isSubset } from '../../runtime/testing/assertions';
import { diffLines, renderDiff } from '../../runtime/testing/diff';
import { addCase, pinOutput, redactForTest, testFileFor } from '../../runtime/testing/edit';
import { parseTestFile } from '../../runtime/testing/format';
import { junitReport } from '../../runtime/testing/reporters';
import { mergeParameters, runTestFile, type FileReport } from '../../runtime/testing/runner';

describe('test assertions', () => {
  it('subset: dicts by their expected keys, lists item by item and of the same length', () => {
    assert.equal(isSubset({ a: 1 }, { a: 1, b: 2 }), true);
    assert.equal(isSubset({ a: { b: 1 } }, { a: { b: 1, c: 2 } }), true);
    assert.equal(isSubset([{ id: 1 }], [{ id: 1, x: 2 }]), true);
    assert.equal(isSubset([{ id: 1 }], [{ id: 1 }, { id: 2 }]), false);
    assert.equal(isSubset({ a: 1 }, { a: '1' }), false);
    assert.equal(isSubset({ a: null }, {}), false);
  });

  it('diffs line by line, folding what did not change', () => {
    assert.deepEqual(
      diffLines('a\nb\nc', 'a\nx\nc').map((l) => l.op + l.text),
      [' a', '-b', '+x', ' c'],
    );
    const long = Array.from({ length: 40 }, (_, i) => `line ${i}`);
    const out = renderDiff(long.join('\n'), [...long.slice(0, 20), 'changed', ...long.slice(21)].join('\n'), false);
    assert.match(out, /^- expected {2}\+ actual\n {2}…\n {2}line 17\n/);
    assert.match(out, /- line 20\n\+ changed\n/);
    assert.equal(out.split('\n').length, 11);
    assert.match(renderDiff('a', 'b', true), /\x1b\[31m- a\x1b\[0m/);
  });

  it('JUnit text escapes markup and drops characters XML cannot hold', () => {
    const report: FileReport = {
      file: 'a<b>.workflow.test.yaml',
      text: 'x',
      invalid: [],
      durationMs: 1,
      cases: [{ name: 'a & "b"\u0001', span: [0, 1], status: 'passed', durationMs: 1, failures: [], pinned: [] }],
    };
    const xml = junitReport([report], 1);
    assert.match(xml, /name="a &amp; &quot;b&quot;\uFFFD"/);
    assert.match(xml, /testsuite name="a&lt;b&gt;\.workflow\.test\.yaml"/);
  });
});

describe('writing test files from a run', () => {
  it('names the test file after the workflow', () => {
    assert.equal(testFileFor('/p/orders.workflow.yaml'), '/p/orders.workflow.test.yaml');
    assert.equal(testFileFor('/p/orders.workflow.json'), '/p/orders.workflow.test.json');
  });

  it('masks credentials the engine did not know as secrets', () => {
    assert.deepEqual(redactForTest({ access_token: 'abc', headers: { Authorization: 'Bearer abc' }, expires_in: 300, token: { a: 1 } }), {
      access_token: '***',
      headers: { Authorization: 'Bearer ***' },
      expires_in: 300,
      token: { a: 1 },
    });
  });

  it('pins an output into an existing YAML file, keeping its comments, replacing an earlier pin', () => {
    const before = '# my tests\nworkflow: a.workflow.yaml\npins:\n  other: {x: 1}\ncases:\n  - name: one # first\n';
    const once = pinOutput(before, 'yaml', 'a.workflow.yaml', 'fetch', { status_code: 200, response: { content: [1] } });
    const twice = pinOutput(once, 'yaml', 'a.workflow.yaml', 'fetch', { status_code: 201 });
    assert.match(twice, /^# my tests\n/);
    assert.match(twice, /- name: one # first/);
    const data = parse(twice);
    assert.deepEqual(data.pins, { other: { x: 1 }, fetch: { status_code: 201 } });
    assert.deepEqual(parseTestFile(twice).diagnostics, []);
  });

  it('creates a new file with the case, and keeps case names unique', () => {
    const run = {
      pins: { fetch: { status_code: 200 } },
      nodes: { count: { status: 'succeeded' as const, output: { result: 2 } }, save: { status: 'skipped' as const } },
      status: 'succeeded' as const,
      parameters: { count: { limit: 2 } },
    };
    const first = addCase(undefined, 'yaml', 'a.workflow.yaml', 'from a run', run);
    const second = addCase(first.text, 'yaml', 'a.workflow.yaml', 'from a run', run);
    assert.equal(second.name, 'from a run (2)');
    const model = parseTestFile(second.text);
    assert.deepEqual(model.diagnostics, []);
    assert.equal(model.workflow?.value, 'a.workflow.yaml');
    assert.deepEqual(
      model.cases.map((c) => c.name.value),
      ['from a run', 'from a run (2)'],
    );
    assert.deepEqual(parse(second.text).cases[0], {
      name: 'from a run',
      parameters: { count: { limit: 2 } },
      pins: { fetch: { status_code: 200 } },
      expect: { count: { status: 'succeeded', equals: { result: 2 } }, save: { status: 'skipped' } },
    });
    const json = addCase(undefined, 'json', 'a.workflow.json', 'x', run);
    assert.deepEqual(parseTestFile(json.text, 'json').diagnostics, []);
  });
});

describe('pins in a run', () => {
  const file = join(__dirname, '..', 'fixtures', 'tests', 'inline.workflow.test.yaml');
  it('a pin with success: false fails its node as the real node would, and the run stops', async () => {
    const text = `workflow: orders.workflow.yaml
pins:
  fetch: {success: false, error: upstream said no, status_code: 503, response: null}
cases:
  - name: stops
    status: failed
    expect:
      fetch: {status: failed}
      count: {status: not-run}
`;
    const report = await runTestFile(file, text);
    assert.equal(report.cases[0]!.status, 'passed', JSON.stringify(report.cases[0]!.failures));
    assert.match(report.cases[0]!.result!.error!.message, /Node 'fetch' reported failure: upstream said no/);
    assert.deepEqual(report.cases[0]!.pinned, ['fetch']);
  });

  it('case pins override the file pins, and parameters merge node by node', async () => {
    const text = `workflow: orders.workflow.yaml
pins:
  fetch: {response: {status_code: 200, content: [{id: 1}]}, status_code: 200, success: true}
cases:
  - name: file pin
    expect:
      count: {path: result.n, equals: 1}
  - name: case pin
    pins:
      fetch: {response: {status_code: 200, content: [{id: 1}, {id: 2}, {id: 3}]}, status_code: 200, success: true}
    expect:
      count: {path: result.n, equals: 3}
`;
    const report = await runTestFile(file, text);
    assert.deepEqual(
      report.cases.map((c) => [c.name, c.status]),
      [
        ['file pin', 'passed'],
        ['case pin', 'passed'],
      ],
    );
    const merged = mergeParameters({ a: { x: 1, y: 2 }, g: 1 }, undefined, { a: { y: 3 }, g: 2 });
    assert.deepEqual({ ...merged, a: { ...(merged.a as object) } }, { a: { x: 1, y: 3 }, g: 2 });
  });
});
