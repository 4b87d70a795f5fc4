import type { Range, SemanticTokens, SemanticTokensEdit, SemanticTokensLegend } from 'vscode-languageserver';
import { findTemplates } from '../../runtime/model/templates';
import type { Span, Value } from '../../runtime/model/types';
import { innerSpan } from './locate';
import { allRefs } from './references';
import { CATALOG, toOffset, type Catalog, type FeatureDoc } from './types';

/** Token types, by index: node types, node ids, ports, template syntax, template names. */
export const TOKEN_LEGEND: SemanticTokensLegend = {
  tokenTypes: ['class', 'variable', 'property', 'macro', 'parameter'],
  tokenModifiers: ['declaration'],
};
const CLASS = 0;
const VARIABLE = 1;
const PROPERTY = 2;
const MACRO = 3;
const PARAMETER = 4;
const DECLARATION = 1;

interface Token {
  start: number;
  end: number;
  type: number;
  modifiers: number;
}

/** Semantic tokens for node ids, node types, connection ports and `${…}` templates (optionally in a range). */
export function semanticTokens(doc: FeatureDoc, range?: Range, catalog: Catalog = CATALOG): SemanticTokens {
  const { model, text } = doc;
  const from = range ? toOffset(doc.lines, range.start) : 0;
  const to = range ? toOffset(doc.lines, range.end) : text.length;
  const tokens: Token[] = [];
  const add = (span: Span, type: number, modifiers = 0) => {
    if (span[1] > span[0] && span[1] >= from && span[0] <= to) tokens.push({ start: span[0], end: span[1], type, modifiers });
  };
  for (const r of allRefs(model)) add(r.span, VARIABLE, r.kind === 'declaration' ? DECLARATION : 0);
  for (const n of model.nodes) {
    if (n.type) add(innerSpan(text, n.type.span), CLASS);
    if (n.span[1] < from || n.span[0] > to || !n.config) continue;
    const spec = n.type ? catalog.get(n.type.value) : undefined;
    for (const e of n.config.entries) if (!spec?.params[e.key]?.raw) templates(doc, e.value, add);
  }
  for (const c of model.connections) {
    if (!c.fromOutput.implicit) add(innerSpan(text, c.fromOutput.span), PROPERTY);
    if (!c.toInput.implicit) add(innerSpan(text, c.toInput.span), PROPERTY);
  }
  return { data: encode(doc, tokens) };
}

/** `${env:` / `${secret:` / `${` and `}` as macros, the name between as a parameter. */
function templates(doc: FeatureDoc, v: Value, add: (span: Span, type: number) => void): void {
  if (v.kind === 'map') return v.entries.forEach((e) => templates(doc, e.value, add));
  if (v.kind === 'seq') return v.items.forEach((i) => templates(doc, i, add));
  if (typeof v.value !== 'string' || !v.value.includes('${')) return;
  const source = doc.text.slice(v.span[0], v.span[1]);
  let cursor = 0;
  for (const t of findTemplates(v.value)) {
    const written = v.value.slice(t.start, t.end);
    const at = source.indexOf(written, cursor);
    if (at === -1 || written.includes('\n')) continue;
    cursor = at + written.length;
    const start = v.span[0] + at;
    const name = written.lastIndexOf(t.name);
    if (t.kind === 'invalid' || name <= 1) {
      add([start, start + written.length], MACRO);
      continue;
    }
    add([start, start + name], MACRO);
    add([start + name, start + name + t.name.length], PARAMETER);
    add([start + name + t.name.length, start + written.length], MACRO);
  }
}

/** LSP's relative encoding: line delta, start delta, length, type, modifiers; one line per token. */
function encode(doc: FeatureDoc, tokens: Token[]): number[] {
  tokens.sort((a, b) => a.start - b.start);
  const data: number[] = [];
  let line = 0;
  let char = 0;
  let lastEnd = -1;
  for (const t of tokens) {
    if (t.start < lastEnd) continue;
    const p = doc.lines.position(t.start);
    const e = doc.lines.position(t.end);
    if (e.line !== p.line) continue;
    data.push(p.line - line, p.line === line ? p.character - char : p.character, t.end - t.start, t.type, t.modifiers);
    line = p.line;
    char = p.character;
    lastEnd = t.end;
  }
  return data;
}

/**
 * The edit that turns one version's token data into the next (`semanticTokens/full/delta`): the
 * changed stretch between their common start and end, whole tokens (five numbers) at a time.
 * VS Code asks for a file's tokens after every edit; in a 2,000-node file the whole answer is
 * tens of thousands of numbers, which the extension host parsed and forwarded per keystroke.
 */
export function tokenEdits(previous: readonly number[], next: readonly number[]): SemanticTokensEdit[] {
  const shorter = Math.min(previous.length, next.length);
  let start = 0;
  while (start < shorter && previous[start] === next[start]) start++;
  start -= start % 5;
  let end = 0;
  while (end < shorter - start && previous[previous.length - 1 - end] === next[next.length - 1 - end]) end++;
  end -= end % 5;
  if (start === previous.length && start === next.length) return [];
  return [{ start, deleteCount: previous.length - start - end, data: next.slice(start, next.length - end) }];
}
