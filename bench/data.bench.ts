// Data nodes against their bare libraries, measured in the same run:
//  - 10,000 single-row INSERTs through SQLDatabaseNode into PostgreSQL vs raw `pg` on a pool of
//    the same size (goal: throughput ≥ 0.8 of raw, i.e. time ratio ≤ 1.25);
//  - a 100 MB CSV through CSVReaderNode vs bare csv-parse of the same file (same goal), each in a
//    fresh process so that both memory peaks are clean.
import { implementationOf } from '../runtime/nodes/registry';
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { once } from 'node:events';
import { parse } from 'csv-parse';
import pg from 'pg';
import type { RunContext } from '../runtime/catalog/types';
import { LocalRuntime } from '../runtime/engine/local';
import { parseWorkflow } from '../runtime/model/parse';
import { median, report } from './measure';

const PG = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const INSERTS = 10_000;
const POOL = 10;
const CSV_MB = 100;
let cpuPerInsert = { node: 0, raw: 0 };

function ctxFor(baseDir: string): RunContext {
  return {
    runId: 'bench',
    nodeId: 'n',
    signal: new AbortController().signal,
    attempt: 1,
    idempotencyKey: 'bench',
    baseDir,
    roots: [],
    services: undefined as never,
  };
}

/** Client-side CPU per operation of the last `concurrently` call, in µs (less noisy than wall time on a shared machine). */
let lastCpuPerOp = 0;

/** `count` jobs, `POOL` at a time, as a pool-sized set of callers would issue them. */
async function concurrently(count: number, job: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: POOL }, async () => {
      while (next < count) await job(next++);
    }),
  );
  const used = process.cpuUsage(cpu);
  lastCpuPerOp = (used.user + used.system) / count;
  return performance.now() - started;
}

async function sqlRows() {
  const table = `bench_inserts_${process.pid}`;
  const raw = new pg.Pool({ connectionString: PG, max: POOL });
  await raw.query(`CREATE TABLE ${table} (id int, name text, amount numeric(12,2))`);
  const node = implementationOf('SQLDatabaseNode')!.run;
  const ctx = ctxFor(tmpdir());
  const config = { connection_string: PG, pool_size: POOL, max_overflow: 0, pool_timeout: 30, result_format: 'dict' };
  const viaNode = (i: number) =>
    node(
      {
        ...config,
        query: `INSERT INTO ${table} (id, name, amount) VALUES (:id, :name, :amount)`,
        parameters: { id: i, name: `user ${i}`, amount: i / 100 },
      },
      ctx,
    );
  const viaPg = (i: number) => raw.query(`INSERT INTO ${table} (id, name, amount) VALUES ($1, $2, $3)`, [i, `user ${i}`, i / 100]);
  const rt = new LocalRuntime({ env: {} });
  const model = parseWorkflow(
    JSON.stringify({
      nodes: [
        {
          id: 'insert',
          type: 'SQLDatabaseNode',
          config: { ...config, query: `INSERT INTO ${table} (id, name, amount) VALUES (:id, :name, :amount)` },
        },
      ],
    }),
  );
  const viaRuntime = (i: number) =>
    rt.execute(model, { baseDir: tmpdir(), parameters: { insert: { parameters: { id: i, name: `user ${i}`, amount: i / 100 } } } });
  try {
    await concurrently(500, viaPg);
    await concurrently(500, viaNode);
    await concurrently(200, viaRuntime);
    const rawMs: number[] = [];
    const nodeMs: number[] = [];
    // Interleaved rounds in alternating order (the table grows, the machine is noisy), medians compared.
    const rawCpu: number[] = [];
    const nodeCpu: number[] = [];
    const rawRound = async () => {
      rawMs.push(await concurrently(INSERTS, viaPg));
      rawCpu.push(lastCpuPerOp);
    };
    for (let round = 0; round < 4; round++) {
      if (round % 2 === 0) await rawRound();
      nodeMs.push(await concurrently(INSERTS, viaNode));
      nodeCpu.push(lastCpuPerOp);
      if (round % 2 === 1) await rawRound();
    }
    cpuPerInsert = { node: median(nodeCpu), raw: median(rawCpu) };
    const runtimeMs = await concurrently(INSERTS, viaRuntime);
    const inserted = (await raw.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
    if (inserted !== 8 * INSERTS + 1200 + INSERTS) throw new Error(`expected every insert to land, found ${inserted}`);
    return [
      {
        name: `${INSERTS} INSERTs via SQLDatabaseNode (pool ${POOL})`,
        value: median(nodeMs),
        baseline: median(rawMs),
        baselineName: `raw pg Pool(max ${POOL})`,
        goal: 1.25,
      },
      {
        name: `${INSERTS} INSERTs via LocalRuntime.execute (a one-node workflow per insert)`,
        value: runtimeMs,
        baseline: median(rawMs),
        baselineName: `raw pg Pool(max ${POOL})`,
      },
    ];
  } finally {
    await raw.query(`DROP TABLE IF EXISTS ${table}`);
    await raw.end();
    await rt.dispose();
  }
}

async function generateCsv(file: string): Promise<void> {
  const out = createWriteStream(file);
  let bytes = 0;
  out.write('id,name,email,amount,created_at,note\n');
  for (let i = 0; bytes < CSV_MB * 1024 * 1024; i++) {
    const line = `${i},Customer ${i},customer${i}@example.org,${(i % 100000) / 100},2024-0${(i % 9) + 1}-1${i % 10}T12:00:00Z,"note, with comma ${i % 1000}"\n`;
    bytes += line.length;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

interface ChildResult {
  ms: number;
  rows: number;
  peakRssMb: number;
}

/** One measurement in a fresh process: `node` (CSVReaderNode), `runtime` (through LocalRuntime), `bare` (csv-parse to dicts) or `arrays` (csv-parse to arrays, the parse alone). */
export async function csvChild(mode: string, file: string): Promise<void> {
  const started = performance.now();
  let rows: number;
  if (mode === 'bare' || mode === 'arrays') {
    const data: unknown[] = [];
    const parser = parse({ columns: mode === 'bare' });
    parser.on('data', (r) => data.push(r));
    await pipeline(createReadStream(file), parser);
    rows = data.length;
  } else if (mode === 'node') {
    const out = await implementationOf('CSVReaderNode')!.run({ file_path: file, headers: true, delimiter: ',' }, ctxFor(tmpdir()));
    rows = (out.data as unknown[]).length;
  } else {
    const rt = new LocalRuntime({ env: {} });
    const r = await rt.execute(
      parseWorkflow(JSON.stringify({ nodes: [{ id: 'read', type: 'CSVReaderNode', config: { file_path: file } }] })),
      { baseDir: tmpdir(), roots: [tmpdir()] },
    );
    rows = ((r.results.read as { data: unknown[] }).data ?? []).length;
  }
  const ms = performance.now() - started;
  const result: ChildResult = { ms, rows, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(JSON.stringify(result));
}

function measureChild(mode: string, file: string): ChildResult {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '-e', `require('./bench/data.bench.ts').csvChild(${JSON.stringify(mode)}, ${JSON.stringify(file)})`],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (r.status !== 0) throw new Error(`CSV ${mode} run failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ChildResult;
}

async function csvRows() {
  const dir = mkdtempSync(join(tmpdir(), 'kwf-bench-csv-'));
  const file = join(dir, 'customers.csv');
  try {
    await generateCsv(file);
    const size = statSync(file).size;
    const bare: ChildResult[] = [];
    const node: ChildResult[] = [];
    for (let round = 0; round < 2; round++) {
      bare.push(measureChild('bare', file));
      node.push(measureChild('node', file));
    }
    const runtime = measureChild('runtime', file);
    const arrays = measureChild('arrays', file);
    if (node[0]!.rows !== bare[0]!.rows || runtime.rows !== bare[0]!.rows)
      throw new Error(`row counts differ: node ${node[0]!.rows}, runtime ${runtime.rows}, bare ${bare[0]!.rows}`);
    const mb = (size / 1024 / 1024).toFixed(0);
    const peak = (xs: ChildResult[]) => Math.max(...xs.map((x) => x.peakRssMb));
    return {
      rows: [
        {
          name: `${mb} MB CSV (${bare[0]!.rows} rows) via CSVReaderNode`,
          value: median(node.map((x) => x.ms)),
          baseline: median(bare.map((x) => x.ms)),
          baselineName: 'csv-parse stream, columns: true',
          goal: 1.25,
        },
        {
          name: `${mb} MB CSV via LocalRuntime.execute (one CSVReaderNode)`,
          value: runtime.ms,
          baseline: median(bare.map((x) => x.ms)),
          baselineName: 'csv-parse stream, columns: true',
        },
        {
          name: `${mb} MB CSV via CSVReaderNode, against the parse alone`,
          value: median(node.map((x) => x.ms)),
          baseline: arrays.ms,
          baselineName: 'csv-parse stream, rows as arrays',
        },
      ],
      memory: [
        [`CSVReaderNode`, peak(node)],
        [`LocalRuntime.execute`, runtime.peakRssMb],
        [`bare csv-parse (columns: true)`, peak(bare)],
        [`bare csv-parse (arrays)`, arrays.peakRssMb],
      ] as [string, number][],
      fileMb: size / 1024 / 1024,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const sql = await sqlRows();
  const csv = await csvRows();
  report('Data nodes vs bare libraries (time ratio ≤ 1.25 ⇔ throughput ≥ 0.8 of the bare library)', [...sql, ...csv.rows]);
  console.log(`\nCSV memory peaks (max RSS of a fresh process reading the ${csv.fileMb.toFixed(0)} MB file):\n`);
  console.log('| CSV reader | peak RSS MB |');
  console.log('|---|---:|');
  for (const [name, mb] of csv.memory) console.log(`| ${name} | ${mb.toFixed(0)} |`);
  console.log(
    `\nClient CPU per INSERT (process.cpuUsage, medians): SQLDatabaseNode ${cpuPerInsert.node.toFixed(0)} µs, raw pg ${cpuPerInsert.raw.toFixed(0)} µs.`,
  );
}
