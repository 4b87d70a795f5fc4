// Worker-mode throughput: 1,000 small runs through BullMQ on the local Redis with 1, 2 and 4
// worker processes, beside the same runs on one LocalRuntime in this process. Two workloads:
// runs that only compute (the queue's own cost shows) and runs that wait 20 ms on an HTTP call
// (where more slots help).
import { cpus } from 'node:os';
import { LocalRuntime } from '../runtime/engine/local';
import { parseWorkflow } from '../runtime/model/parse';
import { WorkerClient } from '../runtime/worker/client';
import { startServer } from '../test/support/http-server';
import { dropQueue, REDIS_URL, uniqueQueue, waitFinished, WorkerProcess } from '../test/support/worker-fleet';
import { median, report, type Row } from './measure';

const RUNS = 1000;
const REPEATS = 5;
/** Runs at once per worker process, and in the in-process baseline. */
const CONCURRENCY = 8;

/** Two chained MergeNodes: the engine's own work is tiny, so the queue's cost shows. */
const COMPUTE = `name: small
nodes:
  - {id: a, type: MergeNode, config: {data1: [1], data2: [2]}}
  - {id: b, type: MergeNode}
connections:
  - {from: a, from_output: merged_data, to: b, to_input: data1}
`;

/** One GET to a local server that answers after 20 ms. */
const waiting = (url: string) => `name: small-io
nodes:
  - {id: get, type: HTTPRequestNode, config: {url: "${url}/slow"}}
`;

/** 1,000 runs on one LocalRuntime in this process, `CONCURRENCY` at a time. */
async function inProcess(runtime: LocalRuntime, text: string): Promise<number> {
  const model = parseWorkflow(text);
  let next = 0;
  const lane = async () => {
    while (next++ < RUNS) {
      const r = await runtime.execute(model, { parameters: { a: { data2: [next] } } });
      if (r.status !== 'succeeded') throw new Error(`bench run failed: ${JSON.stringify(r.error)}`);
    }
  };
  const t = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return performance.now() - t;
}

/** A queue served by `size` worker processes. */
async function pool(size: number) {
  const queue = uniqueQueue(`bench${size}`);
  const procs = Array.from(
    { length: size },
    () => new WorkerProcess(['--redis', REDIS_URL, '--queue', queue, '--concurrency', String(CONCURRENCY)]),
  );
  const client = new WorkerClient({ redis: REDIS_URL, queue });
  await Promise.all(procs.map((p) => p.ready(60_000)));
  let done = 0;
  return {
    size,
    /** Submit `count` runs and wait until all are recorded: the whole trip, as a user sees it. */
    async batch(text: string, count = RUNS): Promise<number> {
      const t = performance.now();
      await client.submit(
        Array.from({ length: count }, (_, i) => ({ text, file: 'small.workflow.yaml', parameters: { a: { data2: [i] } } })),
      );
      done += count;
      const ledger = await waitFinished(REDIS_URL, queue, done, 120_000);
      const failed = ledger.filter((e) => e.status !== 'succeeded');
      if (failed.length) throw new Error(`${failed.length} bench runs did not succeed`);
      return performance.now() - t;
    },
    async close() {
      for (const p of procs) p.kill('SIGTERM');
      await Promise.all(procs.map((p) => p.exited));
      await client.close();
      await dropQueue(REDIS_URL, queue);
    },
  };
}

const perSecond = (ms: number) => Math.round((RUNS / ms) * 1000).toLocaleString('en-US');

export async function run(): Promise<void> {
  const srv = await startServer((_req, res) => void setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'), 20));
  const runtime = new LocalRuntime({ env: {} });
  const pools = [await pool(1), await pool(2), await pool(4)];
  try {
    for (const [label, text] of [
      ['2 MergeNodes (compute only)', COMPUTE],
      ['one HTTP GET answered after 20 ms', waiting(srv.url)],
    ] as const) {
      const times: number[][] = [[], [], [], []];
      // Warm-up (JIT, connections, the parsed-workflow cache), then rounds that interleave the
      // four set-ups, so that load from elsewhere on the machine falls on all of them alike.
      await inProcess(runtime, text);
      for (const p of pools) await p.batch(text, 200);
      for (let round = 0; round < REPEATS; round++) {
        times[0]!.push(await inProcess(runtime, text));
        for (const [i, p] of pools.entries()) times[i + 1]!.push(await p.batch(text));
      }
      const [local, w1, w2, w4] = times.map(median) as [number, number, number, number];
      const name = (n: number, ms: number) => `${n} worker${n === 1 ? '' : 's'} (${perSecond(ms)} runs/s)`;
      const localName = `LocalRuntime, one process (${perSecond(local)} runs/s)`;
      const rows: Row[] = [
        { name: name(1, w1), value: w1, baseline: local, baselineName: localName },
        { name: name(2, w2), value: w2, baseline: w1, baselineName: '1 worker' },
        { name: name(4, w4), value: w4, baseline: w1, baselineName: '1 worker' },
        { name: name(2, w2), value: w2, baseline: local, baselineName: 'LocalRuntime, one process' },
        { name: name(4, w4), value: w4, baseline: local, baselineName: 'LocalRuntime, one process' },
      ];
      report(
        `Worker mode, ${RUNS} runs of ${label}: ${CONCURRENCY} at once per process, ${cpus().length} cores, median of ${REPEATS} interleaved rounds`,
        rows,
      );
    }
  } finally {
    await Promise.all(pools.map((p) => p.close()));
    await runtime.dispose();
    await srv.close();
  }
}
