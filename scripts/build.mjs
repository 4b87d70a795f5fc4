// Bundles the extension, the language server and the CLI into dist/ with esbuild.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { bundles, finishDist } from './bundles.mjs';

// The CLI's parts are named by content hash: parts of an earlier build must not pile up.
rmSync('dist/cli', { recursive: true, force: true });
await Promise.all(Object.values(bundles).map((options) => build(options)));
rmSync('dist/cli.js.map', { force: true });
finishDist('dist');
