// Bundles the extension, the language server and the CLI into dist/ with esbuild.
import { build } from 'esbuild';
import { chmodSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // The extension host supplies `vscode`; nothing else may stay external (no native addons).
  external: ['vscode'],
};

/**
 * The language server reads specs for their params and outputs, never runs nodes: the node
 * implementations (and their database, cloud and messaging libraries) are left out of its bundle.
 * SwitchNode's case naming stays, since validation needs it.
 */
const withoutNodeRuntimes = {
  name: 'without-node-runtimes',
  setup(b) {
    b.onResolve({ filter: /\/nodes\// }, (args) => {
      if (!/[\\/]catalog[\\/]specs[\\/]/.test(args.importer) || /logic\/switch$/.test(args.path)) return undefined;
      return { path: args.path, namespace: 'node-runtime-stub' };
    });
    b.onLoad({ filter: /.*/, namespace: 'node-runtime-stub' }, () => ({
      contents: `module.exports = new Proxy({}, { get: (_, k) => (k === '__esModule' ? false : () => { throw new Error('Node runtimes are not part of the language server'); }) });`,
      loader: 'js',
    }));
  },
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

await Promise.all([
  build({ ...common, entryPoints: ['client/extension.ts'], outfile: 'dist/extension.js', minify: true }),
  // Loaded on first use by the extension (client/lazy.ts), not at activation.
  build({ ...common, entryPoints: ['client/model.ts'], outfile: 'dist/editor-model.js', minify: true }),
  // The run host carries the runtime and every integration library, away from the main bundle.
  build({ ...common, entryPoints: ['client/run-host.ts'], outfile: 'dist/run-host.js', minify: true }),
  build({ entryPoints: ['client/webview/main.ts'], outfile: 'dist/webview.js', bundle: true, format: 'iife', platform: 'browser', target: 'es2022', minify: true, sourcemap: true, logLevel: 'warning' }),
  build({ entryPoints: ['client/webview/style.css'], outfile: 'dist/webview.css', bundle: true, minify: true, logLevel: 'warning' }),
  build({ ...common, entryPoints: ['server/server.ts'], outfile: 'dist/server.js', minify: true, plugins: [withoutNodeRuntimes] }),
  build({ ...common, entryPoints: ['runtime/cli/bin.ts'], outfile: 'dist/cli.js', minify: true, banner: { js: '#!/usr/bin/env node' } }),
  // JavaScriptCodeNode's sandbox thread, started by the run host and the CLI from beside them.
  build({ ...common, entryPoints: ['runtime/nodes/code/js-thread.ts'], outfile: 'dist/js-thread.js', minify: true, plugins: [quickjsCommonJs] }),
]);
// QuickJS's WebAssembly, read by runtime/nodes/code/js-worker.ts from beside the bundles.
const quickjs = dirname(createRequire(import.meta.url).resolve('@jitl/quickjs-wasmfile-release-sync/package.json'));
copyFileSync(join(quickjs, 'dist', 'emscripten-module.wasm'), 'dist/quickjs.wasm');
chmodSync('dist/cli.js', 0o755);
