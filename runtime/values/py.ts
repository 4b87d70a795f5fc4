/**
 * The value model: what a value between nodes is, so that it keeps its Python type across nodes
 * and in output (ARCHITECTURE.md, "Values"). A value is a JSON-like tree of plain JavaScript
 * (strings, booleans, null, numbers, arrays, plain objects) whose leaves may also be:
 *
 * - a `bigint`: a Python int outside ±(2^53 − 1), which a double cannot hold. Only there, so an
 *   ordinary int stays a number and costs nothing.
 * - a `PyFloat`: a Python float whose value is a whole number (`2.0`, `1e+20`, `-0.0`), which a JS
 *   number would print and type as an int. A float that is not whole (`0.5`), NaN and the
 *   infinities are plain numbers: no int has those values, so they cannot be mistaken.
 *
 * and whose arrays may be `PyTuple`s, and whose objects may carry the original keys of a Python
 * dict with keys that are not strings (`{1: 'one'}`): the object's own keys are the strings JSON
 * gives them (`"1"`), the original keys are kept beside them under `PY_KEYS`. A JS object lists
 * integer-like keys (`"2"`) first, whatever their insertion order; where that differs from the
 * dict's order, the dict's order is kept under `PY_ORDER` and `dictKeys` gives it.
 */
import { setOwn } from '../util/own';

/** A Python float that is a whole number: a JS number alone would be an int. */
export class PyFloat {
  constructor(readonly value: number) {}
  /** Arithmetic and comparisons in JS code see the number. */
  valueOf(): number {
    return this.value;
  }
  /** Code that writes JSON without knowing the model still writes the number (as `2`, not `2.0`). */
  toJSON(): number {
    return this.value;
  }
  toString(): string {
    return String(this.value);
  }
}

/** A Python tuple: a JS array that remembers it was one. Its `map`/`slice` make plain arrays. */
export class PyTuple<T = unknown> extends Array<T> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

/** A tuple holding these items. */
export function tuple<T>(items: readonly T[]): PyTuple<T> {
  const t = new PyTuple<T>();
  for (let i = 0; i < items.length; i++) t.push(items[i]!);
  return t;
}

/** The original (non-string) keys of a dict, by the string key the object holds. */
export const PY_KEYS: unique symbol = Symbol('kailash.pyKeys');

export type PyKey = string | number | bigint | boolean | null | PyFloat;

/** Records the original keys of `obj` (those that were not strings), by their JSON text. */
export function withKeys<T extends object>(obj: T, keys: Map<string, PyKey>): T {
  if (keys.size) Object.defineProperty(obj, PY_KEYS, { value: keys, enumerable: false, configurable: true });
  return obj;
}

/** The Python key behind an object's string key: the original int, float, bool or None, else the string. */
export function keyOf(obj: object, key: string): PyKey {
  const keys = (obj as { [PY_KEYS]?: Map<string, PyKey> })[PY_KEYS];
  return keys?.has(key) ? keys.get(key)! : key;
}

export function hasPyKeys(obj: object): boolean {
  return (obj as { [PY_KEYS]?: Map<string, PyKey> })[PY_KEYS] !== undefined;
}

/** A dict's keys in Python's order, where JavaScript's own order for the object differs. */
export const PY_ORDER: unique symbol = Symbol('kailash.pyOrder');

/** A key JavaScript lists before all others, in ascending order: an array index ("0" … "4294967294"). */
export function isIndexKey(k: string): boolean {
  const n = k.length;
  if (n === 0 || n > 10) return false;
  const first = k.charCodeAt(0);
  if (first < 48 || first > 57 || (first === 48 && n > 1)) return false;
  for (let i = 1; i < n; i++) {
    const c = k.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return n < 10 || Number(k) < 4294967295;
}

/**
 * Records on `obj`, built by setting `keys` in this order, that order, when JavaScript would list
 * them otherwise (an integer-like key after another key). `keys` may repeat a key: as in a dict,
 * its first place counts.
 */
export function keepOrder<T extends object>(obj: T, keys: readonly string[]): T {
  const own = Object.keys(obj);
  const order = own.length === keys.length ? keys : [...new Set(keys)];
  for (let i = 0; i < own.length; i++) {
    if (own[i] !== order[i]) {
      Object.defineProperty(obj, PY_ORDER, { value: order, enumerable: false, configurable: true });
      break;
    }
  }
  return obj;
}

/**
 * A dict's keys in Python's order: the object's own keys, in the order recorded by `keepOrder`
 * where there is one (keys removed since are skipped, keys added since come last).
 */
export function dictKeys(obj: object): string[] {
  const own = Object.keys(obj);
  const order = (obj as { [PY_ORDER]?: readonly string[] })[PY_ORDER];
  if (order === undefined) return own;
  const present = new Set(own);
  const out: string[] = [];
  for (const k of order) if (present.delete(k)) out.push(k);
  for (const k of own) if (present.has(k)) out.push(k);
  return out;
}

/** Whether JavaScript lists this object's keys in another order than its dict's. */
export function hasOrder(obj: object): boolean {
  return (obj as { [PY_ORDER]?: unknown })[PY_ORDER] !== undefined;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A Python int: a number when a double holds it exactly, else a bigint. */
export function pyInt(v: bigint | number): number | bigint {
  if (typeof v === 'number') return v;
  return v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v;
}

/** A Python float: a `PyFloat` when it is a whole number (so it still prints as a float), else the number. */
export function pyFloat(n: number): number | PyFloat {
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

/** A dict as Kailash means one: a plain object (not an array, not a PyFloat, not a Date or Buffer). */
export function isDict(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Whether a value is a number of either Python kind (bool is not). */
export function isNumeric(v: unknown): v is number | bigint | PyFloat {
  return typeof v === 'number' || typeof v === 'bigint' || v instanceof PyFloat;
}

/** A scalar: anything that is not a list or a dict. */
export function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object' || v instanceof PyFloat;
}

/** Python's `type(v).__name__`. */
export function pyType(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  switch (typeof v) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'bigint':
      return 'int';
  }
  if (v instanceof PyFloat) return 'float';
  if (v instanceof PyTuple) return 'tuple';
  return Array.isArray(v) ? 'list' : 'dict';
}

/**
 * The value as JavaScript code uses numbers: a `PyFloat` becomes its number (JS has one number
 * type). Used where a value leaves for a JS library that knows nothing of the model (a driver's
 * parameter, a setting). Big ints stay bigints: a driver takes them, and a number would lose digits.
 */
export function toJs(v: unknown, depth = 0): unknown {
  if (v instanceof PyFloat) return v.value;
  if (v === null || typeof v !== 'object' || depth > 200) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = toJs(v[i], depth + 1);
      if (x !== v[i] && !out) out = v.slice(0, i);
      if (out) out.push(x);
    }
    return out ?? (v instanceof PyTuple ? [...v] : v);
  }
  if (!isDict(v)) return v;
  let out: Record<string, unknown> | undefined;
  const keys = Object.keys(v);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const x = toJs(v[k], depth + 1);
    if (x !== v[k] && !out) {
      out = {};
      for (let j = 0; j < i; j++) setOwn(out, keys[j]!, v[keys[j]!]);
    }
    if (out) setOwn(out, k, x);
  }
  return out ?? v;
}

/** A number of either kind as a JS number (a big int rounds), for settings and arithmetic. */
export function toNumber(v: number | bigint | PyFloat): number {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : v.value;
}
