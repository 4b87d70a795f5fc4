/** Python's `==` on JSON-like values: `1 == 1.0`, deep equality of lists and dicts. */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    // True == 1 in Python.
    const na = typeof a === 'boolean' ? Number(a) : a;
    const nb = typeof b === 'boolean' ? Number(b) : b;
    return typeof na === 'number' && typeof nb === 'number' && na === nb;
  }
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    return (
      ka.length === kb.length &&
      ka.every((k) => k in (b as object) && pyEquals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    );
  }
  return false;
}

/** Python's `x in container` for lists, strings and dicts; `undefined` when Python would raise. */
export function pyIn(x: unknown, container: unknown): boolean | undefined {
  if (Array.isArray(container)) return container.some((c) => pyEquals(x, c));
  if (typeof container === 'string') return typeof x === 'string' ? container.includes(x) : undefined;
  if (container !== null && typeof container === 'object') return typeof x === 'string' && x in container;
  return undefined;
}

/** Python ordering between numbers or between strings; `undefined` when Python would raise. */
export function pyCompare(a: unknown, b: unknown): number | undefined {
  const num = (v: unknown) => (typeof v === 'boolean' ? Number(v) : v);
  const x = num(a);
  const y = num(b);
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  return undefined;
}
