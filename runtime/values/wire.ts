import { setOwn } from '../util/own';
import { floatRepr } from './print';
import {
  PY_KEYS,
  PyFloat,
  PyTuple,
  dictKeys,
  hasOrder,
  isDict,
  isIndexKey,
  keepOrder,
  keyOf,
  pyFloat,
  pyInt,
  tuple,
  withKeys,
  type PyKey,
} from './py';

/**
 * The tagged JSON form of a value: plain JSON wherever JSON holds the value exactly, and
 * `{"$int": "9007199254740993"}`, `{"$float": "2.0" | "nan" | "inf" | "-inf"}`,
 * `{"$tuple": [...]}` and `{"$dict": [[key, value], ...]}` (a dict with keys that are not strings,
 * whose one key is one of these tags, or whose order a JS object would change: `{"b": 1, "2": 2}`)
 * where it does not. The Python worker reads and writes
 * this form, and so does anything that carries a run's values through JSON (the run host, worker
 * records), so a value survives any number of crossings.
 */
const TAGS = new Set(['$int', '$float', '$tuple', '$dict']);

/** The tagged form of a value; the value itself (no copy) when nothing in it needs a tag. */
export function toTagged(v: unknown, depth = 0): unknown {
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? v : { $float: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' };
    case 'bigint':
      return { $int: v.toString() };
    case 'object':
      break;
    default:
      return v;
  }
  if (v === null || depth > 500) return v;
  if (v instanceof PyFloat) return { $float: floatRepr(v.value) };
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = toTagged(v[i], depth + 1);
      if (x !== v[i] && !out) out = v.slice(0, i);
      if (out) out.push(x);
    }
    if (v instanceof PyTuple) return { $tuple: out ?? [...v] };
    return out ?? v;
  }
  if (!isDict(v)) return v;
  const keys = dictKeys(v);
  if ((v as { [PY_KEYS]?: unknown })[PY_KEYS] !== undefined || hasOrder(v) || (keys.length === 1 && TAGS.has(keys[0]!))) {
    return { $dict: keys.map((k) => [toTagged(keyOf(v, k), depth + 1), toTagged(v[k], depth + 1)]) };
  }
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const x = toTagged(v[k], depth + 1);
    if (x !== v[k] && !out) {
      out = {};
      for (let j = 0; j < i; j++) define(out, keys[j]!, v[keys[j]!]);
    }
    if (out) define(out, k, x);
  }
  return out ?? v;
}

function define(o: Record<string, unknown>, k: string, value: unknown): void {
  setOwn(o, k, value);
}

/** The string a Python dict key becomes in JSON (`json.dumps({1: 0})` is `{"1": 0}`). */
export function jsonKey(k: PyKey): string {
  if (typeof k === 'string') return k;
  if (k === null) return 'null';
  if (typeof k === 'boolean') return k ? 'true' : 'false';
  if (typeof k === 'bigint') return k.toString();
  if (k instanceof PyFloat) return floatRepr(k.value);
  if (Number.isNaN(k)) return 'NaN';
  if (!Number.isFinite(k)) return k > 0 ? 'Infinity' : '-Infinity';
  return Number.isInteger(k) ? String(k) : floatRepr(k);
}

/** A value from its tagged form. Changes the parsed tree in place (it is fresh from JSON.parse). */
export function fromTagged(v: unknown, depth = 0): unknown {
  if (v === null || typeof v !== 'object' || depth > 500) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = fromTagged(v[i], depth + 1);
    return v;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && TAGS.has(keys[0]!)) {
    const x = o[keys[0]!];
    switch (keys[0]) {
      case '$int':
        if (typeof x === 'string') return pyInt(BigInt(x));
        break;
      case '$float':
        if (typeof x === 'string') return x === 'nan' ? NaN : x === 'inf' ? Infinity : x === '-inf' ? -Infinity : pyFloat(Number(x));
        break;
      case '$tuple':
        if (Array.isArray(x)) return tuple(fromTagged(x, depth + 1) as unknown[]);
        break;
      case '$dict':
        if (Array.isArray(x)) return dictOf(x, depth);
        break;
    }
  }
  for (const k of keys) o[k] = fromTagged(o[k], depth + 1);
  return o;
}

function dictOf(pairs: unknown[], depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const original = new Map<string, PyKey>();
  const order: string[] = [];
  let reorders = false;
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2) continue;
    const k = fromTagged(pair[0], depth + 1) as PyKey;
    const s = jsonKey(k);
    if (typeof k !== 'string') original.set(s, k);
    else original.delete(s);
    define(out, s, fromTagged(pair[1], depth + 1));
    order.push(s);
    if (!reorders && isIndexKey(s)) reorders = true;
  }
  if (reorders) keepOrder(out, order);
  return withKeys(out, original);
}

/** Whether a value's JSON form needs tags (a run's values usually do not). */
export function needsTags(v: unknown): boolean {
  return toTagged(v) !== v;
}
