// Runs every bench/*.bench.ts and prints its table (figures beside same-run baselines).
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { readdirSync } from 'node:fs';

console.log(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
);
for (const f of readdirSync('bench')
  .filter((x) => x.endsWith('.bench.ts'))
  .sort()) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', `require('./bench/${f}').run()`], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
