import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kailashWf } from '../support/cli-process';

describe('kailash-wf test on examples/', () => {
  it('passes with no server running, every example covered', async () => {
    const r = await kailashWf(['test', 'examples/'], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, / 0 failed in /);
    for (const f of readdirSync('examples').filter((x) => x.endsWith('.workflow.yaml')))
      assert.match(r.out, new RegExp(`^examples/${f.replace('.workflow.yaml', '.workflow.test.yaml').replace(/\./g, '\\.')}$`, 'm'), f);
  });
});

describe('kailash-wf test: failures, pins, reporters', () => {
  let dir: string;
  let server: Server;
  let hits = 0;
  let url = '';
  before(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify([{ id: 'live-1' }]));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/orders`;
    dir = mkdtempSync(join(tmpdir(), 'kwf-test-'));
    writeFileSync(
      join(dir, 'orders.workflow.yaml'),
      `nodes:
  - id: fetch
    type: HTTPRequestNode
    config: {url: "\${env:ORDERS_URL}", response_format: json}
  - id: count
    type: PythonCodeNode
    config:
      code: |
        result = {"n": len(orders), "ids": [o["id"] for o in orders]}
connections:
  - {from_node: fetch, from_output: response.content, to_node: count, to_input: orders}
`,
    );
    const pinned = `pins:
  fetch:
    response: {status_code: 200, headers: {}, content: [{id: a}, {id: b}]}
    status_code: 200
    success: true
`;
    writeFileSync(
      join(dir, 'pass.workflow.test.yaml'),
      `workflow: orders.workflow.yaml\n${pinned}cases:\n  - name: pinned\n    expect:\n      count: {path: result, equals: {n: 2, ids: [a, b]}}\n`,
    );
    writeFileSync(
      join(dir, 'fail.workflow.test.yaml'),
      `workflow: orders.workflow.yaml\n${pinned}cases:\n  - name: wrong count\n    expect:\n      count: {path: result, equals: {n: 3, ids: [a, b]}}\n  - name: right count\n    expect:\n      count: {path: result.n, equals: 2}\n`,
    );
    writeFileSync(
      join(dir, 'live.workflow.test.yaml'),
      `workflow: orders.workflow.yaml\nenv: {ORDERS_URL: "${url}"}\ncases:\n  - name: unpinned\n    expect:\n      count: {path: result.ids, equals: [live-1]}\n`,
    );
    writeFileSync(
      join(dir, 'invalid.workflow.test.yaml'),
      `workflow: orders.workflow.yaml\ncases:\n  - name: x\n    expect:\n      cuont: {status: succeeded}\n`,
    );
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await new Promise((r) => server.close(r));
  });

  it('a pinned node is not run: its server sees no request, and the pin reaches downstream nodes', async () => {
    // The URL points at a live server that counts requests; the pinned case must not reach it.
    const r = await kailashWf(['test', join(dir, 'pass.workflow.test.yaml')], { env: { ORDERS_URL: url } });
    assert.equal(r.code, 0, r.out + r.err);
    assert.equal(hits, 0);
    const live = await kailashWf(['test', join(dir, 'live.workflow.test.yaml')]);
    assert.equal(live.code, 0, live.out + live.err);
    assert.equal(hits, 1, 'the unpinned case calls the server (the count above is real)');
  });

  it('a failing assertion exits 1 with a diff of expected and actual, other cases still pass', async () => {
    const r = await kailashWf(['test', join(dir, 'fail.workflow.test.yaml')], { env: { ORDERS_URL: url } });
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /✗ wrong count/);
    assert.match(r.out, /✓ right count/);
    assert.match(r.out, /count\.result does not equal the expected value\.\s+\(.*fail\.workflow\.test\.yaml:10:\d+\)/);
    assert.match(r.out, /^\s+- {3}"n": 3,$/m);
    assert.match(r.out, /^\s+\+ {3}"n": 2,$/m);
    assert.doesNotMatch(r.out, /\x1b\[/, 'no colour when stdout is not a terminal');
    const coloured = await kailashWf(['test', join(dir, 'fail.workflow.test.yaml'), '--color'], { env: { ORDERS_URL: url } });
    assert.match(coloured.out, /\x1b\[31m- {3}"n": 3,/);
  });

  it('JUnit and TAP reporters for CI', async () => {
    const files = [join(dir, 'fail.workflow.test.yaml'), join(dir, 'pass.workflow.test.yaml')];
    const junit = await kailashWf(['test', ...files, '--reporter', 'junit'], { env: { ORDERS_URL: url } });
    assert.equal(junit.code, 1);
    assert.match(
      junit.out,
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="kailash-wf test" tests="3" failures="1" errors="0"/,
    );
    assert.match(junit.out, /<testcase name="wrong count"[^>]*>\n\s+<failure message="count.result does not equal the expected value.">/);
    assert.match(junit.out, /&quot;n&quot;: 3/);
    const tap = await kailashWf(['test', ...files, '--reporter', 'tap'], { env: { ORDERS_URL: url } });
    assert.equal(tap.code, 1);
    assert.match(tap.out, /^TAP version 13\n1\.\.3\nnot ok 1 - .*fail\.workflow\.test\.yaml > wrong count\n {2}---\n/);
    assert.match(tap.out, /^ok 2 - .* > right count$/m);
    assert.match(tap.out, /^ok 3 - .* > pinned$/m);
  });

  it('exits 2 on an invalid test file, no test files, or a bad reporter', async () => {
    const invalid = await kailashWf(['test', join(dir, 'invalid.workflow.test.yaml')]);
    assert.equal(invalid.code, 2);
    assert.match(invalid.out, /error \[unknown-test-node\] Expectation: the workflow has no node 'cuont' \(did you mean 'count'\?\)/);
    const none = await kailashWf(['test', join(dir, 'orders.workflow.yaml')]);
    assert.equal(none.code, 2);
    assert.match(none.err, /is not a test file/);
    const reporter = await kailashWf(['test', dir, '--reporter', 'xunit']);
    assert.equal(reporter.code, 2);
    assert.match(reporter.err, /unknown reporter 'xunit' \(text, junit, tap\)/);
  });
});
