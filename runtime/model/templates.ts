/** `${…}` templates inside string values: `${name}`, `${env:NAME}`, `${secret:NAME}`. */
export interface Template {
  /** Offsets within the string. */
  start: number;
  end: number;
  kind: 'input' | 'env' | 'secret' | 'invalid';
  /** The variable name (after `env:`/`secret:`), or the raw inner text when invalid. */
  name: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TEMPLATE = /\$\{([^}]*)\}/g;

/** What a string without `${` holds: one shared, frozen list (most strings are asked, none has one). */
const NO_TEMPLATES: Template[] = Object.freeze([]) as unknown as Template[];

export function findTemplates(s: string): Template[] {
  if (!s.includes('${')) return NO_TEMPLATES;
  const out: Template[] = [];
  for (const m of s.matchAll(TEMPLATE)) {
    const inner = m[1]!.trim();
    const start = m.index!;
    const end = start + m[0].length;
    const colon = inner.indexOf(':');
    if (colon === -1) {
      out.push({ start, end, kind: NAME.test(inner) ? 'input' : 'invalid', name: inner });
      continue;
    }
    const prefix = inner.slice(0, colon);
    const name = inner.slice(colon + 1).trim();
    if ((prefix === 'env' || prefix === 'secret') && NAME.test(name)) out.push({ start, end, kind: prefix, name });
    else out.push({ start, end, kind: 'invalid', name: inner });
  }
  return out;
}

/** True when the whole string is one template (its value then replaces the string, keeping its type). */
export function isWholeTemplate(s: string): boolean {
  return /^\$\{[^}]+\}$/.test(s);
}
