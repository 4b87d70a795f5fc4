import { Entry, MapValue, ScalarValue, scalarOf, SeqValue, type Value } from './types';
import { resolvePlain } from './pyyaml-schema';
import { intern } from './intern';
import { MAX_DEPTH } from './limits';

/**
 * A reader for the plain block-style YAML workflow files are made of, giving exactly the values
 * and spans the `yaml` library path (`parseYaml` + `ValueReader`) gives, at a fraction of its
 * cost: block maps and sequences by indentation, `key: value`, `- item`, plain scalars, quoted
 * scalars on one line, one-line flow collections, comments and blank lines. Anything else, and
 * anything that would make that path report a problem, throws `FAST_YAML_FALLBACK`: the caller
 * then reads the text the `yaml` way. So a result is either identical or not given.
 *
 * Spans follow the `yaml` library's ranges: a collection's span ends where its last value's node
 * ends (a scalar's after its line break and any comment lines indented past its collection, an
 * empty value's right after `key:`), and trailing comment lines indented at least as deep as a
 * collection (not at column 0) extend where that collection's node ends. See `pop`.
 */
export const FAST_YAML_FALLBACK: Error = new Error('fast-yaml: not a shape this reader takes');

/**
 * Whether `text` holds what cannot be read here at all: tabs, control characters, other line
 * breaks, a BOM, a lone CR; what `/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\t\u2028\u2029\ufeff]|\r(?!\n)/`
 * matches. A loop, not that expression: V8 runs a regular expression's first use in its bytecode
 * interpreter, which over a whole file of 2.5 MB took 40 ms (the loop: a few).
 */
export function refused(text: string): boolean {
  for (let i = 0, n = text.length; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 32 && c < 127) continue;
    if (c === 10) continue;
    if (c < 32) {
      if (c === 13 && text.charCodeAt(i + 1) === 10) continue;
      return true;
    }
    if (c <= 0x9f || c === 0x2028 || c === 0x2029 || c === 0xfeff) return true;
  }
  return false;
}

/**
 * The top-level value of `text` (`undefined`: no content, as `yaml` gives for an empty or
 * comment-only text). `depth` is the root's depth as `ValueReader.read` counts it; `base` is
 * added to every span (a piece of a file read from its own copy gets the file's offsets). Throws
 * `FAST_YAML_FALLBACK` for what it does not take.
 */
export function readFastYaml(text: string, depth = 0, base = 0): Value | undefined {
  if (refused(text)) throw FAST_YAML_FALLBACK;
  try {
    return new FastReader(text, base).document(depth);
  } finally {
    // A read that fell back leaves its partial collections behind.
    ENTRIES.length = 0;
    ITEMS.length = 0;
  }
}

export function isFastYamlFallback(err: unknown): boolean {
  return err === FAST_YAML_FALLBACK;
}

const SPACE = 32;
const LF = 10;
const CR = 13;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const QUESTION = 63;
const SQUOTE = 39;
const DQUOTE = 34;
const COMMA = 44;
const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;
const BACKSLASH = 92;
const PIPE = 124;

/** No comment in the trivia since the last value (see `pop`). */
const NONE = -1;

/** A block collection read: its value, where its node ends, and trivia handed to its parent. */
interface Block {
  value: MapValue | SeqValue;
  nodeEnd: number;
  /** Deepest comment indentation of trailing trivia moved up to the parent (`NONE`: none). */
  pending: number;
}

/**
 * Where collections gather their entries and items while they are read: one list each for the
 * whole read, a collection taking the stretch from where it started (nested collections end
 * before their parent goes on). Each collection then gets a copy at its exact size: no list of its
 * own grown by `push` (which keeps room for 16 more, and was garbage once copied).
 */
const ENTRIES: Entry[] = [];
const ITEMS: Value[] = [];

/** The gathered stretch from `start` as a list of its own, and the stretch taken off. */
function take<T>(scratch: T[], start: number): T[] {
  const list = scratch.slice(start);
  scratch.length = start;
  return list;
}

const fail = (): never => {
  throw FAST_YAML_FALLBACK;
};

function isBreakOrEnd(c: number): boolean {
  return c === LF || c === CR || Number.isNaN(c);
}

function isBlankOrEnd(c: number): boolean {
  return c === SPACE || c === LF || c === CR || Number.isNaN(c);
}

function isFlowIndicator(c: number): boolean {
  return c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE;
}

/** Characters that cannot start a plain scalar (`-`, `?`, `:` can, when a safe character follows). */
function isIndicator(c: number): boolean {
  switch (c) {
    case DASH:
    case QUESTION:
    case COLON:
    case COMMA:
    case LBRACKET:
    case RBRACKET:
    case LBRACE:
    case RBRACE:
    case HASH:
    case 38: // &
    case 42: // *
    case 33: // !
    case 124: // |
    case 62: // >
    case SQUOTE:
    case DQUOTE:
    case 37: // %
    case 64: // @
    case 96: // `
      return true;
  }
  return false;
}

const DQ_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
};

/** Map keys by their plain text (resolving costs several regular expressions). */
const KEYS = new Map<string, string>();
const KEYS_MAX = 10_000;
/** Short plain scalars' values by their text (`null` included; never one with an `exact`). */
const PLAIN = new Map<string, ScalarValue['value']>();

/**
 * The last key and the last short plain scalar met at each of a few thousand slots, chosen by the
 * text's length and three of its characters: a text found there again (compared in place, by
 * `startsWith`) needs no slice of its own and no lookup in `KEYS` or `PLAIN`. Keys and many values
 * repeat from node to node (`type`, `config`, `GET`, `30`). Texts are interned copies.
 */
const SLOTS = 4096;
/** No key or scalar starts with a line break: an empty slot never matches. */
const KEY_TEXT: string[] = new Array<string>(SLOTS).fill('\n');
const KEY_OF: string[] = new Array<string>(SLOTS).fill('');
const PLAIN_TEXT: string[] = new Array<string>(SLOTS).fill('\n');
const PLAIN_OF: ScalarValue['value'][] = new Array<ScalarValue['value']>(SLOTS).fill(null);

function slotOf(t: string, p: number, end: number): number {
  return ((end - p) * 31 + t.charCodeAt(p) * 131 + t.charCodeAt(end - 1) * 7 + t.charCodeAt((p + end) >> 1)) & (SLOTS - 1);
}

class FastReader {
  /** Where the next content line's first token is (after its indentation), or the text's length. */
  private at = 0;
  /** That line's indentation; -1 at the end of the text. */
  private indent = -1;
  /** Where that line starts. */
  private lineStart = 0;
  private readonly length: number;

  private readonly crlf: boolean;
  /** Where the one-line value `inline`, `flow` or `flowValue` just read ends (for `flow`, after its closing bracket). */
  private end = 0;

  constructor(
    private readonly t: string,
    /** Added to every span: where `t` sits in the text the spans refer to. */
    private readonly base = 0,
  ) {
    this.length = t.length;
    this.crlf = t.indexOf('\r') !== -1;
  }

  document(depth: number): Value | undefined {
    this.skipTrivia(0, Infinity);
    if (this.indent < 0) return undefined;
    let block: Block;
    if (this.isSeqItem(this.at)) block = this.seq(this.indent, depth, false);
    else if (this.keyEnd(this.at) >= 0) block = this.map(this.indent, depth);
    else return fail();
    // Content left at a smaller indentation than the root's is an error to `yaml`.
    if (this.indent >= 0) fail();
    return block.value;
  }

  /**
   * From a line start, past blank and comment lines to the next content line (sets `at`,
   * `indent`, `lineStart`). Comment lines indented past `absorbOver`, before any other comment,
   * belong to the value before them: returns where the last of them ends (`-1`: none), and
   * the deepest other comment's indentation in `this.trivia`.
   */
  private trivia = NONE;
  private skipTrivia(from: number, absorbOver: number): number {
    const t = this.t;
    let p = from;
    let absorbedEnd = -1;
    this.trivia = NONE;
    while (p < this.length) {
      const start = p;
      while (t.charCodeAt(p) === SPACE) p++;
      const c = t.charCodeAt(p);
      const indent = p - start;
      if (c === HASH) {
        const nl = t.indexOf('\n', p);
        const next = nl === -1 ? this.length : nl + 1;
        if (indent > absorbOver && this.trivia === NONE) absorbedEnd = next;
        else if (indent > this.trivia) this.trivia = indent;
        p = next;
        continue;
      }
      if (c === LF) {
        p++;
        continue;
      }
      if (c === CR) {
        p += 2;
        continue;
      }
      if (Number.isNaN(c)) break;
      if (indent === 0 && this.isDocumentMarker(p)) fail();
      this.at = p;
      this.indent = indent;
      this.lineStart = start;
      return absorbedEnd;
    }
    this.at = this.length;
    this.indent = -1;
    this.lineStart = this.length;
    return absorbedEnd;
  }

  private isDocumentMarker(p: number): boolean {
    const t = this.t;
    const c = t.charCodeAt(p);
    if ((c === DASH || c === 46) && t.charCodeAt(p + 1) === c && t.charCodeAt(p + 2) === c && isBlankOrEnd(t.charCodeAt(p + 3)))
      return true;
    return c === 37; // %: a directive
  }

  private isSeqItem(p: number): boolean {
    return this.t.charCodeAt(p) === DASH && isBlankOrEnd(this.t.charCodeAt(p + 1));
  }

  /** After a value on its line: spaces, maybe a comment, the line break. Returns the offset after the break. */
  private lineEnd(p: number): number {
    const t = this.t;
    let spaced = false;
    while (t.charCodeAt(p) === SPACE) (p++, (spaced = true));
    let c = t.charCodeAt(p);
    if (c === HASH) {
      if (!spaced) fail();
      const nl = t.indexOf('\n', p);
      return nl === -1 ? this.length : nl + 1;
    }
    if (c === CR) c = t.charCodeAt(++p);
    if (c === LF) return p + 1;
    if (Number.isNaN(c)) return p;
    return fail();
  }

  /**
   * Where a block mapping key starting at `p` ends (its text, trimmed), if this line is a key
   * line; -1 if it is not (a scalar). Sets `colon` to the `:`.
   */
  private colon = 0;
  private keyEnd(p: number): number {
    const t = this.t;
    const c = t.charCodeAt(p);
    if (c === SQUOTE || c === DQUOTE) {
      const end = this.quotedEnd(p);
      let q = end;
      while (t.charCodeAt(q) === SPACE) q++;
      if (t.charCodeAt(q) === COLON && isBlankOrEnd(t.charCodeAt(q + 1))) {
        this.colon = q;
        return end;
      }
      return -1;
    }
    if (isIndicator(c)) {
      if ((c === DASH || c === QUESTION || c === COLON) && !isBlankOrEnd(t.charCodeAt(p + 1))) {
        // a plain scalar starting with `-`, `?` or `:`
      } else return -1;
    }
    let q = p;
    let lastNonSpace = p;
    for (;;) {
      const ch = t.charCodeAt(q);
      if (isBreakOrEnd(ch)) return -1;
      if (ch === COLON && isBlankOrEnd(t.charCodeAt(q + 1))) {
        this.colon = q;
        return lastNonSpace;
      }
      if (ch === SPACE) {
        if (t.charCodeAt(q + 1) === HASH) return -1;
      } else lastNonSpace = q + 1;
      q++;
    }
  }

  /** The offset after the closing quote of a one-line quoted scalar at `p`. */
  private quotedEnd(p: number): number {
    const t = this.t;
    const quote = t.charCodeAt(p);
    let q = p + 1;
    for (;;) {
      const ch = t.charCodeAt(q);
      if (isBreakOrEnd(ch)) return fail();
      if (ch === quote) {
        if (quote === SQUOTE && t.charCodeAt(q + 1) === SQUOTE) {
          q += 2;
          continue;
        }
        return q + 1;
      }
      if (ch === BACKSLASH && quote === DQUOTE) {
        if (isBreakOrEnd(t.charCodeAt(q + 1))) return fail();
        q += 2;
        continue;
      }
      q++;
    }
  }

  /** The string a quoted scalar `[p, end)` holds. */
  private quotedValue(p: number, end: number): string {
    const t = this.t;
    const body = t.slice(p + 1, end - 1);
    if (t.charCodeAt(p) === SQUOTE) return body.indexOf("'") === -1 ? body : body.replace(/''/g, "'");
    if (body.indexOf('\\') === -1) return body;
    let out = '';
    for (let i = 0; i < body.length; i++) {
      const ch = body[i]!;
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const next = body[++i]!;
      const simple = DQ_ESCAPES[next];
      if (simple !== undefined) {
        out += simple;
        continue;
      }
      const n = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
      if (n === 0) return fail();
      const hex = body.substr(i + 1, n);
      if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) return fail();
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) return fail();
      out += String.fromCodePoint(code);
      i += n;
    }
    return out;
  }

  private key(p: number, end: number): string {
    const t = this.t;
    const c = t.charCodeAt(p);
    if (c === SQUOTE || c === DQUOTE) return intern(this.quotedValue(p, end));
    const slot = slotOf(t, p, end);
    const seen = KEY_TEXT[slot]!;
    if (seen.length === end - p && t.startsWith(seen, p)) return KEY_OF[slot]!;
    const text = t.slice(p, end);
    let key = KEYS.get(text);
    if (key === undefined) {
      if (text.length > 1000) fail();
      const r = resolvePlain(text);
      // `<<` (a merge), `=`, bad numbers and dates: the `yaml` path reports or treats them apart.
      if (r.error !== undefined || r.timestamp !== undefined || text === '<<') fail();
      key = intern(String(r.value));
      if (KEYS.size >= KEYS_MAX) KEYS.clear();
      KEYS.set(intern(text), key);
    }
    KEY_TEXT[slot] = intern(text);
    KEY_OF[slot] = key;
    return key;
  }

  private scalar(p: number, end: number, quoted: boolean): ScalarValue {
    const from = p + this.base;
    const to = end + this.base;
    if (quoted) return new ScalarValue(from, to, intern(this.quotedValue(p, end)));
    const t = this.t;
    const short = end - p <= 40;
    const slot = short ? slotOf(t, p, end) : -1;
    if (short) {
      const seen = PLAIN_TEXT[slot]!;
      if (seen.length === end - p && t.startsWith(seen, p)) return new ScalarValue(from, to, PLAIN_OF[slot]!);
    }
    const text = t.slice(p, end);
    const known = short ? PLAIN.get(text) : undefined;
    if (known !== undefined) {
      PLAIN_TEXT[slot] = intern(text);
      PLAIN_OF[slot] = known;
      return new ScalarValue(from, to, known);
    }
    const r = resolvePlain(text);
    if (r.error !== undefined || r.timestamp !== undefined) fail();
    const value = typeof r.value === 'string' ? intern(r.value) : r.value;
    const s = scalarOf(from, to, value, r.exact);
    if (r.exact === undefined && text.length <= 40) {
      // Only plain values: an `exact` object is never shared between scalars.
      if (PLAIN.size >= KEYS_MAX) PLAIN.clear();
      const own = intern(text);
      PLAIN.set(own, value);
      PLAIN_TEXT[slot] = own;
      PLAIN_OF[slot] = value;
    }
    return s;
  }

  /** A value that starts at `p` and ends on its line: a scalar or a one-line flow collection (block context). */
  private inline(p: number, depth: number): Value {
    if (depth > MAX_DEPTH) fail();
    const t = this.t;
    const c = t.charCodeAt(p);
    if (c === LBRACE || c === LBRACKET) {
      const r = this.flow(p, depth);
      let q = this.end;
      while (t.charCodeAt(q) === SPACE) q++;
      if (t.charCodeAt(q) === COLON) fail();
      return r;
    }
    if (c === SQUOTE || c === DQUOTE) {
      const end = this.quotedEnd(p);
      this.end = end;
      return this.scalar(p, end, true);
    }
    if (isIndicator(c) && !((c === DASH || c === QUESTION || c === COLON) && !isBlankOrEnd(t.charCodeAt(p + 1)))) fail();
    let q = p;
    let lastNonSpace = p;
    for (;;) {
      const ch = t.charCodeAt(q);
      if (isBreakOrEnd(ch)) break;
      if (ch === COLON && isBlankOrEnd(t.charCodeAt(q + 1))) fail();
      if (ch === SPACE) {
        if (t.charCodeAt(q + 1) === HASH) break;
      } else lastNonSpace = q + 1;
      q++;
    }
    this.end = lastNonSpace;
    return this.scalar(p, lastNonSpace, false);
  }

  /**
   * A literal block scalar (`|` or `|-`, indentation found from its first line) whose header is
   * at `p`, in a collection at `parentIndent`; `end` is where `yaml` ends its node (after its
   * last content line). Folded (`>`), keep (`|+`), explicit indentation, empty blocks and lines
   * that are neither content nor out of the block are left to `yaml`.
   */
  private literal(p: number, parentIndent: number, depth: number): { value: ScalarValue; end: number } {
    if (depth > MAX_DEPTH || this.crlf) fail();
    const t = this.t;
    let q = p + 1;
    const strip = t.charCodeAt(q) === DASH;
    if (strip) q++;
    const h = t.charCodeAt(q);
    if (h !== SPACE && !isBreakOrEnd(h)) fail();
    let pos = this.lineEnd(q);
    const lines: string[] = [];
    /** Spaces of the blank lines since the last content line. */
    const blanks: number[] = [];
    let n = -1;
    let leading = 0;
    let end = -1;
    while (pos < this.length) {
      let s = pos;
      while (t.charCodeAt(s) === SPACE) s++;
      const indent = s - pos;
      const nl = t.indexOf('\n', s);
      const lineEnd = nl === -1 ? this.length : nl;
      const next = nl === -1 ? this.length : nl + 1;
      // A blank line with more spaces than the block's indentation is content (those spaces).
      if (s === lineEnd && !(n >= 0 && indent > n)) {
        if (n < 0 && indent > leading) leading = indent;
        blanks.push(indent);
        pos = next;
        continue;
      }
      if (indent <= parentIndent && s !== lineEnd) break;
      if (n < 0) {
        if (leading > indent) fail();
        n = indent;
      }
      if (indent < n) fail();
      for (const b of blanks) lines.push(b > n ? ' '.repeat(b - n) : '');
      blanks.length = 0;
      lines.push(t.slice(pos + n, lineEnd));
      end = next;
      pos = next;
    }
    if (n < 0) fail();
    const text = lines.join('\n');
    return { value: new ScalarValue(p + this.base, end + this.base, intern(strip ? text : text + '\n')), end };
  }

  /** A flow collection that opens and closes on this line. */
  private flow(p: number, depth: number): MapValue | SeqValue {
    if (depth > MAX_DEPTH) fail();
    const t = this.t;
    const isMap = t.charCodeAt(p) === LBRACE;
    const close = isMap ? RBRACE : RBRACKET;
    let q = p + 1;
    while (t.charCodeAt(q) === SPACE) q++;
    const start = isMap ? ENTRIES.length : ITEMS.length;
    if (t.charCodeAt(q) === close) {
      q++;
    } else {
      for (;;) {
        if (isMap) {
          const kStart = q;
          const kc = t.charCodeAt(q);
          let kEnd: number;
          if (kc === SQUOTE || kc === DQUOTE) kEnd = this.quotedEnd(q);
          else kEnd = this.flowPlainEnd(q);
          q = kEnd;
          while (t.charCodeAt(q) === SPACE) q++;
          if (t.charCodeAt(q) !== COLON || t.charCodeAt(q + 1) !== SPACE) fail();
          const key = this.key(kStart, kEnd);
          q += 2;
          while (t.charCodeAt(q) === SPACE) q++;
          const value = this.flowValue(q, depth + 1);
          q = this.end;
          for (let i = start; i < ENTRIES.length; i++) if (ENTRIES[i]!.key === key) fail();
          ENTRIES.push(new Entry(key, kStart + this.base, kEnd + this.base, value));
        } else {
          ITEMS.push(this.flowValue(q, depth + 1));
          q = this.end;
        }
        while (t.charCodeAt(q) === SPACE) q++;
        const ch = t.charCodeAt(q);
        if (ch === close) {
          q++;
          break;
        }
        if (ch !== COMMA) fail();
        q++;
        while (t.charCodeAt(q) === SPACE) q++;
        if (t.charCodeAt(q) === close) fail();
      }
    }
    this.end = q;
    return isMap
      ? new MapValue(p + this.base, q + this.base, take(ENTRIES, start))
      : new SeqValue(p + this.base, q + this.base, take(ITEMS, start));
  }

  private flowValue(p: number, depth: number): Value {
    if (depth > MAX_DEPTH) fail();
    const t = this.t;
    const c = t.charCodeAt(p);
    if (c === LBRACE || c === LBRACKET) return this.flow(p, depth);
    let end: number;
    const quoted = c === SQUOTE || c === DQUOTE;
    if (quoted) end = this.quotedEnd(p);
    else end = this.flowPlainEnd(p);
    // `[a: b]` is a one-pair map; `{a: b: c}` an error: neither is read here.
    let q = end;
    while (t.charCodeAt(q) === SPACE) q++;
    if (t.charCodeAt(q) === COLON) fail();
    this.end = end;
    return this.scalar(p, end, quoted);
  }

  /** Where a plain scalar in a flow collection ends (trimmed); never empty. */
  private flowPlainEnd(p: number): number {
    const t = this.t;
    const c = t.charCodeAt(p);
    if (isIndicator(c)) {
      const n = t.charCodeAt(p + 1);
      if (!((c === DASH || c === QUESTION || c === COLON) && !isBlankOrEnd(n) && !isFlowIndicator(n))) fail();
    }
    let q = p;
    let lastNonSpace = p;
    for (;;) {
      const ch = t.charCodeAt(q);
      if (isBreakOrEnd(ch)) return fail();
      if (isFlowIndicator(ch)) break;
      if (ch === COLON) {
        const n = t.charCodeAt(q + 1);
        if (isBlankOrEnd(n) || isFlowIndicator(n)) break;
      }
      if (ch === SPACE) {
        if (t.charCodeAt(q + 1) === HASH) return fail();
      } else lastNonSpace = q + 1;
      q++;
    }
    if (lastNonSpace === p) fail();
    return lastNonSpace;
  }

  /**
   * The trailing trivia of a collection at `indent` when it ends: with a comment at least as
   * deep as the collection (and the collection not at column 0), `yaml` keeps it in the
   * collection, whose node then ends at the next token; otherwise it goes to the parent.
   */
  private pop(value: MapValue | SeqValue, indent: number, pending: number): Block {
    if (pending !== NONE && indent !== 0 && pending >= indent) return { value, nodeEnd: this.at, pending: NONE };
    return { value, nodeEnd: value.end - this.base, pending };
  }

  /** A block mapping whose first key is at `at` (indentation `indent`). */
  private map(indent: number, depth: number): Block {
    if (depth > MAX_DEPTH) fail();
    const t = this.t;
    const start = ENTRIES.length;
    const from = this.at + this.base;
    let to = 0;
    let pending = NONE;
    let seen: Set<string> | undefined;
    for (;;) {
      const kStart = this.at;
      const kEnd = this.keyEnd(kStart);
      if (kEnd < 0) fail();
      const key = this.key(kStart, kEnd);
      const n = ENTRIES.length - start;
      // Duplicate keys are reported by the model reader from the `yaml` path's values.
      if (n < 16) {
        for (let i = start; i < ENTRIES.length; i++) if (ENTRIES[i]!.key === key) fail();
      } else {
        seen ??= new Set(ENTRIES.slice(start).map((e) => e.key));
        if (seen.has(key)) fail();
        seen.add(key);
      }
      let p = this.colon + 1;
      while (t.charCodeAt(p) === SPACE) p++;
      const c = t.charCodeAt(p);
      let entryValue: Value;
      let nodeEnd: number;
      if (isBreakOrEnd(c) || c === HASH) {
        if (c === HASH) fail();
        const empty = p;
        this.skipTrivia(this.lineEnd(p), Infinity);
        // Comments after an empty value change where `yaml` ends its node: not modelled here.
        const commented = this.trivia !== NONE;
        if (this.indent > indent || (this.indent === indent && this.isSeqItem(this.at))) {
          const inner =
            this.indent === indent || this.isSeqItem(this.at)
              ? this.seq(this.indent, depth + 1, this.indent === indent)
              : this.map(this.indent, depth + 1);
          entryValue = inner.value;
          nodeEnd = inner.nodeEnd;
          pending = inner.pending;
        } else {
          if (commented || depth + 1 > MAX_DEPTH) fail();
          entryValue = new ScalarValue(empty + this.base, empty + this.base, null);
          nodeEnd = empty;
          pending = NONE;
        }
      } else if (c === PIPE) {
        const b = this.literal(p, indent, depth + 1);
        entryValue = b.value;
        nodeEnd = b.end;
        this.skipTrivia(nodeEnd, Infinity);
        pending = this.trivia;
        if (this.indent > indent) fail();
      } else {
        entryValue = this.inline(p, depth + 1);
        nodeEnd = this.lineEnd(this.end);
        const absorbed = this.skipTrivia(nodeEnd, indent);
        if (absorbed >= 0) nodeEnd = absorbed;
        pending = this.trivia;
        if (this.indent > indent) fail();
      }
      ENTRIES.push(new Entry(key, kStart + this.base, kEnd + this.base, entryValue));
      to = nodeEnd + this.base;
      if (this.indent === indent) {
        if (this.isSeqItem(this.at)) fail();
        continue;
      }
      if (this.indent > indent) fail();
      return this.pop(new MapValue(from, to, take(ENTRIES, start)), indent, pending);
    }
  }

  /** A block sequence whose first `-` is at `at`; `sameAsParent`: it is a mapping value at the mapping's own indentation. */
  private seq(indent: number, depth: number, sameAsParent: boolean): Block {
    if (depth > MAX_DEPTH) fail();
    const t = this.t;
    const start = ITEMS.length;
    const from = this.at + this.base;
    let to = 0;
    let pending = NONE;
    for (;;) {
      let p = this.at + 1;
      while (t.charCodeAt(p) === SPACE) p++;
      const c = t.charCodeAt(p);
      // An empty item, or a sequence in a sequence: not read here.
      if (isBreakOrEnd(c) || c === HASH || this.isSeqItem(p)) fail();
      let nodeEnd: number;
      if (this.keyEnd(p) >= 0) {
        this.at = p;
        const inner = this.map(p - this.lineStart, depth + 1);
        ITEMS.push(inner.value);
        nodeEnd = inner.nodeEnd;
        pending = inner.pending;
      } else if (c === PIPE) {
        const b = this.literal(p, indent, depth + 1);
        ITEMS.push(b.value);
        nodeEnd = b.end;
        this.skipTrivia(nodeEnd, Infinity);
        pending = this.trivia;
        if (this.indent > indent) fail();
      } else {
        ITEMS.push(this.inline(p, depth + 1));
        nodeEnd = this.lineEnd(this.end);
        const absorbed = this.skipTrivia(nodeEnd, indent);
        if (absorbed >= 0) nodeEnd = absorbed;
        pending = this.trivia;
        if (this.indent > indent) fail();
      }
      to = nodeEnd + this.base;
      if (this.indent === indent) {
        if (this.isSeqItem(this.at)) continue;
        if (!sameAsParent) fail();
      } else if (this.indent > indent) fail();
      return this.pop(new SeqValue(from, to, take(ITEMS, start)), indent, pending);
    }
  }
}
