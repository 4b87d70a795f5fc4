// The `kailash` debug adapter driven through DAP messages, as VS Code drives it, over real runs.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { KailashDebugSession, type DebugHost } from '../../client/debug/session';
import { hitMatches } from '../../client/debug/breakpoints';
import { dottedToIndex } from '../../client/debug/expressions';
import { LocalRuntime } from '../../runtime/engine/local';
import type { RunResult } from '../../runtime/engine/types';
import { DapClient } from '../support/dap-client';

const SECRET = 'tok-very-secret-123';
const dir = mkdtempSync(join(tmpdir(), 'kwf-debug-'));
const MAIN = join(dir, 'main.workflow.yaml');
const INNER = join(dir, 'inner.workflow.yaml');
const MAIN_TEXT = `name: debug-demo
nodes:
  - id: start
    type: JavaScriptCodeNode
    config:
      code: "result = {count: 2, name: 'Ada'}"
  - id: greet
    type: JavaScriptCodeNode
    config:
      code: "result = 'Hello ' + name + ' x' + times + (token.length > 0 ? '' : '?')"
      token: "\${secret:TOKEN}"
  - id: sub
    type: WorkflowNode
    config:
      workflow_path: inner.workflow.yaml
      input_mapping: {text: {node: shout, parameter: text}}
connections:
  - {from_node: start, from_output: result.name, to_node: greet, to_input: name}
  - {from_node: start, from_output: result.count, to_node: greet, to_input: times}
  - {from_node: greet, from_output: result, to_node: sub, to_input: text}
`;
writeFileSync(MAIN, MAIN_TEXT);
writeFileSync(
  INNER,
  `name: inner
nodes:
  - id: shout
    type: JavaScriptCodeNode
    config:
      code: "result = text.toUpperCase()"
  - id: tail
    type: JavaScriptCodeNode
    config:
      code: "result = value + '.'"
connections:
  - {from_node: shout, from_output: result, to_node: tail, to_input: value}
`,
);

/** 1-based line of the first line of `file` that contains `needle`. */
function lineOf(file: string, needle: string): number {
  return (
    readFileSync(file, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(needle)) + 1
  );
}

function session() {
  const results: (RunResult | { invalid: string })[] = [];
  const started: { runId: string; file: string; label: string; cancel: () => void }[] = [];
  /** What the run panel is told: the path of the node held, or null when the run goes on. */
  const paused: (string[] | null)[] = [];
  const host: DebugHost = {
    runPaused: (_id, node, callers) => paused.push(node === undefined ? null : [...(callers ?? []), node]),
    runtime: () => new LocalRuntime({ secrets: { get: async (n) => (n === 'TOKEN' ? SECRET : undefined) }, env: {} }),
    runStarted: (r) => started.push(r),
    runEnded: (_id, outcome) => results.push(outcome),
  };
  const adapter = new KailashDebugSession(host);
  return { dap: new DapClient(adapter), results, started, paused };
}

const finished = (r: RunResult | { invalid: string } | undefined): RunResult => {
  assert.ok(r && !('invalid' in r), `the run ended: ${JSON.stringify(r)}`);
  return r;
};

describe('debug adapter', () => {
  it('binds a breakpoint anywhere in a node to that node, stops before it, and shows its inputs with the secret redacted', async () => {
    const { dap } = session();
    const [bound] = await dap.launch({ program: MAIN }, [
      { path: MAIN, breakpoints: [{ line: lineOf(MAIN, 'token:') }, { line: lineOf(MAIN, 'nodes:') }] },
    ]);
    assert.equal(bound![0]!.verified, true);
    assert.equal(bound![0]!.line, lineOf(MAIN, 'id: greet'), 'moved to the node’s first line');
    assert.equal(bound![1]!.verified, false);
    const stopped = await dap.stopped();
    assert.equal(stopped.body.reason, 'breakpoint');
    assert.deepEqual(stopped.body.hitBreakpointIds, [bound![0]!.id]);
    const [frame] = await dap.stack();
    assert.equal(frame!.name, 'greet · JavaScriptCodeNode');
    assert.equal(frame!.line, lineOf(MAIN, 'id: greet'));
    assert.equal(frame!.source!.path, MAIN);
    const scopes = await dap.scopes();
    assert.equal(scopes.Inputs!.vars.name, '"Ada"');
    assert.equal(scopes.Inputs!.vars.times, '2');
    assert.equal(scopes.Inputs!.vars.token, '"***"');
    assert.match(scopes.Config!.vars.code!, /Hello/);
    assert.deepEqual(Object.keys(scopes.Outputs!.vars), ['start']);
    assert.equal(await dap.evaluate('token'), '"***"');
    await dap.request('disconnect', { terminateDebuggee: true });
    assert.ok(!dap.sent.some((m) => m.includes(SECRET)), 'no message carries the secret');
  });

  it('an edited input is what the node runs with, to the end of the run', async () => {
    const { dap, results } = session();
    await dap.launch({ program: MAIN }, [{ path: MAIN, breakpoints: [{ line: lineOf(MAIN, 'id: greet') }] }]);
    await dap.stopped();
    const scopes = await dap.scopes();
    const set = await dap.request<DebugProtocol.SetVariableResponse>('setVariable', {
      variablesReference: scopes.Inputs!.ref,
      name: 'name',
      value: 'Grace',
    });
    assert.equal(set.body.value, '"Grace"');
    await dap.request('setVariable', { variablesReference: scopes.Inputs!.ref, name: 'times', value: '7' });
    assert.equal((await dap.scopes()).Inputs!.vars.name, '"Grace"');
    await dap.request('continue', { threadId: 1 });
    await dap.event('terminated');
    const result = finished(results[0]);
    assert.equal(result.status, 'succeeded');
    assert.equal(result.results.greet!.result, 'Hello Grace x7');
    assert.equal(result.results.sub!.tail_result, 'HELLO GRACE X7.');
    await assert.rejects(
      dap.request('setVariable', { variablesReference: scopes.Inputs!.ref, name: 'name', value: 'x' }),
      /inputs of the node about to run/,
    );
  });

  it('steps over to the next node in order, into a WorkflowNode’s sub-workflow (call stack of 2) and out', async () => {
    const { dap, results } = session();
    await dap.launch({ program: MAIN }, [{ path: MAIN, breakpoints: [{ line: lineOf(MAIN, 'id: start') }] }]);
    await dap.stopped();
    assert.equal((await dap.stack())[0]!.name, 'start · JavaScriptCodeNode');
    await dap.request('next', { threadId: 1 });
    assert.equal((await dap.stopped()).body.reason, 'step');
    assert.equal((await dap.stack())[0]!.name, 'greet · JavaScriptCodeNode');
    assert.equal((await dap.scopes()).Outputs!.vars.start, '{"result":{"count":2,"name":"Ada"}}');
    await dap.request('next', { threadId: 1 });
    await dap.stopped();
    assert.equal((await dap.stack())[0]!.name, 'sub · WorkflowNode');
    await dap.request('stepIn', { threadId: 1 });
    await dap.stopped();
    const stack = await dap.stack();
    assert.deepEqual(
      stack.map((f) => [f.name, f.source?.path, f.line]),
      [
        ['shout · JavaScriptCodeNode', INNER, lineOf(INNER, 'id: shout')],
        ['sub · WorkflowNode', MAIN, lineOf(MAIN, 'id: sub')],
      ],
    );
    assert.equal((await dap.scopes()).Inputs!.vars.text, '"Hello Ada x2"');
    // The WorkflowNode's frame shows what it runs with.
    assert.match((await dap.scopes(stack[1]!.id))['Inputs (as it ran)']!.vars.text!, /Hello Ada x2/);
    await dap.request('next', { threadId: 1 });
    await dap.stopped();
    assert.equal((await dap.stack())[0]!.name, 'tail · JavaScriptCodeNode');
    await dap.request('stepOut', { threadId: 1 });
    await dap.event('terminated');
    assert.equal(finished(results[0]).results.sub!.tail_result, 'HELLO ADA X2.');
  });

  it('a breakpoint in the sub-workflow’s file stops there, and the run panel is told the node held and when it goes on', async () => {
    const { dap, paused, started } = session();
    await dap.launch({ program: MAIN }, [{ path: INNER, breakpoints: [{ line: lineOf(INNER, 'result = value') }] }]);
    await dap.stopped();
    assert.deepEqual(
      (await dap.stack()).map((f) => f.name),
      ['tail · JavaScriptCodeNode', 'sub · WorkflowNode'],
    );
    assert.deepEqual(paused, [['sub', 'tail']]);
    assert.equal(started.length, 1);
    await dap.request('continue', { threadId: 1 });
    await dap.event('terminated');
    assert.deepEqual(paused, [['sub', 'tail'], null]);
    await dap.request('disconnect', {});
  });

  it('stops on a conditional breakpoint only when its expression over the inputs holds', async () => {
    const { dap, results } = session();
    const [bound] = await dap.launch({ program: MAIN }, [
      {
        path: MAIN,
        breakpoints: [
          { line: lineOf(MAIN, 'id: greet'), condition: 'times > 5' },
          { line: lineOf(MAIN, 'id: sub'), condition: "text == 'Hello Ada x2' and len(results) == 2" },
          { line: lineOf(MAIN, 'id: start'), condition: 'times >' },
        ],
      },
    ]);
    assert.equal(bound![2]!.verified, false);
    assert.match(bound![2]!.message!, /Condition/);
    await dap.stopped();
    assert.equal((await dap.stack())[0]!.name, 'sub · WorkflowNode');
    await dap.request('continue', { threadId: 1 });
    await dap.event('terminated');
    assert.equal(finished(results[0]).status, 'succeeded');
  });

  it('prints logpoints with {expression} values to the Debug Console and does not stop', async () => {
    const { dap, results } = session();
    await dap.launch({ program: MAIN }, [
      {
        path: MAIN,
        breakpoints: [
          { line: lineOf(MAIN, 'id: greet'), logMessage: 'greeting {name} ×{times + 1} with {token} {{literal}} {start.result}' },
        ],
      },
    ]);
    const exited = await dap.event<DebugProtocol.ExitedEvent>('exited');
    assert.equal(exited.body.exitCode, 0);
    assert.match(dap.output, /greeting Ada ×3 with \*\*\* \{literal\} \{"count":2,"name":"Ada"\}/);
    assert.equal(finished(results[0]).status, 'succeeded');
  });

  it('evaluates expressions over inputs and outputs in the Debug Console, with dotted paths', async () => {
    const { dap } = session();
    await dap.launch({ program: MAIN }, [{ path: MAIN, breakpoints: [{ line: lineOf(MAIN, 'id: greet') }] }]);
    await dap.stopped();
    assert.equal(await dap.evaluate('start.result.name'), '"Ada"');
    assert.equal(await dap.evaluate('times * 2 + start.result.count'), '6');
    assert.equal(await dap.evaluate("results['start']['result']['count'] == 2"), 'true');
    assert.equal(await dap.evaluate("inputs['token'] + '/' + name"), '"***/Ada"');
    await assert.rejects(dap.evaluate('nosuch + 1'), /name 'nosuch' is not defined/);
    await dap.request('disconnect', {});
  });

  it('Restart Frame runs the node again with the cached upstream outputs and the file as it is now', async () => {
    const { dap, results, started } = session();
    await dap.launch({ program: MAIN }, [{ path: MAIN, breakpoints: [{ line: lineOf(MAIN, 'id: greet') }] }]);
    await dap.stopped();
    writeFileSync(MAIN, MAIN_TEXT.replace("'Hello '", "'Hi '"));
    try {
      const [frame] = await dap.stack();
      await dap.request('restartFrame', { frameId: frame!.id });
      assert.equal((await dap.stopped()).body.reason, 'restart');
      assert.equal((await dap.stack())[0]!.name, 'greet · JavaScriptCodeNode');
      assert.equal(started.length, 2);
      assert.equal(finished(results[0]).status, 'cancelled');
      await dap.request('continue', { threadId: 1 });
      await dap.event('terminated');
      const result = finished(results[1]);
      assert.equal(result.nodes.start!.reused, true);
      assert.notEqual(result.nodes.greet!.reused, true);
      assert.equal(result.results.sub!.tail_result, 'HI ADA X2.');
    } finally {
      writeFileSync(MAIN, MAIN_TEXT);
    }
  });

  it('Restart Frame inside a sub-workflow runs its WorkflowNode again and stops at the same inner node', async () => {
    const { dap, results } = session();
    await dap.launch({ program: MAIN }, [{ path: INNER, breakpoints: [{ line: lineOf(INNER, 'id: tail') }] }]);
    await dap.stopped();
    const [frame] = await dap.stack();
    await dap.request('restartFrame', { frameId: frame!.id });
    assert.equal((await dap.stopped()).body.reason, 'restart');
    assert.deepEqual(
      (await dap.stack()).map((f) => f.name),
      ['tail · JavaScriptCodeNode', 'sub · WorkflowNode'],
    );
    await dap.request('continue', { threadId: 1 });
    await dap.event('terminated');
    const result = finished(results[1]);
    assert.equal(result.nodes.start!.reused, true);
    assert.equal(result.nodes.greet!.reused, true);
    assert.equal(result.results.sub!.tail_result, 'HELLO ADA X2.');
  });

  it('Restart runs the workflow again from the start and stops on the same breakpoint', async () => {
    const { dap, started, results } = session();
    await dap.launch({ program: MAIN }, [{ path: MAIN, breakpoints: [{ line: lineOf(MAIN, 'id: start') }] }]);
    await dap.stopped();
    await dap.request('restart', {});
    await dap.stopped();
    assert.equal(started.length, 2);
    assert.equal(finished(results[0]).status, 'cancelled');
    assert.equal((await dap.stack())[0]!.name, 'start · JavaScriptCodeNode');
    await dap.request('disconnect', {});
    assert.equal(finished(results[1]).status, 'cancelled');
  });

  it('stops on entry when asked, and refuses to launch an invalid workflow', async () => {
    const { dap } = session();
    await dap.launch({ program: MAIN, stopOnEntry: true });
    assert.equal((await dap.stopped()).body.reason, 'entry');
    assert.equal((await dap.stack())[0]!.name, 'start · JavaScriptCodeNode');
    await dap.request('disconnect', {});
    const bad = join(dir, 'bad.workflow.yaml');
    writeFileSync(bad, 'nodes:\n  - id: a\n    type: NoSuchNode\n');
    const other = session();
    await other.dap.request('initialize', { adapterID: 'kailash', pathFormat: 'path' });
    await assert.rejects(other.dap.request('launch', { program: bad }), /bad\.workflow\.yaml: The workflow has 1 error/);
  });

  it('disconnect cancels the run and kills its Python worker', async () => {
    const file = join(dir, 'nap.workflow.yaml');
    const pidFile = join(dir, 'nap.pid');
    // The worker says it is up by renaming its pid file into place (print output arrives only with the result).
    writeFileSync(
      file,
      `nodes:\n  - id: nap\n    type: PythonCodeNode\n    config: {code: "import os, time\\nopen('nap.tmp', 'w').write(str(os.getpid()))\\nos.rename('nap.tmp', 'nap.pid')\\ntime.sleep(60)\\nresult = 1"}\n`,
    );
    const watcher = watch(dir);
    const up = new Promise<void>((resolve) => watcher.on('change', (_t, name) => name === 'nap.pid' && existsSync(pidFile) && resolve()));
    const { dap, results } = session();
    await dap.launch({ program: file });
    await up;
    watcher.close();
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.doesNotThrow(() => process.kill(pid, 0), 'the worker runs');
    await dap.request('disconnect', { terminateDebuggee: true });
    assert.equal(finished(results[0]).status, 'cancelled');
    assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the worker is gone');
  });

  it('a hit count stops on the nth pass of a node on a cycle', async () => {
    const file = join(dir, 'loop.workflow.yaml');
    writeFileSync(
      file,
      `name: loop
nodes:
  - id: count
    type: JavaScriptCodeNode
    config:
      code: "result = n + 1"
      n: 0
connections:
  - {from_node: count, from_output: result, to_node: count, to_input: n, cycle: true, max_iterations: 5}
`,
    );
    const { dap, results } = session();
    await dap.launch({ program: file }, [{ path: file, breakpoints: [{ line: lineOf(file, 'n: 0'), hitCondition: '3' }] }]);
    await dap.stopped();
    assert.equal((await dap.stack())[0]!.name, 'count · JavaScriptCodeNode · pass 3');
    assert.equal((await dap.scopes()).Inputs!.vars.n, '2');
    await dap.request('continue', { threadId: 1 });
    await dap.event('terminated');
    assert.equal(finished(results[0]).results.count!.result, 5);
  });

  it('a run cancelled from outside (the run panel) ends the session, even while paused', async () => {
    const { dap, results, started } = session();
    await dap.launch({ program: MAIN }, [{ path: MAIN, breakpoints: [{ line: lineOf(MAIN, 'id: greet') }] }]);
    await dap.stopped();
    started[0]!.cancel();
    const exited = await dap.event<DebugProtocol.ExitedEvent>('exited');
    assert.equal(exited.body.exitCode, 1);
    await dap.event('terminated');
    assert.equal(finished(results[0]).status, 'cancelled');
    assert.equal(finished(results[0]).nodes.greet!.status, 'cancelled');
  });

  it('debugs a test case: its pins stand in for nodes, breakpoints stop, and its assertions come back when the run ends', async () => {
    const TEST = join(dir, 'main.workflow.test.yaml');
    const TEST_TEXT = `workflow: main.workflow.yaml
pins:
  start: {result: {count: 3, name: Pin}}
cases:
  - name: greets the pinned name
    expect:
      greet: {path: result, equals: Hello Pin x3}
  - name: expects another name
    expect:
      greet: {path: result, equals: Hello Ada x3}
`;
    writeFileSync(TEST, TEST_TEXT);
    const { dap, results } = session();
    await dap.launch({ test: { file: TEST, case: 'greets the pinned name' } }, [
      { path: MAIN, breakpoints: [{ line: lineOf(MAIN, 'id: greet') }] },
    ]);
    await dap.stopped();
    const scopes = await dap.scopes();
    assert.equal(scopes.Inputs!.vars.name, '"Pin"', 'the pinned output fed the node');
    await dap.request('continue', { threadId: 1 });
    const passed = await dap.event<DebugProtocol.Event>('kailashTestCase');
    assert.equal(passed.body.status, 'passed');
    assert.deepEqual(passed.body.pinned, ['start']);
    assert.equal(passed.body.result, undefined, 'the run record stays out of the event');
    await dap.event('terminated');
    assert.equal(finished(results[0]).nodes.start!.reused, true);

    // Unsaved text wins over the file, and a failing assertion comes back with its diff texts.
    const second = session();
    await second.dap.launch({ test: { file: TEST, case: 'expects another name', text: TEST_TEXT.replace('Pin}', 'Ada}') } });
    const ok = await second.dap.event<DebugProtocol.Event>('kailashTestCase');
    assert.equal(ok.body.status, 'passed');
    const third = session();
    await third.dap.launch({ test: { file: TEST, case: 'expects another name' } });
    const failed = await third.dap.event<DebugProtocol.Event>('kailashTestCase');
    assert.equal(failed.body.status, 'failed');
    assert.equal(failed.body.failures[0].expected, '"Hello Ada x3"');
    assert.equal(failed.body.failures[0].actual, '"Hello Pin x3"');
    await third.dap.event('terminated');

    const missing = session();
    await assert.rejects(missing.dap.launch({ test: { file: TEST, case: 'no such case' } }), /no case named "no such case"/);
  });

  it('hit counts and dotted paths', () => {
    assert.equal(hitMatches('3', 3), true);
    assert.equal(hitMatches('3', 4), false);
    assert.equal(hitMatches('>= 2', 2), true);
    assert.equal(hitMatches('%2', 4), true);
    assert.equal(hitMatches('%2', 3), false);
    assert.throws(() => hitMatches('often', 1), /hit count/);
    assert.equal(dottedToIndex('fetch.response.status_code == 200'), "fetch['response']['status_code'] == 200");
    assert.equal(dottedToIndex("x['a'].b + 1.5 - 'a.b'"), "x['a']['b'] + 1.5 - 'a.b'");
  });
});
