// The language server against yaml-language-server 1.25.0 (with our JSON schema) on the same
// 2,000- and 10,000-node files and the same edits, measured in the same run: edit → published
// diagnostics, completion and hover latency, and memory. The machine may be shared: each file is
// measured in alternating rounds (ours, theirs, ours, theirs...) with the load average printed, so
// a busy spell hits both servers alike.
import { build } from 'esbuild';
import { loadavg } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { LineIndex } from '../runtime/model/lines';
import { QUIET_MS } from '../server/memory';
import { baselineShape } from './baseline-shape';
import { generateWorkflow } from './generate';
import { percentile, startSession, type Session } from './lsp-session';
import { report, type Row } from './measure';
import { SERVER_EXEC_ARGV } from '../client/server-launch';

const ROOT = resolve(__dirname, '..');
const SIZES = (process.env.BENCH_LSP_NODES ?? '2000,10000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_LSP_ROUNDS ?? 2);
// Fewer edits make a 10,000-node run (where yaml-language-server takes seconds per edit) fit a session.
const EDITS = Number(process.env.BENCH_LSP_EDITS ?? 50);

interface Figures {
  open: number;
  diagnostics: number[];
  completion: number[];
  hover: number[];
  /** Hover requests the server answered with an error. */
  hoverErrors: string[];
  afterOpen: { rss: number; peak: number };
  afterEdits: { rss: number; peak: number };
  /** After the edits, once the server has been quiet for longer than its idle collection waits (`QUIET_MS`). */
  atRest: { rss: number; peak: number };
}

/** A file to measure and where its edits, completions and hovers go (edit `k` of `EDITS`). */
interface Case {
  name: string;
  nodes: number;
  text: string;
  /** The start of the line whose end each edit appends one character to. */
  editLine: string;
  /** Line index of the `type:` value to complete and of the param key to hover, for edit `k`. */
  typeLine(text: string, k: number): number;
  hoverLine(text: string, k: number): number;
}

/** Bundles the server with the options `npm run build` uses, so the run measures what editors start. */
async function bundleServer(): Promise<string> {
  const out = join(ROOT, '.bench', 'server.js');
  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  const { bundles } = (await import(pathToFileURL(join(ROOT, 'scripts', 'bundles.mjs')).href)) as {
    bundles: { server: Record<string, unknown> };
  };
  await build({ ...bundles.server, entryPoints: [join(ROOT, 'server', 'server.ts')], outfile: out, sourcemap: false });
  return out;
}

/** Figures of several rounds as one: samples pooled, open and memory the median round's. */
function pool(rounds: Figures[]): Figures {
  const mid = <T>(xs: T[], key: (x: T) => number): T => [...xs].sort((a, b) => key(a) - key(b))[xs.length >> 1]!;
  return {
    open: mid(rounds, (r) => r.open).open,
    diagnostics: rounds.flatMap((r) => r.diagnostics),
    completion: rounds.flatMap((r) => r.completion),
    hover: rounds.flatMap((r) => r.hover),
    hoverErrors: rounds.flatMap((r) => r.hoverErrors),
    afterOpen: mid(rounds, (r) => r.afterOpen.rss).afterOpen,
    afterEdits: mid(rounds, (r) => r.afterEdits.rss).afterEdits,
    atRest: mid(rounds, (r) => r.atRest.rss).atRest,
  };
}

function load(): string {
  return loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
}

function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at === -1) throw new Error(`no ${JSON.stringify(needle)} in the file`);
  return new LineIndex(text).position(at).line;
}

async function measure(session: Session, c: Case, uri: string): Promise<Figures> {
  const conn = session.connection;
  let text = c.text;
  const opened = session.nextDiagnostics(uri);
  const t0 = performance.now();
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  const first = await opened;
  if (first.count !== 0) throw new Error(`the generated file should be clean, got ${first.count} diagnostics`);
  const afterOpen = session.memory();
  const figures: Figures = {
    open: first.at - t0,
    diagnostics: [],
    completion: [],
    hover: [],
    hoverErrors: [],
    afterOpen,
    afterEdits: afterOpen,
    atRest: afterOpen,
  };
  for (let k = 0; k < EDITS; k++) {
    // The end of the edit line (it grows by one character per edit, so find it by its start).
    const lineStart = text.indexOf(`\n${c.editLine}`) + 1;
    if (lineStart === 0) throw new Error(`no line ${JSON.stringify(c.editLine)}`);
    const at = text.indexOf('\n', lineStart);
    const position = new LineIndex(text).position(at);
    const published = session.nextDiagnostics(uri);
    const start = performance.now();
    await conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: k + 2 },
      contentChanges: [{ range: { start: position, end: position }, text: 'x' }],
    });
    figures.diagnostics.push((await published).at - start);
    text = `${text.slice(0, at)}x${text.slice(at)}`;
    let t = performance.now();
    const items = await conn.sendRequest<{ items: unknown[] } | unknown[]>('textDocument/completion', {
      textDocument: { uri },
      position: { line: c.typeLine(text, k), character: 10 },
    });
    figures.completion.push(performance.now() - t);
    const count = Array.isArray(items) ? items.length : items.items.length;
    if (count < 30) throw new Error(`completion at a type value gave ${count} items`);
    t = performance.now();
    try {
      const hover = await conn.sendRequest<{ contents: unknown } | null>('textDocument/hover', {
        textDocument: { uri },
        position: { line: c.hoverLine(text, k), character: 7 },
      });
      if (!hover) throw new Error('no hover on a param key');
      figures.hover.push(performance.now() - t);
    } catch (err) {
      figures.hoverErrors.push((err as Error).message);
    }
  }
  figures.afterEdits = session.memory();
  await new Promise((resolve) => setTimeout(resolve, QUIET_MS + 1000));
  figures.atRest = session.memory();
  return figures;
}

async function measureYls(settings: unknown, c: Case, uri: string, check: string): Promise<Figures> {
  const yls = await startSession([join(ROOT, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server'), '--stdio'], settings);
  try {
    await checkSchemaApplied(yls, check);
    return await measure(yls, c, uri);
  } finally {
    await yls.close();
  }
}

/** The schema with `nodes`' list-or-map union as a type union instead of `oneOf` (same meaning). */
function nodesAsTypeUnion(schema: {
  properties: { nodes: { description?: string; oneOf: [{ items: unknown }, { additionalProperties: unknown }] } };
}): unknown {
  const [list, map] = schema.properties.nodes.oneOf;
  return {
    ...schema,
    properties: {
      ...schema.properties,
      nodes: {
        description: schema.properties.nodes.description,
        type: ['array', 'object'],
        items: list.items,
        additionalProperties: map.additionalProperties,
      },
    },
  };
}

/** yaml-language-server really applies the schema: a small file with a wrong type gets an error. */
async function checkSchemaApplied(session: Session, uri: string): Promise<void> {
  const published = session.nextDiagnostics(uri);
  const text = 'nodes:\n  - id: a\n    type: NoSuchNode\n    config: {}\n';
  await session.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  if ((await published).count === 0) throw new Error('yaml-language-server did not apply the workflow schema');
  await session.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
}

function cases(nodes: number): Case[] {
  const mid = nodes / 2;
  return [
    {
      name: `generateWorkflow(${nodes})`,
      nodes,
      text: generateWorkflow(nodes),
      editLine: `      url: https://example.com/${mid}`,
      typeLine: (text, k) => lineOf(text, `  - id: fetch_${mid + 2 * k}\n`) + 1,
      hoverLine: (text, k) => lineOf(text, `  - id: fetch_${mid + 2 * k}\n`) + 3,
    },
    {
      name: `the yaml-language-server baseline's shape, ${nodes} nodes`,
      nodes,
      text: baselineShape(nodes),
      editLine: `      url: https://example.com/${mid + 1}`,
      typeLine: (_text, k) => 2 + 4 * (mid + k) + 1,
      hoverLine: (_text, k) => 2 + 4 * (mid + k) + 3,
    },
  ];
}

export async function run(): Promise<void> {
  const dir = join(ROOT, '.bench');
  // BENCH_SERVER: another build of the server (an earlier commit's), measured the same way.
  const server = process.env.BENCH_SERVER ?? (await bundleServer());
  const schema = pathToFileURL(join(ROOT, 'schemas', 'workflow.schema.json')).href;
  const check = pathToFileURL(join(dir, 'check.workflow.yaml')).href;
  const base = 'yaml-language-server 1.25.0';
  const p50 = (xs: number[]) => percentile(xs, 50);
  const CASES = SIZES.flatMap(cases);
  for (const [i, c] of CASES.entries()) {
    const uri = pathToFileURL(join(dir, `bench-${i}.workflow.yaml`)).href;
    // Glob patterns (`*.workflow.yaml`, `**/*.workflow.yaml`) matched no document in this setup,
    // so the schema is also associated with the documents' exact URIs: the same association.
    const settings = {
      yaml: {
        validate: true,
        hover: true,
        completion: true,
        format: { enable: false },
        schemas: { [schema]: ['*.workflow.yaml', uri, check] },
        schemaStore: { enable: false },
        kubernetesCRDStore: { enable: false },
      },
    };
    const loads = [load()];
    const ourRounds: Figures[] = [];
    const theirRounds: Figures[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const ours = await startSession([...SERVER_EXEC_ARGV, server, '--stdio'], {});
      ourRounds.push(await measure(ours, c, uri));
      await ours.close();
      loads.push(load());
      theirRounds.push(await measureYls(settings, c, uri, check));
      loads.push(load());
    }
    const mine = pool(ourRounds);
    const theirs = pool(theirRounds);
    // Its hover overflows the stack on big files with the schema's `nodes: {oneOf: [list, map]}`;
    // the same union written as `type: [array, object]` does not, so hover is measured with that.
    let ylsHover = theirs.hover;
    let hoverNote = '';
    if (theirs.hoverErrors.length) {
      const variant = join(dir, 'workflow.nodes-typed.schema.json');
      writeFileSync(
        variant,
        JSON.stringify(nodesAsTypeUnion(JSON.parse(readFileSync(join(ROOT, 'schemas', 'workflow.schema.json'), 'utf8')))),
      );
      const again = await measureYls(
        { yaml: { ...settings.yaml, schemas: { [pathToFileURL(variant).href]: ['*.workflow.yaml', uri, check] } } },
        c,
        uri,
        check,
      );
      ylsHover = again.hover;
      hoverNote = ` (with our schema yaml-language-server answered ${theirs.hoverErrors.length} of ${EDITS} hovers with "${theirs.hoverErrors[0]}"; its hover figures are from the same schema with \`nodes\` written as \`type: [array, object]\`)`;
    }
    if (mine.hoverErrors.length) throw new Error(`our hover failed: ${mine.hoverErrors[0]}`);

    const rows: Row[] = [];
    const pair = (name: string, a: number[], b: number[], goal?: number) => {
      if (b.length === 0) return;
      for (const p of [50, 95])
        rows.push({
          name: `${name} p${p}`,
          value: percentile(a, p),
          baseline: percentile(b, p),
          baselineName: base,
          ...(p === 50 && goal ? { goal } : {}),
        });
    };
    pair(`edit → diagnostics (${EDITS} one-char edits)`, mine.diagnostics, theirs.diagnostics, 0.1);
    pair('completion at a `type:` value', mine.completion, theirs.completion, 0.1);
    pair('hover on a param key', mine.hover, ylsHover, 0.1);
    rows.push({ name: 'open → first diagnostics', value: mine.open, baseline: theirs.open, baselineName: base });
    rows.push({ name: 'RSS after open (MB)', value: mine.afterOpen.rss, baseline: theirs.afterOpen.rss, baselineName: base });
    rows.push({ name: `RSS after ${EDITS} edits (MB)`, value: mine.afterEdits.rss, baseline: theirs.afterEdits.rss, baselineName: base });
    rows.push({
      name: `RSS at rest, ${(QUIET_MS + 1000) / 1000} s after the edits (MB)`,
      value: mine.atRest.rss,
      baseline: theirs.atRest.rss,
      baselineName: base,
    });
    rows.push({ name: 'peak RSS (MB)', value: mine.atRest.peak, baseline: theirs.atRest.peak, baselineName: base });
    const lines = c.text.split('\n').length;
    report(`Language server vs yaml-language-server: ${c.name} (${lines} lines, ${c.text.length} chars)`, rows);
    if (hoverNote) console.log(`\nHover${hoverNote}.`);
    console.log(
      `\n${ROUNDS} alternating rounds each (samples pooled; open and memory: the median round). Load average (1, 5, 15 min) before and after each measurement: ${loads.join(' → ')}. Our edit → diagnostics p95 per round: ${ourRounds.map((r) => percentile(r.diagnostics, 95).toFixed(1)).join(', ')} ms.`,
    );
    const opened = mine.afterOpen.rss;
    const rest = mine.atRest.rss;
    const goals = [
      ['edit → diagnostics p95 ≤ 30 ms', percentile(mine.diagnostics, 95) <= 30],
      ...(c.nodes >= 10_000
        ? ([
            ['open ≤ 500 ms', mine.open <= 500],
            [`RSS after open ≤ 120 MB (${opened.toFixed(0)})`, opened <= 120],
            [`RSS at rest after the edits ≤ 120 MB (${rest.toFixed(0)})`, rest <= 120],
          ] as const)
        : []),
      ['completion p50 < 10 ms', p50(mine.completion) < 10],
      ['hover p50 < 10 ms', p50(mine.hover) < 10],
    ] as const;
    console.log(`\nAbsolute goals (issues 6 and 15): ${goals.map(([g, ok]) => `${g}: ${ok ? 'met' : 'MISSED'}`).join('; ')}.`);
  }
}
