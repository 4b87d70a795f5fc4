import { setOwn } from '../util/own';
import { isIndexKey, keepOrder, pyFloat, pyInt } from './py';

/**
 * Text whose numbers a double would change: a whole decimal (`2.0`), an exponent (`1e20`), 16 or
 * more digits in a row, or Python's `NaN`/`Infinity`. Found anywhere (strings too): a false
 * alarm only costs the slower parse.
 */
const LOSSY = /\d\.0+(?![1-9])|\d[eE][-+]?\d|\d{16}|NaN|Infinity|"\d+"\s*:/;

/**
 * JSON as Python's `json.loads` reads it: `2.0` stays a float, `9007199254740993` an exact int,
 * `NaN`/`Infinity`/`-Infinity` are accepted, and an object whose integer-like keys a JS object
 * would list first keeps its order (`keepOrder`). Text without such numbers or keys goes to `JSON.parse`.
 */
export function parseJson(text: string): unknown {
  if (!LOSSY.test(text)) return JSON.parse(text);
  return new LosslessParser(text).parse();
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

class LosslessParser {
  private i = 0;
  constructor(private readonly text: string) {}

  parse(): unknown {
    const v = this.value(0);
    this.ws();
    if (this.i !== this.text.length) this.fail('Unexpected non-whitespace character after JSON');
    return v;
  }

  private fail(what: string): never {
    throw new SyntaxError(`${what} at position ${this.i}`);
  }

  private ws(): void {
    const t = this.text;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      this.i++;
    }
  }

  private value(depth: number): unknown {
    if (depth > 10_000) this.fail('Too deeply nested');
    this.ws();
    const t = this.text;
    const c = t[this.i];
    if (c === '{') {
      this.i++;
      const o: Record<string, unknown> = {};
      this.ws();
      if (t[this.i] === '}') {
        this.i++;
        return o;
      }
      const keys: string[] = [];
      let reorders = false;
      for (;;) {
        this.ws();
        if (t[this.i] !== '"') this.fail('Expected property name');
        const k = this.string();
        this.ws();
        if (t[this.i++] !== ':') this.fail("Expected ':' after property name");
        setOwn(o, k, this.value(depth + 1));
        keys.push(k);
        if (!reorders && isIndexKey(k)) reorders = true;
        this.ws();
        const d = t[this.i++];
        if (d === '}') return reorders ? keepOrder(o, keys) : o;
        if (d !== ',') this.fail("Expected ',' or '}' after property value");
      }
    }
    if (c === '[') {
      this.i++;
      const a: unknown[] = [];
      this.ws();
      if (t[this.i] === ']') {
        this.i++;
        return a;
      }
      for (;;) {
        a.push(this.value(depth + 1));
        this.ws();
        const d = t[this.i++];
        if (d === ']') return a;
        if (d !== ',') this.fail("Expected ',' or ']' after array element");
      }
    }
    if (c === '"') return this.string();
    for (const [word, v] of WORDS) {
      if (t.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(t);
    if (!m) this.fail(c === undefined ? 'Unexpected end of JSON input' : `Unexpected token '${c}'`);
    this.i += m[0].length;
    return numberOf(m[0], m[1] !== undefined || m[2] !== undefined);
  }

  private string(): string {
    STRING.lastIndex = this.i;
    const m = STRING.exec(this.text);
    if (!m) this.fail('Bad string');
    this.i += m[0].length;
    return m[0].includes('\\') ? (JSON.parse(m[0]) as string) : m[0].slice(1, -1);
  }
}

const WORDS: [string, unknown][] = [
  ['true', true],
  ['false', false],
  ['null', null],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
];

/** A JSON number's text as the model holds it: an int (a bigint beyond 2^53) or a float. */
export function numberOf(text: string, float: boolean): unknown {
  if (float) return pyFloat(Number(text));
  const n = Number(text);
  return Number.isSafeInteger(n) ? n + 0 : pyInt(BigInt(text));
}
