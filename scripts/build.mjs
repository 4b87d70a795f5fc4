// Bundles the extension, the language server and the CLI into dist/ with esbuild.
import { build } from 'esbuild';
import { chmodSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { bundles } from './bundles.mjs';

await Promise.all(Object.values(bundles).map((options) => build(options)));
chmodSync('dist/cli.js', 0o755);
// SQLite's WebAssembly, which node-sqlite3-wasm loads from beside the bundle that runs it (the CLI and the run host).
copyFileSync(createRequire(import.meta.url).resolve('node-sqlite3-wasm/dist/node-sqlite3-wasm.wasm'), 'dist/node-sqlite3-wasm.wasm');
