import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CodeChainOptions, CodeChainStep } from '../../runtime/catalog/types';
import type { RunEvent, RunOptions } from '../../runtime/engine/types';
import { PythonWorker } from '../../runtime/nodes/code/python-worker';
import { runYaml } from '../support/run';

// A chain of PythonCodeNodes goes to the worker as one request (runtime/engine/chains.ts); every
// case here runs the same workflow with chaining switched off too, and the two must agree.

type Run = Awaited<ReturnType<typeof runYaml>>;

/** What a run reports, without what differs by timing: durations, times, ids. */
function observable(r: Run) {
  const nodes = Object.fromEntries(Object.entries(r.nodes).map(([id, n]) => [id, { ...n, durationMs: 0 }]));
  const events = r.events.map((e) => {
    const { runId: _r, time: _t, ...rest } = e as RunEvent & Record<string, unknown>;
    if ('record' in rest) rest.record = { ...(rest.record as object), durationMs: 0 };
    if (rest.type === 'run-end') return { type: 'run-end', status: (rest as unknown as { result: { status: string } }).result.status };
    return rest;
  });
  return { status: r.status, error: r.error, results: r.results, nodes, events };
}

/** Runs `yaml` chained and unchained; asserts they report the same; returns the chained run. */
async function both(yaml: string, options: RunOptions = {}): Promise<Run> {
  const chained = await runYaml(yaml, options);
  const alone = await runYaml(yaml, { ...options, chain: false });
  assert.deepEqual(observable(chained), observable(alone));
  return chained;
}

const statuses = (r: Run) => Object.fromEntries(Object.entries(r.nodes).map(([id, n]) => [id, n.status]));

describe('PythonCodeNode chains', { timeout: 60_000 }, () => {
  it('run as one request: the next node gets the very object the node before returned', async () => {
    // Trusted code can keep a reference where the next node finds it: only within one request is it the same object.
    const yaml = `nodes:
  - {id: a, type: PythonCodeNode, config: {sandbox_mode: trusted, code: "import builtins\\nresult = [1]\\nbuiltins.kept = result"}}
  - {id: b, type: PythonCodeNode, config: {sandbox_mode: trusted, code: "import builtins\\nresult = x is builtins.kept"}}
connections:
  - {from: a, from_output: result, to: b, to_input: x}
`;
    assert.deepEqual((await runYaml(yaml)).results.b, { result: true });
    assert.deepEqual((await runYaml(yaml, { chain: false })).results.b, { result: false });
  });

  it('give the same results, records and events as nodes run alone', async () => {
    const r = await both(
      `nodes:
  - {id: src, type: JavaScriptCodeNode, config: {code: "result = {n: 1, name: 'x'}"}}
  - {id: p1, type: PythonCodeNode, config: {code: "print('p1 got', x)\\nresult = x['n'] + 1"}}
  - {id: p2, type: PythonCodeNode, config: {code: "total = x * 10\\nlabel = 'p2'"}}
  - {id: p3, type: PythonCodeNode, config: {code: "print(t)\\nprint(l)\\nresult = {'t': t, 'l': l, 'none': None}"}}
  - {id: p4, type: PythonCodeNode, config: {code: "result = v", v: 'from config'}}
  - {id: side, type: PythonCodeNode, config: {code: "result = y"}}
  - {id: other, type: PythonCodeNode, config: {code: "result = y * 2"}}
connections:
  - {from: src, from_output: result, to: p1, to_input: x}
  - {from: p1, from_output: result, to: p2, to_input: x}
  - {from: p2, from_output: total, to: p3, to_input: t}
  - {from: p2, from_output: label, to: p3, to_input: l}
  - {from: p3, from_output: missing, to: p4, to_input: v}
  - {from: p4, from_output: result, to: side, to_input: y}
  - {from: p4, from_output: result, to: other, to_input: y}
`,
    );
    assert.equal(r.status, 'succeeded');
    assert.deepEqual(r.results.p3, { result: { t: 20, l: 'p2', none: null } });
    assert.deepEqual(r.results.p4, { result: 'from config' });
    assert.deepEqual(r.results.other, { result: 'from configfrom config' });
    assert.deepEqual(
      r.events.filter((e) => e.type === 'node-log').map((e) => [e.node, e.message]),
      [
        ['p1', "p1 got {'n': 1, 'name': 'x'}"],
        ['p3', '20'],
        ['p3', 'p2'],
      ],
    );
    const p2Start = r.events.find((e) => e.type === 'node-start' && e.node === 'p2');
    assert.deepEqual(p2Start && 'inputs' in p2Start && (p2Start.inputs as Record<string, unknown>).x, 2);
  });

  it('a node that raises in the middle: later nodes do not run, the error names the node', async () => {
    const r = await both(`nodes:
  - {id: a, type: PythonCodeNode, config: {code: "result = 1"}}
  - {id: b, type: PythonCodeNode, config: {code: "print('before')\\nraise ValueError('bad ' + str(x))"}}
  - {id: c, type: PythonCodeNode, config: {code: "result = x"}}
connections:
  - {from: a, from_output: result, to: b, to_input: x}
  - {from: b, from_output: result, to: c, to_input: x}
`);
    assert.deepEqual(statuses(r), { a: 'succeeded', b: 'failed', c: 'not-run' });
    assert.equal(r.error?.node, 'b');
    assert.match(r.nodes.b!.error!.message, /ValueError: bad 1/);
  });

  it('success: False in the middle stops the run there, as Kailash’s content-aware detection does', async () => {
    const r = await both(`nodes:
  - {id: a, type: PythonCodeNode, config: {code: "result = 1"}}
  - {id: b, type: PythonCodeNode, config: {code: "success = False\\nerror = 'nope'"}}
  - {id: c, type: PythonCodeNode, config: {code: "result = 3"}}
connections:
  - {from: a, from_output: result, to: b, to_input: x}
  - {from: b, from_output: error, to: c, to_input: x}
`);
    assert.deepEqual(statuses(r), { a: 'succeeded', b: 'failed', c: 'not-run' });
    assert.equal(r.error?.type, 'ContentAwareExecutionError');
    assert.match(r.error!.message, /Node 'b' reported failure: nope/);
  });

  it('a success only Python finds falsy ([], 0.0) does not stop the run: the rest runs in turn', async () => {
    const r = await both(`nodes:
  - {id: a, type: PythonCodeNode, config: {code: "result = 1"}}
  - {id: b, type: PythonCodeNode, config: {code: "success = []\\nvalue = x"}}
  - {id: c, type: PythonCodeNode, config: {code: "success = 0.0\\nvalue = x + 1"}}
  - {id: d, type: PythonCodeNode, config: {code: "result = x + 1"}}
connections:
  - {from: a, from_output: result, to: b, to_input: x}
  - {from: b, from_output: value, to: c, to_input: x}
  - {from: c, from_output: value, to: d, to_input: x}
`);
    assert.deepEqual(statuses(r), { a: 'succeeded', b: 'succeeded', c: 'succeeded', d: 'succeeded' });
    assert.deepEqual(r.results.d, { result: 3 });
  });

  it('outputs that are not dicts of data: a list or None as result, a set that is not JSON', async () => {
    const r = await both(`nodes:
  - {id: a, type: PythonCodeNode, config: {code: "result = [1, 2]"}}
  - {id: b, type: PythonCodeNode, config: {code: "result = None if x == [1, 2] else 0"}}
  - {id: c, type: PythonCodeNode, config: {code: "result = {x, 1}"}}
  - {id: d, type: PythonCodeNode, config: {code: "result = x"}}
connections:
  - {from: a, from_output: result, to: b, to_input: x}
  - {from: b, from_output: result, to: c, to_input: x}
  - {from: c, from_output: result, to: d, to_input: x}
`);
    assert.deepEqual(r.results.b, { result: null });
    assert.deepEqual(statuses(r), { a: 'succeeded', b: 'succeeded', c: 'failed', d: 'not-run' });
    assert.match(r.nodes.c!.error!.message, /JSON-serializable. Failed keys: \['result'\]/);
  });

  it('big ints, tuples and whole floats pass through a chain as Python values', async () => {
    const r = await both(`nodes:
  - {id: a, type: PythonCodeNode, config: {code: "result = {'big': 2 ** 70, 'two': 2.0, 'pair': (1, 'x'), 1: 'int key'}"}}
  - {id: b, type: PythonCodeNode, config: {code: "result = x"}}
  - {id: c, type: PythonCodeNode, config: {code: "result = [type(x['big']).__name__, x['big'] + 1, type(x['two']).__name__, repr(x['two']), type(x['pair']).__name__, x[1]]"}}
connections:
  - {from: a, from_output: result, to: b, to_input: x}
  - {from: b, from_output: result, to: c, to_input: x}
`);
    assert.deepEqual(r.results.c, { result: ['int', 2n ** 70n + 1n, 'float', '2.0', 'tuple', 'int key'] });
  });

  it('run parameters reach a chain node and win over its connections', async () => {
    const r = await both(
      `nodes:
  - {id: a, type: PythonCodeNode, config: {code: "result = 1"}}
  - {id: b, type: PythonCodeNode, config: {code: "result = x + y"}}
  - {id: c, type: PythonCodeNode, config: {code: "result = x"}}
connections:
  - {from: a, from_output: result, to: b, to_input: x}
  - {from: b, from_output: result, to: c, to_input: x}
`,
      { parameters: { b: { y: 10 }, c: { x: 'param' } } },
    );
    assert.deepEqual(r.results.b, { result: 11 });
    assert.deepEqual(r.results.c, { result: 'param' });
  });

  it('the default timeout limits each node of a chain, not the chain', async () => {
    const r = await both(
      `nodes:
  - {id: a, type: PythonCodeNode, config: {code: "result = 1"}}
  - {id: b, type: PythonCodeNode, config: {code: "import time\\ntime.sleep(0.6)\\nresult = x + 1"}}
  - {id: c, type: PythonCodeNode, config: {code: "import time\\ntime.sleep(0.6)\\nresult = x + 1"}}
connections:
  - {from: a, from_output: result, to: b, to_input: x}
  - {from: b, from_output: result, to: c, to_input: x}
`,
      // b and c together outlast it, each alone does not (a, which starts the worker, sleeps not).
      { defaultTimeoutMs: 1000 },
    );
    assert.deepEqual(r.results.c, { result: 3 });
  });

  it('a middle node that outlives the default timeout fails with TimeoutError; the rest do not run', async () => {
    const r = await both(
      `nodes:
  - {id: a, type: PythonCodeNode, config: {code: "result = 1"}}
  - {id: b, type: PythonCodeNode, config: {code: "import time\\ntime.sleep(30)\\nresult = x"}}
  - {id: c, type: PythonCodeNode, config: {code: "result = x"}}
connections:
  - {from: a, from_output: result, to: b, to_input: x}
  - {from: b, from_output: result, to: c, to_input: x}
`,
      // Long enough for the worker to start on a busy machine.
      { defaultTimeoutMs: 3000 },
    );
    assert.deepEqual(statuses(r), { a: 'succeeded', b: 'failed', c: 'not-run' });
    assert.equal(r.nodes.b!.error?.type, 'TimeoutError');
    assert.match(r.nodes.b!.error!.message, /Node 'b' timed out after 3 s/);
  });

  it("a node's line reaches the engine while the next node still runs, busy in Python code", async () => {
    // Each node's line goes as the node ends, so the panel sees a chain's progress and a worker
    // that dies mid-chain is blamed on the node under way: b loops until the test has seen a's
    // output, which it could not if a's line waited for b's end.
    const dir = mkdtempSync(join(tmpdir(), 'kwf-chain-'));
    const flag = join(dir, 'seen');
    const yaml = `nodes:
  - {id: a, type: PythonCodeNode, config: {code: "result = 1"}}
  - {id: b, type: PythonCodeNode, config: {sandbox_mode: trusted, code: "import os, time\\nflag = '${flag}'\\nend = time.time() + 20\\nwhile not os.path.exists(flag) and time.time() < end:\\n    pass\\nresult = os.path.exists(flag)"}}
connections:
  - {from: a, from_output: result, to: b, to_input: x}
`;
    try {
      const r = await runYaml(yaml, {
        onEvent: (e) => {
          if (e.type === 'node-output' && e.node === 'a') writeFileSync(flag, '');
        },
      });
      assert.deepEqual(r.results.b, { result: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cancelling mid-chain cancels the running node and the rest', async () => {
    const yaml = `nodes:
  - {id: a, type: PythonCodeNode, config: {code: "result = 1"}}
  - {id: b, type: PythonCodeNode, config: {code: "import time\\ntime.sleep(30)\\nresult = x"}}
  - {id: c, type: PythonCodeNode, config: {code: "result = x"}}
connections:
  - {from: a, from_output: result, to: b, to_input: x}
  - {from: b, from_output: result, to: c, to_input: x}
`;
    const cancelled = async (chain: boolean) => {
      const controller = new AbortController();
      return runYaml(yaml, {
        chain,
        signal: controller.signal,
        // b is running once it is announced: cancel then.
        onEvent: (e) => {
          if (e.type === 'node-start' && e.node === 'b') controller.abort();
        },
      });
    };
    const chained = await cancelled(true);
    const alone = await cancelled(false);
    assert.deepEqual(observable(chained), observable(alone));
    assert.equal(chained.status, 'cancelled');
    assert.deepEqual(statuses(chained), { a: 'succeeded', b: 'cancelled', c: 'cancelled' });
  });
});

describe('the Python worker after a chain it gave up on', { timeout: 60_000 }, () => {
  // What the worker keeps per request (its token, where a chain's lines go) must go when the
  // request ends by a timeout or a cancel too, not only by a reply: a long-lived worker (the
  // editor's, `kailash-wf worker`) sees thousands of runs.
  const step = (node: string, code: string): CodeChainStep => ({
    node,
    code,
    inputs: {},
    sandbox: 'restricted',
    validateSecurity: false,
    connections: [],
    fixed: [],
  });
  const kept = (w: PythonWorker) => {
    const inside = w as unknown as { tokens: Map<number, string>; chains: Map<number, unknown> };
    return { tokens: inside.tokens.size, chains: inside.chains.size };
  };

  it('keeps nothing for a chain that timed out or was cancelled, and runs the next one', async () => {
    const w = new PythonWorker(process.env.KAILASH_PYTHON ?? 'python3');
    try {
      const steps: number[] = [];
      const options = (signal: AbortSignal, timeoutMs?: number): CodeChainOptions => ({
        signal,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        onStep: (i) => steps.push(i),
        log: () => {},
      });
      await assert.rejects(
        w.runChain([step('slow', 'import time\ntime.sleep(30)')], options(new AbortController().signal, 3000)),
        /timed out/,
      );
      assert.deepEqual(kept(w), { tokens: 0, chains: 0 });
      const controller = new AbortController();
      const cancelled = w.runChain([step('a', 'result = 1'), step('slow', 'import time\ntime.sleep(30)')], {
        ...options(controller.signal),
        onStep: (i) => {
          steps.push(i);
          if (i === 0) controller.abort(new Error('cancelled by the user'));
        },
      });
      await assert.rejects(cancelled, /cancelled by the user/);
      assert.deepEqual(kept(w), { tokens: 0, chains: 0 });
      steps.length = 0;
      await w.runChain([step('a', 'result = 1'), step('b', 'result = 2')], options(new AbortController().signal));
      assert.deepEqual(steps, [0, 1]);
      assert.deepEqual(kept(w), { tokens: 0, chains: 0 });
    } finally {
      await w.dispose();
    }
  });
});
