import { PyFloat, PyTuple, isDict, keyOf } from './py';

/** A number of the model (bool included, as Python's `True == 1`), or undefined for anything else. */
function numeric(v: unknown): number | bigint | undefined {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat) return v.value;
  return undefined;
}

/** Exact comparison of two numbers of either kind (a big int against a double, too). */
function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number' && Number.isNaN(a)) return NaN;
  if (typeof b === 'number' && Number.isNaN(b)) return NaN;
  const big = (x: number | bigint): bigint | undefined => (typeof x === 'bigint' ? x : Number.isInteger(x) ? BigInt(x) : undefined);
  const x = big(a);
  const y = big(b);
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  // One is a big int, the other a fraction or an infinity: the doubles are far enough apart.
  return Number(a) - Number(b);
}

/** Python's `==`: `1 == 1.0 == True`, exact big ints, deep lists and dicts; a tuple never equals a list. */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined || y !== undefined) return x !== undefined && y !== undefined && compareNumbers(x, y) === 0;
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a instanceof PyTuple === b instanceof PyTuple &&
      a.length === b.length &&
      a.every((v, i) => pyEquals(v, b[i]))
    );
  }
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && pyEquals(keyOf(a, k), keyOf(b, k)) && pyEquals(a[k], b[k]));
  }
  return false;
}

/** Python's `x in container` for lists, strings and dicts; `undefined` when Python would raise. */
export function pyIn(x: unknown, container: unknown): boolean | undefined {
  if (Array.isArray(container)) return container.some((c) => pyEquals(x, c));
  if (typeof container === 'string') return typeof x === 'string' ? container.includes(x) : undefined;
  if (isDict(container)) return Object.keys(container).some((k) => pyEquals(keyOf(container, k), x));
  return undefined;
}

/** Python ordering between numbers (of any kind) or between strings; `undefined` when Python would raise. */
export function pyCompare(a: unknown, b: unknown): number | undefined {
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined && y !== undefined) return compareNumbers(x, y);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}
