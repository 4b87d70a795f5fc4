import { performance } from 'node:perf_hooks';

export function time(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface Row {
  name: string;
  value: number;
  baseline: number;
  baselineName: string;
  /** The ratio to stay under. */
  goal?: number;
  /** An absolute goal instead, with its verdict computed by the bench (e.g. `≤ 20 µs/node met`). */
  goalText?: string;
}

/** Prints a Markdown table: each figure beside its same-run baseline and the ratio. */
export function report(title: string, rows: Row[], unit = 'ms'): void {
  console.log(`\n### ${title}\n`);
  console.log(`| benchmark | ${unit} | baseline | baseline ${unit} | ratio | goal |`);
  console.log('|---|---:|---|---:|---:|---|');
  for (const r of rows) {
    const ratio = r.value / r.baseline;
    const goal = r.goalText ?? (r.goal === undefined ? '' : `≤ ${r.goal} ${ratio <= r.goal ? 'met' : 'MISSED'}`);
    console.log(
      `| ${r.name} | ${r.value.toFixed(unit === 'MB' ? 2 : 1)} | ${r.baselineName} | ${r.baseline.toFixed(unit === 'MB' ? 2 : 1)} | ${ratio.toFixed(2)} | ${goal} |`,
    );
  }
}
