import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// How the server keeps its resident memory near what its documents hold. V8 frees garbage in the
// old generation only in a full collection, on its own schedule: each version of a 10,000-node
// file is a new 2.5 MB string that outlives the scavenges of its edit, so typing left the process
// 60 to 100 MB above its size at the open until V8's memory reducer ran (15 to 25 s of quiet here, by
// its heuristics) or the heap reached its limit (BENCHMARKS.md, issue 15).

/**
 * Old generation's limit as live size × 1.2 after each full collection, instead of V8's factor
 * for a fast collector (up to 4): the garbage of a burst of edits is collected as it builds up,
 * by V8's concurrent marking. At 10,000 nodes the peak while typing fell from about 205 to 160 MB,
 * the open as fast as before and edits within the spread of their rounds. Set at run time, so every editor's launch of the
 * server gets it; a V8 without the flag ignores it (`setFlagsFromString` does not fail).
 */
export const HEAP_GROWING_PERCENT = 20;

export function tuneHeap(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/**
 * Quiet time after which one full collection gives the last burst's garbage back (20 to 45 ms at
 * 10,000 nodes, when nobody waits for the server). Shorter than V8's five-second window for the
 * allocation rate on purpose: a collection after that window also shrinks the young generation
 * to its minimum, and the next burst of edits then promoted its garbage and ran at twice the p95.
 */
export const QUIET_MS = 2000;

export class IdleCollector {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly collect: (() => void) | undefined,
    private readonly quietMs = QUIET_MS,
  ) {}

  /** Work happened: collect once `quietMs` pass without more (once per stretch of work). */
  touch(): void {
    if (!this.collect) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.collect!();
    }, this.quietMs);
    // Never what keeps the process alive.
    this.timer.unref();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * V8's `gc()`: the one `--expose-gc` gives, else the same function exposed at run time (as
 * Microsoft's C/C++ extension for VS Code does), so that any editor's launch of the server has
 * it. Undefined where the runtime refuses.
 */
export function fullCollection(): (() => void) | undefined {
  const given = (globalThis as { gc?: () => void }).gc;
  if (typeof given === 'function') return () => given();
  try {
    setFlagsFromString('--expose-gc');
    const exposed: unknown = runInNewContext('gc');
    return typeof exposed === 'function' ? () => (exposed as () => void)() : undefined;
  } catch {
    return undefined;
  }
}
