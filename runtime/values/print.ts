import { PY_KEYS, PyFloat, PyTuple, dictKeys, isDict, keyOf, type PyKey } from './py';

/** Python's `repr(float)`: the shortest digits that round-trip, `1e+20` from 1e16 up, `1e-05` below 1e-4. */
export function floatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e < -4 || e >= 16) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  const s = String(n);
  return s.includes('.') ? s : `${s}.0`;
}

/** Python's repr of an int held in a number: every digit the double holds. */
function intRepr(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

/** The text of a number as Python prints it (`repr` and `str` agree for numbers). */
export function numberRepr(v: number | bigint | PyFloat): string {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (Number.isInteger(v)) return Object.is(v, -0) ? '0' : intRepr(v);
  return floatRepr(v);
}

/** Python's `repr(str)`: single quotes unless the text holds one and no double quote. */
export function strRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === q) out += `\\${q}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + q;
}

function keyRepr(k: PyKey): string {
  return pyRepr(k);
}

/** Python's `repr()` of a value. */
export function pyRepr(v: unknown, depth = 0): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return strRepr(v);
  if (typeof v === 'number' || typeof v === 'bigint' || v instanceof PyFloat) return numberRepr(v);
  if (depth > 200) return '...';
  if (v instanceof PyTuple) {
    const items = v.map((x) => pyRepr(x, depth + 1));
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  if (Array.isArray(v)) return `[${v.map((x) => pyRepr(x, depth + 1)).join(', ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keyed = (o as { [PY_KEYS]?: unknown })[PY_KEYS] !== undefined;
    return `{${dictKeys(o)
      .map((k) => `${keyed ? keyRepr(keyOf(o, k)) : strRepr(k)}: ${pyRepr(o[k], depth + 1)}`)
      .join(', ')}}`;
  }
  return strRepr(String(v));
}

/** Python's `str()`: a string is itself, anything else its repr. */
export function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

export interface JsonOptions {
  /** Spaces per level (Python's `indent`: 0 is one item a line); without it, one line with Python's `, ` and `: `. */
  indent?: number;
  /**
   * NaN and the infinities: `python` writes `NaN`/`Infinity` as `json.dumps` does (not JSON, but
   * what a Kailash file holds); `tagged` writes `{"$float": "nan"}`, valid JSON that keeps them;
   * `null` writes null, as `JSON.stringify` does (bodies sent to servers).
   */
  nonFinite?: 'python' | 'tagged' | 'null' | 'refuse';
  /** `ensure_ascii`: every character beyond ASCII as `\uXXXX`, as `json.dumps` writes by default. */
  ensureAscii?: boolean;
  /** Separators without indent: `python` (`, `, `: `) or `compact` (`,`, `:`). */
  separators?: 'python' | 'compact';
}

/** JSON sent to a server or a broker: compact, numbers as Python writes them, NaN as null. */
export const BODY_JSON: JsonOptions = { separators: 'compact', nonFinite: 'null' };

/**
 * A request body as Python requests writes `json=` (what Kailash's HTTP, REST and GraphQL nodes
 * send): `json.dumps(body, allow_nan=False)`, so `, ` and `: `, non-ASCII escaped, NaN refused.
 */
export const REQUESTS_JSON: JsonOptions = { separators: 'python', nonFinite: 'refuse', ensureAscii: true };

const NON_ASCII = /[\u0080-\uffff]/g;
const escapeChar = (c: string) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');

/**
 * JSON text as Python's `json.dumps` writes it: floats as `repr` (`2.0`, `1e+20`), ints with all
 * their digits, tuples as lists, keys as strings (a dict's int key as `"1"`), non-ASCII as is
 * (escaped with `ensureAscii`, as `json.dumps`'s default does).
 */
export function jsonText(v: unknown, options: JsonOptions = {}): string {
  return new JsonWriter(options).write(v, '') ?? 'null';
}

const quote = (t: string): string => JSON.stringify(t);
const quoteAscii = (t: string): string => JSON.stringify(t).replace(NON_ASCII, escapeChar);

/**
 * `jsonText`'s state: one object per call (the CLI writes one per node), the circular check a
 * stack of the objects being written (as deep as the value, where a Set cost one per call).
 */
class JsonWriter {
  private readonly indent: string | undefined;
  private readonly itemSep: string;
  private readonly keySep: string;
  private readonly str: (t: string) => string;
  private readonly open: object[] = [];

  constructor(private readonly options: JsonOptions) {
    this.indent = options.indent !== undefined && options.indent >= 0 ? ' '.repeat(options.indent) : undefined;
    this.itemSep = this.indent !== undefined ? ',' : options.separators === 'compact' ? ',' : ', ';
    this.keySep = this.indent !== undefined || options.separators !== 'compact' ? ': ' : ':';
    this.str = options.ensureAscii ? quoteAscii : quote;
  }

  write(x: unknown, pad: string): string | undefined {
    if (x === null) return 'null';
    switch (typeof x) {
      case 'string':
        return this.str(x);
      case 'boolean':
        return x ? 'true' : 'false';
      case 'bigint':
        return x.toString();
      case 'number':
        if (!Number.isFinite(x)) {
          const name = Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
          const nonFinite = this.options.nonFinite;
          if (nonFinite === 'null') return 'null';
          if (nonFinite === 'refuse') throw new RangeError('Out of range float values are not JSON compliant');
          return nonFinite === 'tagged'
            ? `{"$float"${this.keySep}"${name}"}`
            : name === 'nan'
              ? 'NaN'
              : name === 'inf'
                ? 'Infinity'
                : '-Infinity';
        }
        return numberRepr(x);
      case 'undefined':
      case 'function':
      case 'symbol':
        return undefined;
    }
    if (x instanceof PyFloat) return floatRepr(x.value);
    const obj = x as object;
    if (!Array.isArray(obj) && !isDict(obj) && typeof (obj as { toJSON?: unknown }).toJSON === 'function') {
      return this.write((obj as { toJSON(): unknown }).toJSON(), pad);
    }
    if (this.open.includes(obj)) throw new TypeError('Circular reference detected');
    this.open.push(obj);
    try {
      const indent = this.indent;
      const inner = indent !== undefined ? pad + indent : pad;
      const open = indent !== undefined ? `\n${inner}` : '';
      const close = indent !== undefined ? `\n${pad}` : '';
      if (Array.isArray(obj)) {
        if (obj.length === 0) return '[]';
        let out = '';
        for (let i = 0; i < obj.length; i++) out += (i ? this.itemSep + open : '') + (this.write(obj[i], inner) ?? 'null');
        return `[${open}${out}${close}]`;
      }
      let out = '';
      let first = true;
      const keys = dictKeys(obj);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const s = this.write((obj as Record<string, unknown>)[k], inner);
        if (s === undefined) continue;
        out += (first ? '' : this.itemSep + open) + this.str(k) + this.keySep + s;
        first = false;
      }
      if (first) return '{}';
      return `{${open}${out}${close}}`;
    } finally {
      this.open.pop();
    }
  }
}
