// 2,000 GETs through HTTPRequestNode at concurrency 50 against a local server, beside raw undici
// requests at the same concurrency in the same run; plus the memory peak of each.
import { implementationOf } from '../runtime/nodes/registry';
import { spawn, type ChildProcess } from 'node:child_process';
import { once, setMaxListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Agent, request } from 'undici';
import { getSpec } from '../runtime/catalog';
import type { RunContext } from '../runtime/catalog/types';
import { LocalRuntime } from '../runtime/engine/local';
import { disposeAll } from '../runtime/engine/resources';
import { parseWorkflow } from '../runtime/model/parse';
import { median, report } from './measure';

const REQUESTS = 2000;
const CONCURRENCY = 50;
const ROUNDS = 7;
const SIDES = ['raw', 'node', 'engine'] as const;
type Side = (typeof SIDES)[number];
const LABELS: Record<Side, string> = { raw: 'undici request()', node: 'HTTPRequestNode run()', engine: 'LocalRuntime.execute' };

/** The server runs in its own process, so that it loads both sides alike and not the client's heap. */
const SERVER = `
const body = JSON.stringify({ id: 1, name: 'Ada', roles: ['admin', 'editor'], active: true });
const s = require('node:http').createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
s.keepAliveTimeout = 60000;
s.listen(0, '127.0.0.1', () => console.log(s.address().port));
`;

async function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, url: `http://127.0.0.1:${line.toString().trim()}/users/1` };
}

/** `n` calls of `one`, at most `CONCURRENCY` in flight. */
async function pool(n: number, one: () => Promise<void>): Promise<number> {
  let started = 0;
  const t = performance.now();
  const worker = async () => {
    while (started < n) {
      started++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return performance.now() - t;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Runs `fn` while sampling memory; returns the heap peak above the starting point and the RSS peak. */
async function measured(fn: () => Promise<number>): Promise<{ heapMb: number; rssMb: number }> {
  gc();
  const start = process.memoryUsage();
  let heap = start.heapUsed;
  let rss = start.rss;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    heap = Math.max(heap, m.heapUsed);
    rss = Math.max(rss, m.rss);
  }, 5);
  await fn();
  clearInterval(timer);
  const end = process.memoryUsage();
  heap = Math.max(heap, end.heapUsed);
  rss = Math.max(rss, end.rss);
  return { heapMb: (heap - start.heapUsed) / 1048576, rssMb: rss / 1048576 };
}

export async function run(): Promise<void> {
  const { child, url } = await startServer();
  const agent = new Agent();
  const spec = getSpec('HTTPRequestNode')!;
  const inputs: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(spec.params)) if (p.default !== undefined) inputs[name] = p.default;
  inputs.url = url;
  // One signal for every call, as the engine gives all the nodes of a run when they have no policies.
  const signal = new AbortController().signal;
  setMaxListeners(0, signal);
  const ctx = (): RunContext => ({
    runId: 'bench',
    nodeId: 'get',
    signal,
    attempt: 1,
    idempotencyKey: 'bench:get:1',
    baseDir: process.cwd(),
    roots: [],
    services: undefined as never,
  });
  let failures = 0;

  const raw = () =>
    pool(REQUESTS, async () => {
      const res = await request(url, { dispatcher: agent });
      JSON.parse(await res.body.text());
      if (res.statusCode !== 200) failures++;
    });
  const node = () =>
    pool(REQUESTS, async () => {
      const out = await implementationOf('HTTPRequestNode')!.run(inputs, ctx());
      if (out.success !== true) failures++;
    });
  const runtime = new LocalRuntime({ env: {} });
  const model = parseWorkflow(`nodes:\n  - {id: get, type: HTTPRequestNode, config: {url: "${url}"}}\n`);
  const engine = () =>
    pool(REQUESTS, async () => {
      const r = await runtime.execute(model);
      if (r.status !== 'succeeded') failures++;
    });

  const sides: Record<Side, () => Promise<number>> = { raw, node, engine };
  try {
    for (const side of SIDES) await sides[side](); // warm up sockets, JIT and the pool
    const times: Record<Side, number[]> = { raw: [], node: [], engine: [] };
    // Interleaved, so that machine noise hits all sides alike.
    for (let i = 0; i < ROUNDS; i++) for (const side of SIDES) times[side].push(await sides[side]());
    // Memory in rounds of its own: sampling costs time, and would blur the timings.
    const peaks = {} as Record<Side, { heapMb: number; rssMb: number }>;
    for (const side of SIDES) peaks[side] = await measured(sides[side]);
    if (failures) throw new Error(`${failures} requests failed`);
    const rawMs = median(times.raw);
    const nodeMs = median(times.node);
    const engineMs = median(times.engine);
    report(`HTTPRequestNode vs raw undici (${REQUESTS} GETs, concurrency ${CONCURRENCY}; ms, median of ${ROUNDS})`, [
      { name: 'HTTPRequestNode run()', value: nodeMs, baseline: rawMs, baselineName: 'undici request()', goal: 1.25 },
      { name: 'LocalRuntime.execute, one-node workflow per GET', value: engineMs, baseline: rawMs, baselineName: 'undici request()' },
    ]);
    const rps = (ms: number) => Math.round((REQUESTS / ms) * 1000);
    console.log(
      `\nThroughput: undici ${rps(rawMs)} req/s, HTTPRequestNode ${rps(nodeMs)} req/s (ratio ${(rawMs / nodeMs).toFixed(2)}, goal ≥ 0.8 ${rawMs / nodeMs >= 0.8 ? 'met' : 'MISSED'}), through the engine ${rps(engineMs)} req/s (ratio ${(rawMs / engineMs).toFixed(2)}).`,
    );
    console.log('\n| side | heap peak above start (MB) | RSS peak (MB) |');
    console.log('|---|---:|---:|');
    for (const side of SIDES) console.log(`| ${LABELS[side]} | ${peaks[side].heapMb.toFixed(1)} | ${peaks[side].rssMb.toFixed(0)} |`);
  } finally {
    await agent.close();
    await runtime.dispose();
    await disposeAll();
    child.kill();
  }
}
