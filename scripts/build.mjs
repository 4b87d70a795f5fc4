// Bundles the extension, the language server and the CLI into dist/ with esbuild.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
import { bundles } from './bundles.mjs';

await Promise.all(Object.values(bundles).map((options) => build(options)));
chmodSync('dist/cli.js', 0o755);
