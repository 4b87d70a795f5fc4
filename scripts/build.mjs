// Bundles the extension, the language server and the CLI into dist/ with esbuild.
import { build } from 'esbuild';
import { chmodSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { bundles } from './bundles.mjs';

const require = createRequire(import.meta.url);
await Promise.all(Object.values(bundles).map((options) => build(options)));
chmodSync('dist/cli.js', 0o755);
// The WebAssembly both engines load from beside the bundles that run them (the CLI, the run host,
// JavaScriptCodeNode's sandbox thread).
copyFileSync(require.resolve('node-sqlite3-wasm/dist/node-sqlite3-wasm.wasm'), 'dist/node-sqlite3-wasm.wasm');
const quickjs = dirname(require.resolve('@jitl/quickjs-wasmfile-release-sync/package.json'));
copyFileSync(join(quickjs, 'dist', 'emscripten-module.wasm'), 'dist/quickjs.wasm');
