import { createRequire } from 'node:module';

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
  cli: { ...common, entryPoints: ['runtime/cli/bin.ts'], outfile: 'dist/cli.js', minify: true, banner: { js: '#!/usr/bin/env node' } },
};
