// The layering ARCHITECTURE.md describes, checked: who may import whom, no import circles, and
// a language-server bundle that carries no node implementation or integration library.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { build } from 'esbuild';

const ROOT = join(__dirname, '..', '..');
const LAYERS = ['runtime', 'server', 'client'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every module specifier a file names: static imports and exports, dynamic `import()`, `require()`. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) out.push(m[1]!);
  return out;
}

function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {}
  }
  return undefined;
}

const files = LAYERS.flatMap((l) => sources(join(ROOT, l)));
const graph = new Map<string, { local: string[]; packages: string[] }>();
for (const f of files) {
  const specs = specifiers(readFileSync(f, 'utf8'));
  graph.set(f, {
    local: specs.map((s) => resolveLocal(f, s)).filter((p): p is string => p !== undefined && p.endsWith('.ts')),
    packages: specs.filter((s) => !s.startsWith('.')),
  });
}
/** Integration libraries: only the node types and commands that use them load them. */
const LIBRARIES = [
  'pg',
  'mysql2',
  'kafkajs',
  '@aws-sdk',
  'ldapts',
  'nodemailer',
  'ws',
  'undici',
  'bullmq',
  'ioredis',
  'sql.js',
  'node-sqlite3-wasm',
  'quickjs-emscripten-core',
  '@jitl',
  'jose',
  'graphql',
];
// node_modules may be a link to another checkout's (a worktree's): esbuild names its real path.
const libraryOf = (input: string) => LIBRARIES.find((l) => input.includes(`node_modules/${l}/`));
const layerOf = (f: string) => relative(ROOT, f).split(/[\\/]/)[0]!;
const rel = (f: string) => relative(ROOT, f);

/** One of scripts/bundles.mjs' bundles built in memory with its metafile, unminified (what lands in it). */
async function buildInMemory(name: string) {
  const { bundles } = (await import(join(ROOT, 'scripts', 'bundles.mjs'))) as { bundles: Record<string, Record<string, unknown>> };
  return build({
    ...bundles[name],
    absWorkingDir: ROOT,
    write: false,
    metafile: true,
    minify: false,
    sourcemap: false,
    logLevel: 'silent',
  });
}

describe('architecture', () => {
  it('reads the imports of every source file (the check itself sees them)', () => {
    assert.ok(files.length > 100);
    assert.ok(graph.get(join(ROOT, 'runtime', 'engine', 'run.ts'))!.local.some((p) => p.endsWith(join('nodes', 'registry.ts'))));
  });

  it('runtime/ imports neither server/ nor client/; server/ and client/ never import each other', () => {
    const wrong: string[] = [];
    for (const [f, { local }] of graph) {
      const from = layerOf(f);
      for (const to of local.map(layerOf)) {
        if (from === 'runtime' && to !== 'runtime') wrong.push(`${rel(f)} → ${to}/`);
        if ((from === 'server' && to === 'client') || (from === 'client' && to === 'server')) wrong.push(`${rel(f)} → ${to}/`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('only client/ imports vscode', () => {
    const wrong = [...graph].filter(([f, { packages }]) => layerOf(f) !== 'client' && packages.includes('vscode')).map(([f]) => rel(f));
    assert.deepEqual(wrong, []);
  });

  it('the extension host reads workflow text only through its one model per document or the loader by file name', () => {
    // A direct `parseWorkflow` reads a .workflow.json file as YAML and parses a big file again.
    const parse = join(ROOT, 'runtime', 'model', 'parse.ts');
    const direct = files.filter((f) => layerOf(f) === 'client' && graph.get(f)!.local.includes(parse)).map(rel);
    assert.deepEqual(direct, []);
  });

  it('the catalog knows no implementation: nothing in runtime/catalog/ imports runtime/nodes/', () => {
    const wrong = [...graph]
      .filter(([f]) => rel(f).startsWith(join('runtime', 'catalog')))
      .flatMap(([f, { local }]) => local.filter((p) => rel(p).startsWith(join('runtime', 'nodes'))).map((p) => `${rel(f)} → ${rel(p)}`));
    assert.deepEqual(wrong, []);
  });

  it('has no import circles', () => {
    // Tarjan's strongly connected components; any component of two or more files is a circle.
    let index = 0;
    const idx = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const on = new Set<string>();
    const circles: string[][] = [];
    const visit = (v: string) => {
      idx.set(v, index);
      low.set(v, index++);
      stack.push(v);
      on.add(v);
      for (const w of graph.get(v)?.local ?? []) {
        if (!idx.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
      if (low.get(v) === idx.get(v)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          on.delete(w);
          scc.push(rel(w));
        } while (w !== v);
        if (scc.length > 1) circles.push(scc.sort());
      }
    };
    for (const f of graph.keys()) if (!idx.has(f)) visit(f);
    assert.deepEqual(circles, []);
  });

  // A guard, not a reference: the patterns are of notes kept outside the repository, which no file may cite.
  it('no file of the repository points at a path outside it', () => {
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter((f) => f && !/\.(png|vsix|db)$/.test(f));
    const outside = /\.\.\/shared\/(?:DESIGN|research)|\/work\/|DESIGN §|research\/[\w-]+\.md/;
    const wrong = tracked.filter((f) => {
      if (f === 'test/unit/architecture.test.ts') return false; // holds the pattern itself
      try {
        return outside.test(readFileSync(join(ROOT, f), 'utf8'));
      } catch {
        return false; // deleted in the working tree
      }
    });
    assert.deepEqual(wrong, []);
  });

  it('dist/server.js holds no node implementation and no integration library', async () => {
    const result = await buildInMemory('server');
    const inputs = Object.keys(result.metafile.inputs);
    assert.ok(
      inputs.some((p) => p.startsWith('runtime/catalog/')),
      'the check sees the catalog in the bundle',
    );

    const wrong = inputs.filter((p) => p.startsWith('runtime/nodes/') || p.startsWith('runtime/engine/run') || libraryOf(p) !== undefined);
    assert.deepEqual(wrong, []);
  });

  it('the CLI starts without the engine or any integration library: they are parts of their own, loaded on use', async () => {
    const result = await buildInMemory('cli');
    const outputs = result.metafile.outputs;
    const entry = Object.keys(outputs).find((o) => outputs[o]!.entryPoint === 'runtime/cli/bin.ts')!;
    // What `kailash-wf` loads before its first `import()`: the entry and its static imports.
    const loaded = new Set<string>();
    const next = [entry];
    while (next.length) {
      const o = next.pop()!;
      if (loaded.has(o)) continue;
      loaded.add(o);
      for (const i of outputs[o]!.imports) if (i.kind === 'import-statement' && !i.external) next.push(i.path);
    }
    const atStart = [...loaded].flatMap((o) => Object.keys(outputs[o]!.inputs));
    const later = Object.keys(outputs)
      .filter((o) => !loaded.has(o))
      .flatMap((o) => Object.keys(outputs[o]!.inputs));
    assert.ok(atStart.includes('runtime/validate/index.ts'), 'the check sees the validator at start');
    // `validate`, `graph`, `nodes` and `schema` start without the engine: `run` and `test` load it.
    for (const p of ['runtime/engine/run.ts', 'runtime/nodes/code/python-worker.ts']) {
      assert.ok(!atStart.includes(p), `${p} is at start`);
      assert.ok(later.includes(p), `${p} is in no later part`);
    }
    for (const l of ['pg', 'mysql2', '@aws-sdk', 'undici', 'bullmq', 'ioredis', 'kafkajs', 'nodemailer', 'ldapts', 'node-sqlite3-wasm'])
      assert.ok(
        later.some((p) => libraryOf(p) === l),
        `the check sees ${l} in a later part`,
      );
    assert.deepEqual(
      atStart.filter((p) => libraryOf(p) !== undefined || p.startsWith('runtime/worker/')),
      [],
    );
  });
});
