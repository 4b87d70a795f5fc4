import type { TypeSpec } from '../../runtime/catalog/types';
import { describeType } from '../../runtime/catalog/typing';
import { PyFloat } from '../../runtime/values/py';
import { fromTagged } from '../../runtime/values/wire';

/**
 * The Kailash type of a value, as the checker names types (`str`, `int`, `list[dict]`): a dict's
 * fields, and a list's element type when its elements agree (`Any` when they do not).
 */
export function inferType(value: unknown, depth = 0): TypeSpec {
  // Panel values come in the tagged form of runtime/values/wire.ts: `{"$int": "…"}` is an int, not a dict.
  if (depth === 0 && value !== null && typeof value === 'object') value = fromTagged(structuredClone(value));
  if (value === null || value === undefined) return { type: 'Any' };
  if (typeof value === 'bigint') return { type: 'int' };
  if (value instanceof PyFloat) return { type: 'float' };
  if (typeof value === 'string') return { type: 'str' };
  if (typeof value === 'boolean') return { type: 'bool' };
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'int' : 'float' };
  if (depth > 6) return { type: Array.isArray(value) ? 'list' : 'dict' };
  if (Array.isArray(value)) {
    const items = value.filter((x) => !isMarker(x)).map((x) => inferType(x, depth + 1));
    if (items.length === 0) return { type: 'list' };
    return { type: 'list', items: items.reduce(unify) };
  }
  const fields: Record<string, TypeSpec> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (k !== '…') fields[k] = inferType(v, depth + 1);
  return { type: 'dict', fields };
}

/** The type two values share: the same base type (dict fields merged), or `Any`. */
function unify(a: TypeSpec, b: TypeSpec): TypeSpec {
  if (a.type === 'Any') return b;
  if (b.type === 'Any') return a;
  if (a.type === 'int' && b.type === 'float') return b;
  if (a.type === 'float' && b.type === 'int') return a;
  if (a.type !== b.type) return { type: 'Any' };
  if (a.type === 'list') return a.items && b.items ? { type: 'list', items: unify(a.items, b.items) } : { type: 'list' };
  if (a.type === 'dict') {
    const fields: Record<string, TypeSpec> = { ...a.fields };
    for (const [k, t] of Object.entries(b.fields ?? {})) fields[k] = fields[k] ? unify(fields[k]!, t) : t;
    return { type: 'dict', fields };
  }
  return a;
}

/** A preview's cut marks (runtime/engine/preview.ts) are not data. */
export function isMarker(v: unknown): boolean {
  return typeof v === 'string' && /^… \d+ more items$/.test(v);
}

export interface SchemaLine {
  depth: number;
  name: string;
  type: string;
}

/** The schema view: one line per field, nested fields indented, list elements as `[]`. */
export function schemaLines(t: TypeSpec, name = '', depth = 0, out: SchemaLine[] = []): SchemaLine[] {
  if (name) out.push({ depth, name, type: describeType(t) });
  const inner = depth + (name ? 1 : 0);
  if (t.type === 'dict') for (const [k, f] of Object.entries(t.fields ?? {})) schemaLines(f, k, inner, out);
  else if (t.type === 'list' && t.items && (t.items.type === 'dict' || t.items.type === 'list')) schemaLines(t.items, '[]', inner, out);
  return out;
}
