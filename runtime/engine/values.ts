import type { TypeSpec } from '../catalog/types';
import { NodeFailure } from './errors';

/** Python's `str()` of a JSON-like value, as Kailash embeds values into template strings. */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  return pyRepr(v);
}

function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return pyNumberRepr(v);
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
    .join(', ')}}`;
}

/**
 * Python's repr of a number. JS does not tell 2 from 2.0; a whole number prints as an int below
 * 1e16 and as Python prints a float above it (where a double no longer holds every int anyway).
 */
export function pyNumberRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e < -4 || e >= 16) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return String(n);
}

/** Kailash's dotted output paths: dict keys only, falling back to a literal key with dots. */
export function readPath(output: Record<string, unknown>, path: string): { found: boolean; value?: unknown } {
  if (Object.prototype.hasOwnProperty.call(output, path)) return { found: true, value: output[path] };
  if (!path.includes('.')) return { found: false };
  let cur: unknown = output;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, part)) {
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
  const fail = (why: string): never => {
    throw new NodeFailure(
      'NodeValidationError',
      `Input '${name}' must be of type ${t.type}, got ${typeOf(value)}. Conversion failed: ${why}`,
    );
  };
  switch (t.type) {
    case 'str':
      return typeof value === 'string' ? value : pyStr(value);
    case 'int':
      if (typeof value === 'number') return Math.trunc(value);
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return Number.parseInt(value, 10);
      return fail(`invalid literal for int() with base 10: ${pyRepr(value)}`);
    case 'float':
      if (typeof value === 'number') return value;
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
      return fail(`could not convert string to float: ${pyRepr(value)}`);
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      if (typeof value === 'string') return value.length > 0;
      return Array.isArray(value) ? value.length > 0 : Object.keys(value as object).length > 0;
    case 'list':
      if (Array.isArray(value)) return value;
      return fail(`${typeOf(value)} is not a list`);
    case 'dict':
      if (typeof value === 'object' && !Array.isArray(value)) return value;
      return fail(`${typeOf(value)} is not a dict`);
  }
}

export function typeOf(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return Array.isArray(v) ? 'list' : 'dict';
}
