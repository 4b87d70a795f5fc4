// LocalRuntime.warmPython: the CLI starts Python while it reads a big file. The run in that folder
// takes the started process; any other run starts its own; nothing outlives dispose().
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LocalRuntime } from '../../runtime/engine/local';
import { parseWorkflow } from '../../runtime/model/parse';
import { childPids } from '../support/run';

const WHO = `nodes:
  - {id: who, type: PythonCodeNode, config: {sandbox_mode: trusted, code: "import os\\nresult = [os.getpid(), os.getcwd()]"}}
  - {id: next, type: PythonCodeNode, config: {code: "result = x[0]"}}
connections:
  - {from: who, from_output: result, to: next, to_input: x}
`;
const folder = () => realpathSync(mkdtempSync(join(tmpdir(), 'kwf-warm-')));

describe('LocalRuntime.warmPython', () => {
  it('starts the interpreter before the run, and the run in that folder uses it', async () => {
    const dir = folder();
    const rt = new LocalRuntime({ env: {} });
    const before = childPids();
    await rt.warmPython(dir);
    const started = childPids().filter((p) => !before.includes(p));
    assert.equal(started.length, 1, 'one process, started before any run');
    const r = await rt.execute(parseWorkflow(WHO), { baseDir: dir });
    assert.equal(r.status, 'succeeded', JSON.stringify(r.error));
    assert.deepEqual(r.results.who, { result: [started[0], dir] });
    assert.deepEqual(r.results.next, { result: started[0] });
    await rt.dispose();
    assert.deepEqual(
      childPids().filter((p) => !before.includes(p)),
      [],
    );
  });

  it('a run in another folder starts its own Python; dispose() stops the one never taken', async () => {
    const warmed = folder();
    const other = folder();
    const rt = new LocalRuntime({ env: {} });
    const before = childPids();
    await rt.warmPython(warmed);
    const spare = childPids().filter((p) => !before.includes(p));
    const r = await rt.execute(parseWorkflow(WHO), { baseDir: other });
    const [pid, cwd] = (r.results.who as { result: [number, string] }).result;
    assert.equal(cwd, other);
    assert.notEqual(pid, spare[0]);
    assert.deepEqual(
      childPids().filter((p) => !before.includes(p)),
      spare,
      'the run stopped its own; the spare waits',
    );
    await rt.dispose();
    assert.deepEqual(
      childPids().filter((p) => !before.includes(p)),
      [],
    );
  });

  it('a warmed Python that cannot start fails the node as an unwarmed one does', async () => {
    const dir = folder();
    const rt = new LocalRuntime({ env: {}, pythonPath: '/nonexistent/python3' });
    await rt.warmPython(dir);
    const r = await rt.execute(parseWorkflow('nodes:\n  - {id: p, type: PythonCodeNode, config: {code: "result = 1"}}\n'), {
      baseDir: dir,
    });
    assert.equal(r.nodes.p!.error?.type, 'PythonNotFoundError');
    await rt.dispose();
  });

  it('after a timeout, the next node runs in a fresh interpreter (found behind the command)', { timeout: 30_000 }, async () => {
    const rt = new LocalRuntime({ env: {} });
    const r = await rt.execute(
      parseWorkflow(`nodes:
  - {id: slow, type: PythonCodeNode, config: {code: "import time\\ntime.sleep(30)\\nresult = 1"}, timeout: 0.5, on_error: continue}
  - {id: after, type: PythonCodeNode, config: {sandbox_mode: trusted, code: "import os, sys\\nresult = [os.getpid(), sys.executable]"}}
`),
      { baseDir: folder() },
    );
    await rt.dispose();
    assert.equal(r.nodes.slow!.error?.type, 'TimeoutError');
    assert.equal(r.nodes.after!.status, 'succeeded', JSON.stringify(r.nodes.after!.error));
    const [, exe] = (r.results.after as { result: [number, string] }).result;
    assert.ok(exe.length > 0 && exe !== 'python3', exe);
  });
});
