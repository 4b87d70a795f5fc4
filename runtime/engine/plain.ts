/**
 * Where a node's output stops being plain data, as a path (`result.results[1]`), or undefined.
 * Outputs travel as JSON (`run --json`, the run host, worker records), so a value that holds
 * itself would crash the run after its side effects happened; the engine turns it into that
 * node's failure instead. Shared (non-cyclic) references are fine: JSON copies them. Big ints,
 * whole floats and tuples are values of the model (runtime/values/py.ts).
 */
export function notPlain(value: unknown): string | undefined {
  const ancestors = new Set<object>();
  const walk = (v: unknown, path: string): string | undefined => {
    if (v === null || typeof v !== 'object') return undefined;
    if (ancestors.has(v)) return `${path} refers to itself`;
    ancestors.add(v);
    try {
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const bad = walk(v[i], `${path}[${i}]`);
          if (bad) return bad;
        }
        return undefined;
      }
      for (const k of Object.keys(v)) {
        const bad = walk((v as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
        if (bad) return bad;
      }
      return undefined;
    } finally {
      ancestors.delete(v);
    }
  };
  return walk(value, '');
}
