import { Scalar, type DocumentOptions, type ParseOptions, type SchemaOptions, type ScalarTag, type Tags } from 'yaml';
import { PyFloat } from '../values/py';

/**
 * What PyYAML's `yaml.safe_load` (how Kailash reads a workflow file) makes of a scalar: its
 * implicit resolvers (yaml/resolver.py, copied verbatim below) and constructors
 * (yaml/constructor.py, SafeConstructor). The `yaml` library's YAML 1.1 schema differs in many
 * spellings (`1e20` is a float there, a string in PyYAML, whose float needs a dot and a signed
 * exponent; `08`, `-.5`, `0:30` are strings; `y`/`n` are not booleans), so every scalar tag of
 * that schema is replaced here. This is the one definition: `parseYaml` reads with
 * `PYYAML_OPTIONS`, and a reader of its own resolves plain scalars with `resolvePlain`.
 */

export const PYYAML_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
export const PYYAML_FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
export const PYYAML_INT =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
export const PYYAML_NULL = /^(?:~|null|Null|NULL|)$/;
export const PYYAML_TIMESTAMP =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;
/** `=` (the `value` type) and a `<<` that is not a key: PyYAML has no constructor, the file does not load. */
const PYYAML_VALUE = /^=$/;
const PYYAML_MERGE = /^<<$/;

const TAG = 'tag:yaml.org,2002:';

/** A scalar as PyYAML constructs it, in the value model's terms. */
export interface PyScalar {
  /** The JS value: a number (exact or not), string, boolean or null. */
  value: string | number | boolean | null;
  /** What the number is in Python where `value` cannot say it: an int beyond 2^53, a whole float. */
  exact?: bigint | PyFloat;
  /** A timestamp: Python has a `datetime.date`/`datetime.datetime` where `value` holds its `str()`. */
  timestamp?: 'date' | 'datetime';
  /** PyYAML refuses the scalar (and so the whole file), with this message. */
  error?: string;
}

/** Every first character PyYAML registers an implicit resolver for (yaml/resolver.py's `first` lists; '' is null's). */
const RESOLVER_FIRST = new Set([...'yYnNtTfFoO-+0123456789.<~='].map((c) => c.charCodeAt(0)));

/** The tag PyYAML's implicit resolvers give a plain (unquoted, untagged) scalar. */
export function plainTag(text: string): 'bool' | 'float' | 'int' | 'null' | 'timestamp' | 'value' | 'merge' | 'str' {
  // PyYAML picks resolvers by the first character (each pattern below can only match text
  // starting with one of its resolver's), so any other first character is a str at once.
  if (text.length > 0 && !RESOLVER_FIRST.has(text.charCodeAt(0))) return 'str';
  // These patterns never overlap.
  if (PYYAML_NULL.test(text)) return 'null';
  if (PYYAML_BOOL.test(text)) return 'bool';
  if (PYYAML_FLOAT.test(text)) return 'float';
  if (PYYAML_INT.test(text)) return 'int';
  if (PYYAML_TIMESTAMP.test(text)) return 'timestamp';
  if (PYYAML_VALUE.test(text)) return 'value';
  if (PYYAML_MERGE.test(text)) return 'merge';
  return 'str';
}

/** A plain scalar as `yaml.safe_load` reads it (a `<<` here is a value, not a merge key). */
export function resolvePlain(text: string): PyScalar {
  return construct(plainTag(text), text);
}

function construct(tag: ReturnType<typeof plainTag>, text: string): PyScalar {
  switch (tag) {
    case 'null':
      return { value: null };
    case 'bool': {
      const b = BOOL_VALUES[text.toLowerCase()];
      return b === undefined ? { value: text, error: `KeyError: '${text.toLowerCase()}'` } : { value: b };
    }
    case 'int':
      return constructInt(text);
    case 'float':
      return constructFloat(text);
    case 'timestamp':
      return constructTimestamp(text);
    case 'value':
    case 'merge':
      return { value: text, error: `could not determine a constructor for the tag '${TAG}${tag}'` };
    default:
      return { value: text };
  }
}

const BOOL_VALUES: Record<string, boolean> = { yes: true, no: false, true: true, false: false, on: true, off: false };

/** SafeConstructor.construct_yaml_int. */
function constructInt(text: string): PyScalar {
  let s = text.replace(/_/g, '');
  const negative = s.startsWith('-');
  if (s.startsWith('-') || s.startsWith('+')) s = s.slice(1);
  let n: bigint;
  const invalid = (base: number, digits: string) => ({ value: text, error: `invalid literal for int() with base ${base}: '${digits}'` });
  if (s === '0') n = 0n;
  else if (s.startsWith('0b')) {
    if (!/^[01]+$/.test(s.slice(2))) return invalid(2, s.slice(2));
    n = BigInt(s);
  } else if (s.startsWith('0x')) {
    if (!/^[0-9a-fA-F]+$/.test(s.slice(2))) return invalid(16, s.slice(2));
    n = BigInt(s);
  } else if (s.startsWith('0')) {
    if (!/^[0-7]+$/.test(s)) return invalid(8, s);
    n = BigInt(`0o${s}`);
  } else if (s.includes(':')) {
    n = 0n;
    for (const part of s.split(':')) {
      if (!/^\d+$/.test(part)) return invalid(10, part);
      n = n * 60n + BigInt(part);
    }
  } else {
    if (!/^\d+$/.test(s)) return invalid(10, s);
    n = BigInt(s);
  }
  if (negative) n = -n;
  const value = Number(n);
  return Number.isSafeInteger(value) ? { value } : { value, exact: n };
}

/** SafeConstructor.construct_yaml_float. */
function constructFloat(text: string): PyScalar {
  let s = text.replace(/_/g, '').toLowerCase();
  const sign = s.startsWith('-') ? -1 : 1;
  if (s.startsWith('-') || s.startsWith('+')) s = s.slice(1);
  let f: number;
  if (s === '.inf') f = sign * Infinity;
  else if (s === '.nan') f = NaN;
  else if (s.includes(':')) {
    // Python sums the parts as floats, least significant first; the same double operations here.
    const digits = s.split(':').map(pyFloat);
    if (digits.some((d) => d === undefined)) return { value: text, error: `could not convert string to float: '${s}'` };
    let base = 1;
    f = 0;
    for (const d of digits.reverse()) {
      f += d! * base;
      base *= 60;
    }
    f *= sign;
  } else {
    const v = pyFloat(s);
    if (v === undefined) return { value: text, error: `could not convert string to float: '${s}'` };
    f = sign * v;
  }
  return Number.isInteger(f) ? { value: f, exact: new PyFloat(f) } : { value: f };
}

/** Python's `float(s)` for the decimal spellings the float resolver lets through. */
function pyFloat(s: string): number | undefined {
  return /^(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i.test(s) ? Number(s) : undefined;
}

const TIMESTAMP_PARTS =
  /^([0-9][0-9][0-9][0-9])-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9][0-9]):([0-9][0-9])(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9][0-9]))?))?)?$/;

/**
 * SafeConstructor.construct_yaml_timestamp, as the `str()` of the date or datetime it makes:
 * the value model has no dates, and `str()` is what Kailash shows of one.
 */
function constructTimestamp(text: string): PyScalar {
  const m = TIMESTAMP_PARTS.exec(text)!;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const daysInMonth = month >= 1 && month <= 12 ? new Date(Date.UTC(2000 + (year % 400), month, 0)).getUTCDate() : 0;
  if (year < 1) return { value: text, error: `year ${year} is out of range` };
  if (month < 1 || month > 12) return { value: text, error: 'month must be in 1..12' };
  if (day < 1 || day > daysInMonth) return { value: text, error: 'day is out of range for month' };
  const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
  if (m[4] === undefined) return { value: date, timestamp: 'date' };
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (hour > 23) return { value: text, error: 'hour must be in 0..23' };
  if (minute > 59) return { value: text, error: 'minute must be in 0..59' };
  if (second > 59) return { value: text, error: 'second must be in 0..59' };
  const fraction = m[7] ? Number(m[7].slice(0, 6).padEnd(6, '0')) : 0;
  let out = `${date} ${pad(hour)}:${pad(minute)}:${pad(second)}${fraction ? `.${pad(fraction, 6)}` : ''}`;
  if (m[9] !== undefined) {
    const offset = Number(m[10]) * 60 + Number(m[11] ?? 0);
    if (offset >= 24 * 60)
      return { value: text, error: 'offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24).' };
    const sign = m[9] === '-' && offset !== 0 ? '-' : '+';
    out += `${sign}${pad(Math.floor(offset / 60))}:${pad(offset % 60)}`;
  } else if (m[8] === 'Z') out += '+00:00';
  return { value: out, timestamp: 'datetime' };
}

/** What a scalar node says beyond its JS value (set by the tags below, read by the workflow reader). */
const META = Symbol('pyyaml');
type Meta = Pick<PyScalar, 'exact' | 'timestamp'>;

/** The Python meaning of a number the reader kept: an int beyond 2^53 or a whole float. */
export function pyyamlExact(node: Scalar): bigint | PyFloat | undefined {
  return (node as Scalar & { [META]?: Meta })[META]?.exact;
}

/** `date`/`datetime` when PyYAML reads this scalar as one (the node's value is its `str()`). */
export function pyyamlTimestamp(node: Scalar): 'date' | 'datetime' | undefined {
  return (node as Scalar & { [META]?: Meta })[META]?.timestamp;
}

function scalarOf(r: PyScalar, onError: (message: string) => void): Scalar | PyScalar['value'] {
  if (r.error !== undefined) onError(`PyYAML (which Kailash reads files with) cannot read this: ${r.error}`);
  if (r.exact === undefined && r.timestamp === undefined) return r.value;
  const s = new Scalar(r.value);
  const meta: Meta = {};
  if (r.exact !== undefined) meta.exact = r.exact;
  if (r.timestamp !== undefined) meta.timestamp = r.timestamp;
  Object.defineProperty(s, META, { value: meta });
  return s;
}

/** The yaml library has a tag for `true` and one for `false`; PyYAML's one bool tag writes both. */
const BOOL_STRINGIFY = {
  identify: (value: unknown) => typeof value === 'boolean',
  stringify: ({ value }: { value: unknown }) => (value ? 'true' : 'false'),
} as unknown as ScalarTag;

/** One PyYAML type as tags: found by its resolver in plain scalars, and by name after `!!type`. */
function pyTags(base: ScalarTag | undefined, name: ReturnType<typeof plainTag>, test: RegExp): ScalarTag[] {
  const tag = `${TAG}${name}`;
  const resolve = (text: string, onError: (message: string) => void) => scalarOf(construct(name, text), onError);
  const own = { ...(base ?? {}), tag, resolve } as ScalarTag;
  // The second, without a test, is what the yaml library picks for an explicit `!!name`.
  return [
    { ...own, default: true, test },
    { ...own, default: false, test: undefined },
  ];
}

/** The `customTags` for the yaml library: its YAML 1.1 schema with PyYAML's scalar types. */
export function pyyamlTags(tags: Tags): Tags {
  const find = (tag: string, pick?: (t: ScalarTag) => boolean) =>
    tags.find(
      (t): t is ScalarTag =>
        typeof t === 'object' && t.tag === `${TAG}${tag}` && !('collection' in t && t.collection) && (!pick || pick(t)),
    );
  const replaced = new Set(['bool', 'int', 'float', 'null', 'timestamp'].map((t) => `${TAG}${t}`));
  const kept = tags.filter((t) => typeof t !== 'object' || !replaced.has(t.tag));
  const merge = kept.find((t) => typeof t === 'object' && t.tag === `${TAG}merge`);
  const rest = kept.filter((t) => t !== merge);
  return [
    ...pyTags(find('null'), 'null', PYYAML_NULL),
    ...pyTags(BOOL_STRINGIFY, 'bool', PYYAML_BOOL),
    ...pyTags(
      find('float', (t) => t.test?.test('1.5') === true),
      'float',
      PYYAML_FLOAT,
    ),
    ...pyTags(
      find('int', (t) => t.test?.test('15') === true),
      'int',
      PYYAML_INT,
    ),
    ...pyTags(find('timestamp'), 'timestamp', PYYAML_TIMESTAMP),
    ...rest,
    // A `<<` key is a merge (the yaml library's own tag, tried at keys only, before the refusal below).
    ...(merge ? [merge] : []),
    { tag: `${TAG}value`, default: true, test: PYYAML_VALUE, resolve: (text, onError) => scalarOf(construct('value', text), onError) },
    { tag: `${TAG}merge`, default: true, test: PYYAML_MERGE, resolve: (text, onError) => scalarOf(construct('merge', text), onError) },
  ];
}

/** How `parseYaml` reads every workflow text: YAML 1.1 with PyYAML's scalars, `<<` merges, duplicate keys kept (later wins, as in PyYAML). */
export const PYYAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  merge: true,
  uniqueKeys: false,
  prettyErrors: false,
  strict: false,
  customTags: pyyamlTags,
};
