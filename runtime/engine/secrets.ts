import { PyFloat, PyTuple, dictKeys, hasOrder, keepOrder, keyOf, tuple, withKeys, type PyKey } from '../values/py';

/** Where `${secret:NAME}` values come from: env vars for the CLI, SecretStorage in VS Code. */
export interface SecretProvider {
  get(name: string): Promise<string | undefined>;
}

/** `KAILASH_SECRET_<NAME>` environment variables (Kailash's EnvironmentSecretProvider prefix). */
export class EnvSecretProvider implements SecretProvider {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async get(name: string): Promise<string | undefined> {
    return this.env[`KAILASH_SECRET_${name}`];
  }
}

export const REDACTED = '***';

/** Shorter values would redact ordinary text; they are not credentials anyway. */
const MIN_SECRET_CHARS = 4;
/** Base64 runs shorter than this are too likely to occur by chance in other base64 text. */
const MIN_BASE64_CHARS = 4;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const hexOf = (b: number) =>
  b
    .toString(16)
    .toUpperCase()
    .padStart(2, '0')
    .replace(/[A-F]/g, (d) => `[${d}${d.toLowerCase()}]`);

/**
 * How one character of a secret can appear in text a node produces: as itself, percent-encoded
 * (a query string, a form body, URL userinfo; either hex case), `+` for a space (forms), or
 * backslash-escaped inside JSON text.
 */
function charPattern(ch: string): string {
  const alts = [escapeRe(ch), [...Buffer.from(ch, 'utf8')].map((b) => `%${hexOf(b)}`).join('')];
  if (ch === ' ') alts.push('\\+');
  if (ch === '"' || ch === '\\' || ch === '/') alts.push(escapeRe(`\\${ch}`));
  return `(?:${alts.join('|')})`;
}

const textPattern = (s: string) => [...s].map(charPattern).join('');

/**
 * The base64 characters that depend on the secret's bytes alone, for each of the three alignments
 * it can have inside a longer encoded text (`user:secret` in a Basic header, a token in a blob),
 * in both alphabets. The one or two characters at each end that mix in neighbouring bytes stay.
 */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const cores = new Set<string>();
  for (let k = 0; k < 3; k++) {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const core = encoded.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6));
    if (core.length < MIN_BASE64_CHARS) continue;
    cores.add(core);
    cores.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...cores];
}

/**
 * Replaces every known secret value, wherever it appears in a value, with `***`: the secret as
 * written, URL-encoded (query strings, form bodies, `user:p%40ss@` userinfo), JSON-escaped, and
 * base64-encoded (Basic credentials, tokens), each possibly percent-encoded again. Where matches
 * of several secrets overlap (one a prefix of another), the whole stretch is redacted.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  add(value: string): void {
    if (value.length < MIN_SECRET_CHARS || this.secrets.has(value)) return;
    this.secrets.add(value);
    this.pattern = undefined;
  }

  /** The secret values known so far (for a later run that reuses this one's outputs). */
  values(): string[] {
    return [...this.secrets];
  }

  private matcher(): RegExp {
    if (!this.pattern) {
      // Longest first, so at any position the longest form wins.
      const forms = [...this.secrets].flatMap((s) => [s, ...base64Cores(s)]).sort((a, b) => b.length - a.length);
      this.pattern = new RegExp([...new Set(forms)].map(textPattern).join('|'), 'g');
    }
    return this.pattern;
  }

  text(s: string): string {
    if (this.secrets.size === 0 || s.length < MIN_BASE64_CHARS) return s;
    const re = this.matcher();
    re.lastIndex = 0;
    let m = re.exec(s);
    if (!m) return s;
    // Every match, overlapping ones too (a scan from each match start + 1), merged into spans.
    const spans: [number, number][] = [];
    for (; m; m = re.exec(s)) {
      const end = m.index + m[0].length;
      const last = spans[spans.length - 1];
      if (last && m.index <= last[1]) last[1] = Math.max(last[1], end);
      else spans.push([m.index, end]);
      re.lastIndex = m.index + 1;
    }
    let out = '';
    let at = 0;
    for (const [from, to] of spans) {
      out += s.slice(at, from) + REDACTED;
      at = to;
    }
    return out + s.slice(at);
  }

  value<T>(v: T): T {
    if (this.secrets.size === 0) return v;
    return this.walk(v, 0) as T;
  }

  private walk(v: unknown, depth: number): unknown {
    if (typeof v === 'string') return this.text(v);
    if (depth > 100 || v === null || typeof v !== 'object' || v instanceof PyFloat) return v;
    if (Array.isArray(v)) {
      const items = v.map((x) => this.walk(x, depth + 1));
      return v instanceof PyTuple ? tuple(items) : items;
    }
    const out: Record<string, unknown> = {};
    const keys = new Map<string, PyKey>();
    const order: string[] = [];
    for (const k of dictKeys(v)) {
      const key = this.text(k);
      out[key] = this.walk((v as Record<string, unknown>)[k], depth + 1);
      order.push(key);
      const original = keyOf(v, k);
      if (typeof original !== 'string') keys.set(key, original);
    }
    return withKeys(hasOrder(v) ? keepOrder(out, order) : out, keys);
  }
}
