export interface Output {
  out: (s: string) => void;
  err: (s: string) => void;
}

/**
 * Standard output written in batches: a run writes two lines per node, and each write to a pipe
 * or terminal is a system call (a 1,000-node run spent a tenth of its time in them). Text waits
 * at most `ms` (no delay a person sees) or until `max` characters. A write to standard error
 * first writes what waits, so lines keep the order they were written in on a terminal.
 */
export function batched(io: Output, ms = 25, max = 1 << 16): Output & { flush(): void } {
  let parts: string[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!parts.length) return;
    const text = parts.join('');
    parts = [];
    size = 0;
    io.out(text);
  };
  return {
    out: (s) => {
      parts.push(s);
      size += s.length;
      if (size >= max) flush();
      else timer ??= setTimeout(flush, ms);
    },
    err: (s) => {
      flush();
      io.err(s);
    },
    flush,
  };
}
