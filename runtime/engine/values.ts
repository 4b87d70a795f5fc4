import type { TypeSpec } from '../catalog/types';
import { NodeFailure } from './errors';
import { pyRepr, pyStr } from '../values/print';
import { PyFloat, PyTuple, isDict, pyInt, pyType } from '../values/py';

export { pyStr } from '../values/print';

/** Kailash's dotted output paths: dict keys only, falling back to a literal key with dots. */
export function readPath(output: Record<string, unknown>, path: string): { found: boolean; value?: unknown } {
  if (Object.prototype.hasOwnProperty.call(output, path)) return { found: true, value: output[path] };
  if (!path.includes('.')) return { found: false };
  let cur: unknown = output;
  for (const part of path.split('.')) {
    if (!isDict(cur) || !Object.prototype.hasOwnProperty.call(cur, part)) {
      return { found: false };
    }
    cur = (cur as Record<string, unknown>)[part];
  }
  return { found: true, value: cur };
}

/**
 * Kailash's input coercion: accept the declared type, else try `type(value)` and fail with
 * Kailash's message when it cannot convert.
 */
export function coerce(name: string, value: unknown, t: TypeSpec): unknown {
  if (value === null || value === undefined || t.type === 'Any') return value;
  // Declared settings are read by JavaScript implementations, so numbers arrive as JS numbers
  // (a big int stays exact); data (`Any`, lists, dicts) keeps its Python types untouched.
  switch (t.type) {
    case 'str':
      return typeof value === 'string' ? value : pyStr(value);
    case 'int':
      if (typeof value === 'number')
        return Number.isFinite(value)
          ? Math.trunc(value)
          : conversionFailed(name, value, t, `cannot convert float ${pyRepr(value)} to integer`);
      if (typeof value === 'bigint') return value;
      if (value instanceof PyFloat)
        return Number.isFinite(value.value)
          ? Math.trunc(value.value) + 0
          : conversionFailed(name, value, t, `cannot convert float ${pyRepr(value)} to integer`);
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return pyInt(BigInt(value.trim()));
      return conversionFailed(name, value, t, `invalid literal for int() with base 10: ${pyRepr(value)}`);
    case 'float':
      if (typeof value === 'number') return value;
      if (value instanceof PyFloat) return value.value;
      if (typeof value === 'bigint') return Number(value);
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
      return conversionFailed(name, value, t, `could not convert string to float: ${pyRepr(value)}`);
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      if (typeof value === 'bigint') return value !== 0n;
      if (value instanceof PyFloat) return value.value !== 0;
      if (typeof value === 'string') return value.length > 0;
      return Array.isArray(value) ? value.length > 0 : Object.keys(value as object).length > 0;
    case 'list':
      if (value instanceof PyTuple) return [...value];
      if (Array.isArray(value)) return value;
      return conversionFailed(name, value, t, `${typeOf(value)} is not a list`);
    case 'dict':
      if (isDict(value)) return value;
      return conversionFailed(name, value, t, `${typeOf(value)} is not a dict`);
  }
}

function conversionFailed(name: string, value: unknown, t: TypeSpec, why: string): never {
  throw new NodeFailure(
    'NodeValidationError',
    `Input '${name}' must be of type ${t.type}, got ${typeOf(value)}. Conversion failed: ${why}`,
  );
}

/** Python's `type(v).__name__`. */
export const typeOf = pyType;
