import { parse as parseYaml } from 'yaml';
import { evaluateExpression, parseExpression } from '../../runtime/model/expression';
import type { NodeOutput } from '../../runtime/catalog/types';

/**
 * Conditions, logpoints and the Debug Console speak the language of `convergence_check`, with
 * one addition for reading outputs: a dotted path `fetch.response.status_code` means
 * `fetch['response']['status_code']` (the language itself has no attribute access).
 */
export function dottedToIndex(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    // `.name` after a name, `]` or `)` is a key; after a digit it is a number's point.
    const m = /^\.\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(src.slice(i));
    if (c === '.' && m && /[A-Za-z0-9_\])]\s*$/.test(out) && !/(^|[^A-Za-z0-9_])\d+\s*$/.test(out)) {
      out += `['${m[1]}']`;
      i += m[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

export function compile(src: string): ReturnType<typeof parseExpression> {
  return parseExpression(dottedToIndex(src));
}

/**
 * What an expression can read when stopped before a node: each node's output by its id, the
 * node's inputs by name (an input wins over a node of the same name), and `inputs` and
 * `results` for either whatever the names.
 */
export function scopeOf(inputs: Record<string, unknown>, outputs: Record<string, NodeOutput | null>): Record<string, unknown> {
  return { ...outputs, ...inputs, inputs, results: outputs };
}

export function evaluate(src: string, scope: Record<string, unknown>): unknown {
  return evaluateExpression(compile(src), scope);
}

/** A logpoint's message with each `{expression}` replaced by its value; `{{` and `}}` are braces. */
export function interpolate(message: string, scope: Record<string, unknown>): string {
  return message.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (whole, expr: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    try {
      const v = evaluate(expr!, scope);
      return typeof v === 'string' ? v : display(v);
    } catch (err) {
      return `<${(err as Error).message}>`;
    }
  });
}

/** A value as the Variables view and the Debug Console show it: JSON, short. */
export function display(v: unknown, max = 200): string {
  if (v === undefined) return 'undefined';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** What the user typed into the Variables view: a YAML (so also JSON) value; plain words are text. */
export function parseEdit(text: string): unknown {
  return parseYaml(text);
}
