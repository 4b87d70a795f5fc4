/**
 * NaN and the infinities have no JSON form, yet Kailash's code nodes return them as floats. They
 * cross the JSON line to and from Python apart from the value: `null` in place, plus the path and
 * the number's name.
 */
export type NonFinite = [path: (string | number)[], name: 'NaN' | 'Infinity' | '-Infinity'];

/** Paths of the non-finite numbers inside plain data (JSON's own tree: objects and arrays). */
export function nonFinitePaths(value: unknown): NonFinite[] {
  const out: NonFinite[] = [];
  const walk = (v: unknown, path: (string | number)[], depth: number): void => {
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) out.push([path, Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity']);
      return;
    }
    if (!v || typeof v !== 'object' || depth > 200) return;
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i], depth + 1));
    else if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) {
      for (const [k, x] of Object.entries(v)) walk(x, [...path, k], depth + 1);
    }
  };
  walk(value, [], 0);
  return out;
}

/** Puts the numbers back at their paths (a path that no longer leads anywhere is skipped). */
export function restoreNonFinite<T>(value: T, marks: readonly NonFinite[]): T {
  for (const [path, name] of marks) {
    if (!path.length) return Number(name) as T;
    let target: unknown = value;
    for (const k of path.slice(0, -1))
      target = target && typeof target === 'object' ? (target as Record<string | number, unknown>)[k] : undefined;
    if (target && typeof target === 'object') (target as Record<string | number, unknown>)[path[path.length - 1]!] = Number(name);
  }
  return value;
}
