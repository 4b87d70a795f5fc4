// Ours beside the Kailash Python SDK on the same workflow files: a PythonCodeNode chain run as a
// user runs it (one whole process each: `kailash-wf run` vs a script calling LocalRuntime).
// Needs the SDK (scripts/oracle/README.md): KAILASH_SDK_SRC is the folder holding the `kailash`
// package, KAILASH_SDK_PYTHON an interpreter with its dependencies. Skipped without them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, report, type Row } from './measure';

const CLI = path.resolve('dist', 'cli.js');

// A chain in the file format both sides read: node i adds 1 to node i-1's result.
function chainFile(dir: string, n: number): string {
  const id = (i: number) => `n${String(i).padStart(5, '0')}`;
  const lines = ['nodes:'];
  for (let i = 0; i < n; i++)
    lines.push(`  - {id: ${id(i)}, type: PythonCodeNode, config: {code: "${i === 0 ? 'result = 1' : 'result = x + 1'}"}}`);
  lines.push(n > 1 ? 'connections:' : 'connections: []');
  for (let i = 1; i < n; i++) lines.push(`  - {from: ${id(i - 1)}, from_output: result, to: ${id(i)}, to_input: x}`);
  const file = path.join(dir, `chain-${n}.workflow.yaml`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

// The SDK side, as a Kailash user writes it; prints the last node's result so both sides are checked.
const SDK_SCRIPT = `
import logging, sys, warnings, yaml
logging.disable(logging.CRITICAL); warnings.simplefilter("ignore")
from kailash.workflow.builder import WorkflowBuilder
from kailash.runtime.local import LocalRuntime
d = yaml.safe_load(open(sys.argv[1]))
with LocalRuntime() as rt:
    results, _ = rt.execute(WorkflowBuilder.from_dict(d).build())
print(results[d["nodes"][-1]["id"]]["result"])
`;

// Wall time, CPU time (user + system of the command and every process it waited for: our CLI and
// its Python worker, or the SDK's interpreter) and the peak resident memory of the largest process
// of the command (ru_maxrss of the waited-for children), measured by a small Python wrapper so
// both sides are measured alike. Wall time per node hides what overlaps (Python starts while the
// file is read) and grows with the machine's load; CPU time per node does neither.
const MEASURE = `
import resource, subprocess, sys, time
t = time.perf_counter()
out = subprocess.run(sys.argv[1:], capture_output=True, text=True)
ms = (time.perf_counter() - t) * 1000
if out.returncode != 0:
    sys.stderr.write(out.stdout + out.stderr); sys.exit(1)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(ms, (r.ru_utime + r.ru_stime) * 1000, r.ru_maxrss / 1024, out.stdout.strip().splitlines()[-1])
`;

interface Sample {
  ms: number;
  cpuMs: number;
  mib: number;
  last: string;
}

function measure(cmd: string[], env: NodeJS.ProcessEnv): Sample {
  const r = spawnSync('python3', ['-c', MEASURE, ...cmd], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`bench command failed: ${cmd.join(' ')}\n${r.stderr}`);
  const [ms, cpuMs, mib, ...last] = r.stdout.trim().split(' ');
  return { ms: Number(ms), cpuMs: Number(cpuMs), mib: Number(mib), last: last.join(' ') };
}

export async function run(): Promise<void> {
  const src = process.env.KAILASH_SDK_SRC;
  const python = process.env.KAILASH_SDK_PYTHON;
  if (!src || !python || !fs.existsSync(path.join(src, 'kailash'))) {
    console.log('\n### Beside the Kailash Python SDK\n\nskipped: set KAILASH_SDK_SRC and KAILASH_SDK_PYTHON (scripts/oracle/README.md)');
    return;
  }
  if (!fs.existsSync(CLI)) throw new Error('run `npm run build` first: the SDK row runs dist/cli.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kwf-sdk-bench-'));
  const n = 1000;
  const files = { one: chainFile(dir, 1), many: chainFile(dir, n) };
  const sdkEnv = { ...process.env, PYTHONPATH: src };
  const sdk = (file: string) => measure([python, '-c', SDK_SCRIPT, file], sdkEnv);
  const ours = (file: string) => measure([process.execPath, CLI, 'run', file], process.env);
  const check = spawnSync(process.execPath, [CLI, 'run', files.many, '--json'], { encoding: 'utf8' });
  const last = (JSON.parse(check.stdout) as { results: Record<string, { result: number }> }).results[`n${String(n - 1).padStart(5, '0')}`];
  if (last?.result !== n) throw new Error(`our chain ended with ${JSON.stringify(last)}, not ${n}`);
  const samples = { sdkOne: [] as Sample[], sdkMany: [] as Sample[], oursOne: [] as Sample[], oursMany: [] as Sample[] };
  // Alternating rounds, so a slow moment of a shared machine falls on both sides.
  const rounds = Math.max(1, Number(process.env.BENCH_SDK_ROUNDS) || 5);
  for (let round = 0; round < rounds; round++) {
    samples.sdkOne.push(sdk(files.one));
    samples.oursOne.push(ours(files.one));
    samples.sdkMany.push(sdk(files.many));
    samples.oursMany.push(ours(files.many));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  if (samples.sdkMany[0]!.last !== String(n)) throw new Error(`the SDK's chain ended with ${samples.sdkMany[0]!.last}, not ${n}`);
  const med = (xs: Sample[], k: 'ms' | 'cpuMs' | 'mib') => median(xs.map((x) => x[k]));
  const perNode = (many: Sample[], one: Sample[], k: 'ms' | 'cpuMs' = 'ms') => (med(many, k) - med(one, k)) / (n - 1);
  const oursPer = perNode(samples.oursMany, samples.oursOne);
  const sdkPer = perNode(samples.sdkMany, samples.sdkOne);
  const oursCpu = perNode(samples.oursMany, samples.oursOne, 'cpuMs');
  const rows: Row[] = [
    {
      name: `${n}-node PythonCodeNode chain, whole process`,
      value: med(samples.oursMany, 'ms'),
      baseline: med(samples.sdkMany, 'ms'),
      baselineName: 'Kailash SDK LocalRuntime, same file',
    },
    {
      name: `per node (${n}-node run minus 1-node run): ${oursPer.toFixed(3)} ms`,
      value: oursPer,
      baseline: sdkPer,
      baselineName: 'Kailash SDK, same difference',
      goalText: `≤ 0.1 ms/node ${oursPer <= 0.1 ? 'met' : 'MISSED'}`,
    },
    {
      name: `CPU time per node, every process of the command (${n}-node run minus 1-node run): ${oursCpu.toFixed(3)} ms`,
      value: oursCpu,
      baseline: perNode(samples.sdkMany, samples.sdkOne, 'cpuMs'),
      baselineName: 'Kailash SDK, same difference',
    },
    {
      name: `${n}-node chain, peak RSS of the largest process (MiB)`,
      value: med(samples.oursMany, 'mib'),
      baseline: med(samples.sdkMany, 'mib'),
      baselineName: 'Kailash SDK, same file',
      goal: 1,
    },
  ];
  report(`Beside the Kailash Python SDK (medians of ${rounds} alternating runs)`, rows);
}
