// The fuzz test at a larger count: `npm run fuzz` (ten times `npm test`'s), `npm run fuzz -- 50`
// for fifty times, KWF_FUZZ_SEED=n to replay one seed.
import { spawnSync } from 'node:child_process';

const scale = Number(process.argv[2] ?? 10);
if (!Number.isFinite(scale) || scale < 1) {
  console.error(`usage: npm run fuzz -- [scale ≥ 1] (got '${process.argv[2]}')`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', 'test/unit/fuzz.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, KWF_FUZZ_SCALE: String(scale) },
});
process.exit(r.status ?? 1);
