import { count } from './dom';
import { numberText } from '../common/value-text';

/** A collapsible JSON tree built from DOM text nodes only: outputs are data, never markup. */
const PAGE = 100;

export function jsonTree(value: unknown, open = true): HTMLElement {
  return node(value, undefined, open, 0);
}

function el(tag: string, cls?: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function scalar(v: unknown): HTMLElement {
  const kind = v === null ? 'null' : typeof v;
  const text = typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' ? numberText(v) : String(v);
  return el('span', `json-${kind}`, text);
}

/**
 * Values arrive in the tagged form of runtime/values/wire.ts: a big int or a float that is a
 * whole number as `{"$int"|"$float": text}`, printed as Python prints it (`2.0`, `nan`); a tuple as
 * `{"$tuple": [...]}` and a dict with non-string keys as `{"$dict": [[k, v], ...]}`.
 */
function untag(v: unknown): { number?: string; value: unknown } {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { value: v };
  const keys = Object.keys(v);
  if (keys.length !== 1) return { value: v };
  const x = (v as Record<string, unknown>)[keys[0]!];
  if ((keys[0] === '$int' || keys[0] === '$float') && typeof x === 'string') return { number: x, value: v };
  if (keys[0] === '$tuple' && Array.isArray(x)) return { value: x };
  if (keys[0] === '$dict' && Array.isArray(x)) {
    const out: Record<string, unknown> = {};
    for (const pair of x as unknown[][]) {
      const k = untag(pair[0]);
      out[
        k.number ?? (typeof k.value === 'string' ? k.value : typeof k.value === 'number' ? numberText(k.value) : JSON.stringify(k.value))
      ] = pair[1];
    }
    return { value: out };
  }
  return { value: v };
}

function node(raw: unknown, key: string | undefined, open: boolean, depth: number): HTMLElement {
  const line = el('div', 'json-line');
  const { number, value: v } = untag(raw);
  if (number !== undefined) {
    if (key !== undefined) line.append(el('span', 'json-key', `${key}: `));
    line.append(el('span', 'json-number', number));
    return line;
  }
  if (v === null || typeof v !== 'object') {
    if (key !== undefined) line.append(el('span', 'json-key', `${key}: `));
    line.append(scalar(v));
    return line;
  }
  const entries: [string, unknown][] = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v as Record<string, unknown>);
  const details = document.createElement('details');
  details.open = open && depth < 2;
  const summary = el('summary', 'json-summary');
  if (key !== undefined) summary.append(el('span', 'json-key', `${key}: `));
  summary.append(el('span', 'json-meta', Array.isArray(v) ? count(entries.length, 'item') : count(entries.length, 'key')));
  details.append(summary);
  const body = el('div', 'json-body');
  let shown = 0;
  const more = el('button', 'json-more');
  const showPage = () => {
    for (const [k, x] of entries.slice(shown, shown + PAGE)) body.insertBefore(node(x, k, open, depth + 1), more);
    shown = Math.min(entries.length, shown + PAGE);
    more.textContent = `show ${Math.min(PAGE, entries.length - shown)} more of ${entries.length - shown}`;
    more.hidden = shown >= entries.length;
  };
  more.addEventListener('click', showPage);
  body.append(more);
  // Large values render a page at a time, and only when opened.
  let rendered = false;
  const render = () => {
    if (!rendered) {
      rendered = true;
      showPage();
    }
  };
  if (details.open) render();
  details.addEventListener('toggle', render);
  details.append(body);
  line.append(details);
  return line;
}
