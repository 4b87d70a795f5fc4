import type { Entry, MapValue, Value } from './types';
import { setOwn } from '../util/own';
import { isIndexKey, keepOrder } from '../values/py';

/** The entry of a mapping with this key (the first, if a file repeats it). */
export function getEntry(map: MapValue | undefined, key: string): Entry | undefined {
  if (!map) return undefined;
  // Indexed: called for every key of every node and connection, mostly before the JIT has run.
  const entries = map.entries;
  for (let i = 0; i < entries.length; i++) if (entries[i]!.key === key) return entries[i];
  return undefined;
}

/** Plain JavaScript for a value, as `yaml.safe_load` would give it. */
export function toPlain(value: Value | undefined): unknown {
  if (!value) return undefined;
  switch (value.kind) {
    case 'scalar':
      return value.value;
    case 'seq':
      return value.items.map(toPlain);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const e of value.entries) setOwn(out, e.key, toPlain(e.value));
      return out;
    }
  }
}

/**
 * A value as a run gets it, as `yaml.safe_load` (or `json.load`) gives it to Kailash: the same as
 * `toPlain`, except that `2.0` is a float and 12345678901234567890 an exact int (runtime/values).
 */
export function toValue(value: Value | undefined): unknown {
  if (!value) return undefined;
  switch (value.kind) {
    case 'scalar':
      return value.exact ?? value.value;
    case 'seq':
      return value.items.map(toValue);
    case 'map': {
      const out: Record<string, unknown> = {};
      let reorders = false;
      for (const e of value.entries) {
        setOwn(out, e.key, toValue(e.value));
        if (!reorders && isIndexKey(e.key)) reorders = true;
      }
      return reorders
        ? keepOrder(
            out,
            value.entries.map((e) => e.key),
          )
        : out;
    }
  }
}

/** The Kailash type name of a value, for messages (`str`, `int`, `dict`, …). */
export function kailashTypeOf(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (Array.isArray(value)) return 'list';
  return 'dict';
}

export function isScalarString(value: Value | undefined): value is Value & { kind: 'scalar'; value: string } {
  return value?.kind === 'scalar' && typeof value.value === 'string';
}
