import { chmodSync, copyFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// The bundles `npm run build` writes into dist/, as esbuild options. The architecture test
// builds the language server's from here too, to check what lands in it.
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // The extension host supplies `vscode`; nothing else may stay external (no native addons).
  external: ['vscode'],
  // jsonc-parser's default (UMD) build requires its parts at run time, which a bundle cannot follow.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
};

/**
 * QuickJS loads its Emscripten glue with `import()`, which would pick the ES module build (it
 * needs `import.meta.url`, absent from a CommonJS bundle): take the CommonJS build instead.
 */
const quickjsCommonJs = {
  name: 'quickjs-commonjs',
  setup(b) {
    b.onResolve({ filter: /^@jitl\/quickjs-wasmfile-release-sync\/emscripten-module$/ }, (args) => ({
      path: createRequire(import.meta.url).resolve(args.path),
    }));
  },
};

/**
 * In the split CLI, `import('pkg')` of a CommonJS package would give only `default` (esbuild
 * treats it as Node treats `import()` of CommonJS), where the sources (run by tsx) and the other
 * bundles get its named exports too. So a CommonJS package imported lazily comes through a small
 * ES module that names each of its exports, listed by loading the package once at build time.
 * What Node cannot `require` (an ES module) is imported as it is.
 */
const lazyCommonJs = {
  name: 'lazy-commonjs',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const found = await b.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir });
      if (found.errors.length) return undefined;
      let names;
      try {
        names = Object.keys(createRequire(found.path)(found.path)).filter((n) => n !== 'default' && n !== '__esModule');
      } catch {
        return undefined;
      }
      return { path: found.path, namespace: 'lazy-commonjs', pluginData: names };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-commonjs' }, (args) => {
      const from = JSON.stringify(args.path);
      const named = args.pluginData.map((n, i) => `const n${i} = m[${JSON.stringify(n)}];\nexport { n${i} as ${JSON.stringify(n)} };`);
      return {
        contents: [`import * as m from ${from};`, 'export default m.default;', ...named].join('\n'),
        resolveDir: dirname(args.path),
        loader: 'js',
      };
    });
  },
};

export const bundles = {
  extension: { ...common, entryPoints: ['client/extension.ts'], outfile: 'dist/extension.js', minify: true },
  // Loaded on first use by the extension (client/lazy.ts), not at activation.
  editorModel: { ...common, entryPoints: ['client/model.ts'], outfile: 'dist/editor-model.js', minify: true },
  // The run host carries the runtime and every integration library, away from the main bundle.
  runHost: { ...common, entryPoints: ['client/run-host.ts'], outfile: 'dist/run-host.js', minify: true },
  webview: {
    entryPoints: ['client/webview/main.ts'],
    outfile: 'dist/webview.js',
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  },
  webviewCss: { entryPoints: ['client/webview/style.css'], outfile: 'dist/webview.css', bundle: true, minify: true, logLevel: 'warning' },
  // Reads specs, never runs nodes: nothing it imports reaches runtime/nodes/ (the architecture test checks).
  server: { ...common, entryPoints: ['server/server.ts'], outfile: 'dist/server.js', minify: true },
  // JavaScriptCodeNode's sandbox thread, started by the run host and the CLI from beside them.
  jsThread: {
    ...common,
    entryPoints: ['runtime/nodes/code/js-thread.ts'],
    outfile: 'dist/js-thread.js',
    minify: true,
    plugins: [quickjsCommonJs],
  },
  // The CLI is the one bundle split in parts: a process that runs a workflow of code nodes must
  // not compile the integration libraries (AWS SDK, mysql2, BullMQ, undici… 4 MB of 5) that only
  // other node types and commands load. esbuild splits only ES modules, so the CLI is ESM in
  // dist/cli/ (each `import()` of the sources a part of its own, loaded when reached), behind
  // dist/cli.js, a CommonJS stub that keeps `kailash-wf`'s path (scripts/build.mjs writes it).
  cli: {
    ...common,
    entryPoints: { main: 'runtime/cli/bin.ts' },
    outdir: 'dist/cli',
    format: 'esm',
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: '[name]-[hash]',
    minify: true,
    plugins: [lazyCommonJs],
    // What the CommonJS code inside expects: `require` for Node's modules, and `__dirname` the
    // folder of the other bundles (dist/), where the WebAssembly files and js-thread.js are.
    banner: {
      js: [
        "import { createRequire as __kwfRequire } from 'node:module';",
        "import { fileURLToPath as __kwfPath } from 'node:url';",
        'const require = __kwfRequire(import.meta.url);',
        "const __dirname = __kwfPath(new URL('..', import.meta.url)).replace(/[\\\\/]$/, '');",
        "const __filename = __dirname + '/cli.js';",
      ].join(' '),
    },
  },
};

/**
 * dist/cli.js: `kailash-wf` itself, loading the CLI's ES modules. A command's process is short
 * and allocates mostly short-lived values: it keeps V8's young generation at its first size
 * rather than letting it double up to 16 MB a half (a 1,000-node run: peak RSS 103 → 85 MiB,
 * the same CPU time). Only the growth factor is read after start-up; a `worker` runs for long
 * and keeps V8's default. The interrupt budget (V8's default 66 KB of bytecode run per profiler
 * tick) is four times V8's: functions run longer in the baseline tiers before TurboFan compiles
 * them, which in a command's short process is mostly compilation that never pays back (a
 * 1,000-node run: about 0.1 ms less CPU per node; BENCHMARKS.md). Long loops still optimize.
 * TurboFan never compiles fast-yaml's `flow` (the reader of one-line flow collections, which a
 * chain file is made of): its compile, with all it inlines, was about a tenth of the process's
 * instructions for a 1,000-node file, on a background thread, and V8 threw it away (aborted on
 * a dependency change) before the file was read; `flow` runs in the baseline tier as it did.
 */
export const cliStub = [
  '#!/usr/bin/env node',
  "'use strict';",
  "if (process.argv[2] !== 'worker') require('node:v8').setFlagsFromString('--semi-space-growth-factor=1 --interrupt-budget=262144 --turbo-filter=-flow');",
  "import('./cli/main.mjs');",
  '',
].join('\n');

/**
 * What a dist folder holds beside the bundles: the CLI's stub, and the WebAssembly both engines
 * load from beside the bundles that run them (the CLI, the run host, JavaScriptCodeNode's
 * sandbox thread).
 */
export function finishDist(dist) {
  const require = createRequire(import.meta.url);
  writeFileSync(join(dist, 'cli.js'), cliStub);
  chmodSync(join(dist, 'cli.js'), 0o755);
  copyFileSync(require.resolve('node-sqlite3-wasm/dist/node-sqlite3-wasm.wasm'), join(dist, 'node-sqlite3-wasm.wasm'));
  const quickjs = dirname(require.resolve('@jitl/quickjs-wasmfile-release-sync/package.json'));
  copyFileSync(join(quickjs, 'dist', 'emscripten-module.wasm'), join(dist, 'quickjs.wasm'));
}
