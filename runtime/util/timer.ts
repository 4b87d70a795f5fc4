/** Node's timers hold 32 bits: a longer delay (over ~24.8 days) fires after 1 ms instead. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LongTimer {
  clear(): void;
}

/** `setTimeout` for any delay, in chunks Node can hold; a non-finite delay never fires. */
export function longTimeout(fn: () => void, ms: number): LongTimer {
  let timer: NodeJS.Timeout | undefined;
  if (!Number.isFinite(ms)) return { clear: () => undefined };
  const end = Date.now() + Math.max(0, ms);
  const arm = () => {
    const left = end - Date.now();
    timer = left > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(fn, Math.max(0, left));
  };
  arm();
  return { clear: () => clearTimeout(timer) };
}
