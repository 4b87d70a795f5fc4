import { setOwn } from '../util/own';
import { PyFloat, PyTuple, keyOf, tuple, withKeys, type PyKey } from '../values/py';

/** Caps for previews in events: results keep whole values, live views get a bounded copy. */
const MAX_ITEMS = 20;
const MAX_STRING = 1000;
const MAX_DEPTH = 8;
const MAX_KEYS = 50;

/**
 * A structurally truncated copy of a value: long lists, strings and dicts are cut, and each cut
 * leaves a marker (`"… 980 more items"`) so a viewer can tell and fetch the whole result.
 */
export function preview(value: unknown): { value: unknown; truncated: boolean } {
  // Most values are small: then the preview is the value itself (events are data, never changed).
  if (fits(value, 0)) return { value, truncated: false };
  let truncated = false;
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') {
      if (v.length <= MAX_STRING) return v;
      truncated = true;
      return `${v.slice(0, MAX_STRING)}… (${v.length - MAX_STRING} more characters)`;
    }
    if (v === null || typeof v !== 'object' || v instanceof PyFloat) return v;
    if (depth >= MAX_DEPTH) {
      truncated = true;
      return Array.isArray(v) ? `… (list of ${v.length})` : '… (dict)';
    }
    if (Array.isArray(v)) {
      const head = v.slice(0, MAX_ITEMS).map((x) => walk(x, depth + 1));
      if (v.length > MAX_ITEMS) {
        truncated = true;
        head.push(`… ${v.length - MAX_ITEMS} more items`);
      }
      return v instanceof PyTuple ? tuple(head) : head;
    }
    const entries = Object.entries(v as Record<string, unknown>);
    const out: Record<string, unknown> = {};
    const keys = new Map<string, PyKey>();
    for (const [k, x] of entries.slice(0, MAX_KEYS)) {
      setOwn(out, k, walk(x, depth + 1));
      const original = keyOf(v, k);
      if (typeof original !== 'string') keys.set(k, original);
    }
    withKeys(out, keys);
    if (entries.length > MAX_KEYS) {
      truncated = true;
      out['…'] = `${entries.length - MAX_KEYS} more keys`;
    }
    return out;
  };
  const value2 = walk(value, 0);
  return { value: value2, truncated };
}

/** Whether a value is within every cap, so that its preview would equal it. */
function fits(v: unknown, depth: number): boolean {
  if (typeof v === 'string') return v.length <= MAX_STRING;
  if (v === null || typeof v !== 'object' || v instanceof PyFloat) return true;
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(v)) {
    if (v.length > MAX_ITEMS) return false;
    for (const x of v) if (!fits(x, depth + 1)) return false;
    return true;
  }
  let n = 0;
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    if (++n > MAX_KEYS || !fits((v as Record<string, unknown>)[k], depth + 1)) return false;
  }
  return true;
}
