/**
 * How a run of ours is compared with an expected file the Kailash SDK produced
 * (scripts/oracle/oracle.py). Both sides become the same canonical tree, so a plain deep-equal
 * decides and its diff shows the difference. The rules, and why each exists, are in README.md.
 */
import { numberRepr } from '../../runtime/values/print';
import { PyFloat, dictKeys, isIndexKey, keepOrder } from '../../runtime/values/py';

/** A number as Python prints it (`2.0`, `1e+20`, `9007199254740993`, `nan`). */
export class PyNumber {
  constructor(readonly repr: string) {}
}

export type Tree = null | boolean | string | PyNumber | Tree[] | { [k: string]: Tree };

/** Output fields holding the time of the run or of a file: they can never match. */
export const TIME_KEYS = new Set([
  'execution_time',
  'scan_time',
  'created_time',
  'modified_time',
  'discovered_at',
  'response_time_ms',
  'token_expires_at',
]);
export const TIME = '<time>';
export const CASE_DIR = '<case>';

/** Parses JSON keeping every number's text, so `2.0` and 9007199254740993 survive. */
export function parseLossless(text: string): Tree {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at offset ${i}`);
  };
  const value = (): Tree => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const o: Record<string, Tree> = {};
      const keys: string[] = [];
      ws();
      if (text[i] === '}') return i++, o;
      for (;;) {
        ws();
        const k = value();
        if (typeof k !== 'string') fail('object key expected');
        ws();
        if (text[i++] !== ':') fail("':' expected");
        o[k as string] = value();
        keys.push(k as string);
        ws();
        const d = text[i++];
        if (d === '}') return keys.some(isIndexKey) ? keepOrder(o, keys) : o;
        if (d !== ',') fail("',' or '}' expected");
      }
    }
    if (c === '[') {
      i++;
      const a: Tree[] = [];
      ws();
      if (text[i] === ']') return i++, a;
      for (;;) {
        a.push(value());
        ws();
        const d = text[i++];
        if (d === ']') return a;
        if (d !== ',') fail("',' or ']' expected");
      }
    }
    if (c === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/s.exec(text.slice(i));
      if (!m) fail('bad string');
      i += m![0].length;
      return JSON.parse(m![0]) as string;
    }
    const m = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (m) {
      i += m[0].length;
      return new PyNumber(m[0]);
    }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) return (i += word.length), v;
    }
    return fail('value expected');
  };
  const out = value();
  ws();
  if (i !== text.length) fail('trailing text');
  return untag(out);
}

/** `{"$float": "nan"}` (JSON has no NaN or infinities) back to a number. */
function untag(t: Tree): Tree {
  if (Array.isArray(t)) return t.map(untag);
  if (t && typeof t === 'object' && !(t instanceof PyNumber)) {
    const keys = dictKeys(t);
    if (keys.length === 1 && keys[0] === '$float' && typeof t.$float === 'string') return new PyNumber(t.$float);
    return keepOrder(Object.fromEntries(keys.map((k) => [k, untag(t[k]!)])), keys);
  }
  return t;
}

/**
 * A number of our value model (runtime/values) as Python prints it: a whole JS number is an int
 * with every digit the double really holds, a PyFloat a float, so 2.0 vs 2, 1e20 and
 * 9007199254740993 show up as differences rather than passing by accident.
 */
export function pyNumber(n: number | bigint | PyFloat): PyNumber {
  return new PyNumber(numberRepr(n));
}

/**
 * Our value as a canonical tree: the case folder as `<case>` (and, in `places`, any other text
 * by its marker: the compat server's address as `<server>`), time fields as `<time>`, `_` keys dropped.
 */
export function canonical(v: unknown, folders: string[], places: [string, string][] = []): Tree {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || v instanceof PyFloat) return pyNumber(v);
  if (typeof v === 'string') return [...folders.map((f): [string, string] => [f, CASE_DIR]), ...places].reduce((s, [f, to]) => s.split(f).join(to), v);
  if (Array.isArray(v)) return v.map((x) => canonical(x, folders, places));
  if (typeof v === 'object') {
    const out: Record<string, Tree> = {};
    const keys = dictKeys(v).filter((k) => !k.startsWith('_'));
    for (const k of keys) {
      const x = (v as Record<string, unknown>)[k];
      out[k] = TIME_KEYS.has(k) && x !== null && x !== undefined ? TIME : canonical(x, folders, places);
    }
    return keepOrder(out, keys);
  }
  return `<${typeof v}>`;
}

/**
 * Where two trees that are otherwise equal list a dict's keys in another order (a deep-equal does
 * not see it): `json.dumps` and `list(d)` show Python's order, so ours must be the same.
 */
export function orderDifferences(theirs: Tree, mine: Tree, path = ''): string[] {
  if (Array.isArray(theirs) && Array.isArray(mine)) return theirs.flatMap((t, i) => (i < mine.length ? orderDifferences(t, mine[i]!, `${path}[${i}]`) : []));
  if (!isObject(theirs) || !isObject(mine)) return [];
  const a = dictKeys(theirs);
  const b = dictKeys(mine);
  const here = a.join('\0') === b.join('\0') ? [] : [`keys of ${path || 'results'} in another order: Kailash ${JSON.stringify(a)}, ours ${JSON.stringify(b)}`];
  return [...here, ...a.flatMap((k) => (Object.hasOwn(mine, k) ? orderDifferences(theirs[k]!, mine[k]!, path ? `${path}.${k}` : k) : []))];
}

function isObject(t: Tree): t is { [k: string]: Tree } {
  return t !== null && typeof t === 'object' && !Array.isArray(t) && !(t instanceof PyNumber);
}
