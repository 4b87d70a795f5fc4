// Engine overhead per node, beside the bare work the nodes do, measured in the same run.
import { implementationOf } from '../runtime/nodes/registry';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import vm from 'node:vm';
import type { RunContext } from '../runtime/catalog/types';
import { Run, type RunEnvironment } from '../runtime/engine/run';
import type { RunOptions } from '../runtime/engine/types';
import { EnvSecretProvider } from '../runtime/engine/secrets';
import { parseWorkflow } from '../runtime/model/parse';
import { JsWorker } from '../runtime/nodes/code/js-worker';
import { PythonWorker } from '../runtime/nodes/code/python-worker';
import { median, report, type Row } from './measure';

const id = (i: number) => `n${String(i).padStart(5, '0')}`;

function chain(n: number, node: (i: number) => string, port: string, input: string): string {
  const lines = ['nodes:'];
  for (let i = 0; i < n; i++) lines.push(`  - {id: ${id(i)}, ${node(i)}}`);
  lines.push('connections:');
  for (let i = 1; i < n; i++) lines.push(`  - {from: ${id(i - 1)}, from_output: ${port}, to: ${id(i)}, to_input: ${input}}`);
  return lines.join('\n');
}

function fanOut(n: number): string {
  const lines = ['nodes:', '  - {id: src, type: MergeNode, config: {data1: 1}}'];
  for (let i = 0; i < n; i++) lines.push(`  - {id: ${id(i)}, type: MergeNode}`);
  lines.push('connections:');
  for (let i = 0; i < n; i++) lines.push(`  - {from: src, from_output: merged_data, to: ${id(i)}, to_input: data1}`);
  return lines.join('\n');
}

function environment(): RunEnvironment {
  return {
    secrets: new EnvSecretProvider({}),
    env: {},
    services: () => {
      const py = new PythonWorker(process.env.KAILASH_PYTHON ?? 'python3');
      const js = new JsWorker();
      return {
        python: () => py,
        javascript: () => js,
        runWorkflow: () => Promise.reject(new Error('not in benchmarks')),
        dispose: async () => {
          await Promise.all([py.dispose(), js.dispose()]);
        },
      };
    },
  };
}

async function timeRun(text: string, runs: number, options: RunOptions = {}): Promise<number> {
  const model = parseWorkflow(text);
  const times: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const t = performance.now();
    const r = await new Run(model, { maxConcurrency: 10, ...options }, environment()).execute();
    if (r.status !== 'succeeded') throw new Error(`bench workflow failed: ${JSON.stringify(r.error)}`);
    if (i > 0) times.push(performance.now() - t);
  }
  return median(times);
}

/** The same node work without the engine: each node's run called directly, in order. */
async function bareMerge(n: number, runs: number): Promise<number> {
  const run = implementationOf('MergeNode')!.run;
  const ctx = {} as RunContext;
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t = performance.now();
    let v: unknown = 1;
    for (let i = 0; i < n; i++) v = (await run({ data1: v, merge_type: 'concat', skip_none: true }, ctx)).merged_data;
    times.push(performance.now() - t);
  }
  return median(times);
}

function bareJs(n: number): number {
  const script = new vm.Script('result = x + 1');
  const t = performance.now();
  let x = 0;
  for (let i = 0; i < n; i++) {
    const ctx = vm.createContext({ x });
    script.runInContext(ctx);
    x = vm.runInContext('result', ctx) as number;
  }
  return performance.now() - t;
}

/** The floor for a Python node: start python3 and do `n` JSON line round trips, no engine. */
async function barePython(n: number): Promise<number> {
  const exe = spawnSync(process.env.KAILASH_PYTHON ?? 'python3', ['-c', 'import sys; print(sys.executable)'], {
    encoding: 'utf8',
  }).stdout.trim();
  const t = performance.now();
  const child = spawn(
    exe,
    [
      '-u',
      '-c',
      'import sys, json\nfor line in sys.stdin:\n    r = json.loads(line)\n    env = {"x": r["x"]}\n    exec("result = x + 1", env)\n    print(json.dumps({"result": env["result"]}), flush=True)',
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  let x = 0;
  for (let i = 0; i < n; i++) {
    child.stdin!.write(JSON.stringify({ x }) + '\n');
    x = JSON.parse((await lines.next()).value as string).result;
  }
  const ms = performance.now() - t;
  child.kill();
  return ms;
}

const us = (ms: number, n: number) => (ms * 1000) / n;

export async function run(): Promise<void> {
  const rows: Row[] = [];
  const verdict = (v: number, goal: number) => `≤ ${goal} µs/node ${v <= goal ? 'met' : 'MISSED'}`;

  const n = 10_000;
  const chainMs = await timeRun(
    chain(n, (i) => `type: MergeNode${i === 0 ? ', config: {data1: 1}' : ''}`, 'merged_data', 'data1'),
    5,
  );
  const bareChain = await bareMerge(n, 5);
  rows.push({
    name: `10,000-node MergeNode chain: ${us(chainMs, n).toFixed(1)} µs/node`,
    value: chainMs,
    baseline: bareChain,
    baselineName: 'MergeNode run() called directly',
    goalText: verdict(us(chainMs, n), 20),
  });

  const w = 1000;
  const fanMs = await timeRun(fanOut(w), 9);
  const bareFan = await bareMerge(w + 1, 9);
  rows.push({
    name: `1,000-wide fan-out: ${us(fanMs, w + 1).toFixed(1)} µs/node`,
    value: fanMs,
    baseline: bareFan,
    baselineName: 'MergeNode run() called directly',
    goalText: verdict(us(fanMs, w + 1), 20),
  });

  const j = 1000;
  const jsMs = await timeRun(
    chain(j, (i) => `type: JavaScriptCodeNode, config: {code: "result = x + 1"${i === 0 ? ', x: 0' : ''}}`, 'result', 'x'),
    3,
  );
  rows.push({
    name: `1,000-node JavaScriptCodeNode chain: ${us(jsMs, j).toFixed(1)} µs/node`,
    value: jsMs,
    baseline: bareJs(j),
    baselineName: 'vm.runInContext in-process',
    goalText: verdict(us(jsMs, j), 100),
  });

  const p = 100;
  const pyChain = chain(p, (i) => `type: PythonCodeNode, config: {code: "${i === 0 ? 'result = 1' : 'result = x + 1'}"}`, 'result', 'x');
  const pyMs = await timeRun(pyChain, 3);
  // The same chain with each node sent alone (one round trip per node), in the same spell.
  const pyAloneMs = await timeRun(pyChain, 3, { chain: false });
  rows.push({
    name: `100-node PythonCodeNode chain: ${us(pyMs, p).toFixed(0)} µs/node`,
    value: pyMs,
    baseline: await barePython(p),
    baselineName: 'python3 start + raw JSON-line round trips',
    goalText: verdict(us(pyMs, p), 1000),
  });
  rows.push({
    name: `the same, sent to Python as one chain (engine/chains.ts)`,
    value: pyMs,
    baseline: pyAloneMs,
    baselineName: 'each node its own request (chain: false)',
  });

  report('Engine overhead (ms per run, median)', rows);
}
