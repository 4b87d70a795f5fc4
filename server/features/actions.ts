import { CodeActionKind, type CodeAction, type Diagnostic as LspDiagnostic, type Range, type TextEdit } from 'vscode-languageserver';
import type { ParamSpec } from '../../runtime/catalog/types';
import type { DiagnosticCode } from '../../runtime/diagnostics';
import type { Entry, MapValue, NodeModel, Span, Value } from '../../runtime/model/types';
import { getEntry } from '../../runtime/model/values';
import { ownDiagnostics, toLspDiagnostic, type DiagnosticData } from './diagnostics';
import { locate } from './locate';
import { CATALOG, lineStartOf, toOffset, toRange, touches, type Catalog, type FeatureDoc } from './types';

/** Codes whose suggestions are replacements for the flagged text (did-you-mean). */
const REPLACEABLE: ReadonlySet<string> = new Set<DiagnosticCode>([
  'unknown-node-type',
  'unknown-param',
  'unknown-output',
  'unknown-input',
  'unknown-connection-node',
  'invalid-enum-value',
  'unknown-template-variable',
  'schema',
]);

/**
 * Quick fixes for the diagnostics in a range (did-you-mean replacements, missing required params,
 * literal secrets, a disable comment) and rewrites at the cursor (short connection to full form).
 */
export function codeActions(doc: FeatureDoc, range: Range, sent: readonly LspDiagnostic[], catalog: Catalog = CATALOG): CodeAction[] {
  const diagnostics = ownDiagnostics(doc.diagnostics ?? [], doc.lines, sent);
  const out: CodeAction[] = [];
  const fix = (title: string, edits: TextEdit[], d?: LspDiagnostic, preferred = false): CodeAction => ({
    title,
    kind: CodeActionKind.QuickFix,
    ...(d ? { diagnostics: [d] } : {}),
    ...(preferred ? { isPreferred: true } : {}),
    edit: { changes: { [doc.uri]: edits } },
  });
  const missing = new Map<NodeModel, { names: string[]; diags: LspDiagnostic[] }>();
  for (const own of diagnostics) {
    const d = toLspDiagnostic(doc.lines, own);
    const code = own.code;
    const start = own.span[0];
    const suggestions = own.suggestions ?? [];
    if (REPLACEABLE.has(code) && suggestions.length && isDidYouMean(doc, code, d, start)) {
      suggestions.forEach((s, i) => {
        const text = code === 'unknown-template-variable' ? `\${${s}}` : s;
        out.push(fix(`Change to '${text}'`, [{ range: d.range, newText: requote(doc, own.span, text) }], d, i === 0));
      });
    }
    if (code === 'missing-required-param') {
      const node = doc.model.nodes.find((n) => touches(n.type?.span ?? n.idSpan, start) || touches(n.idSpan, start));
      if (node && /needs one of/.test(d.message)) {
        for (const name of suggestions) out.push(fix(`Add '${name}'`, addParams(doc, node, [name], catalog), d));
      } else if (node) {
        const entry = missing.get(node) ?? { names: [], diags: [] };
        entry.names.push(...suggestions);
        entry.diags.push(d);
        missing.set(node, entry);
      }
    }
    if (code === 'plaintext-secret') {
      const a = secretFix(doc, d, start);
      if (a) out.push({ ...fix(a.title, a.edits, d, true) });
    }
    // JSON has no comments, so no directive (docs/workflow-format.md).
    if (doc.model.format !== 'json') out.push(fix(`Disable ${code} for this line`, disableEdit(doc, d, code), d));
  }
  for (const [node, { names, diags }] of missing) {
    // In the order the node's spec lists them (diagnostics at one place come in no set order).
    const params = Object.keys((node.type && catalog.get(node.type.value)?.params) ?? {});
    names.sort((a, b) => params.indexOf(a) - params.indexOf(b));
    const title =
      names.length === 1 ? `Add required parameter '${names[0]}'` : `Add required parameters ${names.map((n) => `'${n}'`).join(', ')}`;
    out.push({
      title,
      kind: CodeActionKind.QuickFix,
      diagnostics: diags,
      isPreferred: true,
      edit: { changes: { [doc.uri]: addParams(doc, node, names, catalog) } },
    });
  }
  const convert = toFullForm(doc, toOffset(doc.lines, range.start));
  if (convert) out.push(convert);
  return out;
}

/** Whether a diagnostic's suggestions replace its range: not for defaults the file never wrote. */
function isDidYouMean(doc: FeatureDoc, code: string, d: LspDiagnostic, start: number): boolean {
  if (code === 'schema') return /did you mean/i.test(d.message);
  if (code === 'unknown-output' || code === 'unknown-input') {
    const c = doc.model.connections.find((x) => touches(x.span, start));
    const port = code === 'unknown-output' ? c?.fromOutput : c?.toInput;
    return port !== undefined && !port.implicit;
  }
  return true;
}

/**
 * A replacement for the text at a span, in the quotes that text was written in: a JSON string
 * (or a quoted YAML scalar) stays a string of the same kind.
 */
function requote(doc: FeatureDoc, span: Span, text: string): string {
  const q = doc.text[span[0]];
  if ((q !== '"' && q !== "'") || doc.text[span[1] - 1] !== q || span[1] - span[0] < 2) return text;
  return q === '"' ? JSON.stringify(text) : `'${text.replace(/'/g, "''")}'`;
}

/** Text for a new required value: something of the right type to edit. */
function initialValue(p: ParamSpec | undefined, json = false): string {
  if (p?.enum?.length) return json ? JSON.stringify(p.enum[0]) : String(p.enum[0]);
  switch (p?.type) {
    case 'int':
    case 'float':
      return '0';
    case 'bool':
      return 'false';
    case 'list':
      return '[]';
    case 'dict':
      return '{}';
    default:
      return '""';
  }
}

function lineIndent(doc: FeatureDoc, offset: number): string {
  const start = lineStartOf(doc.text, offset);
  return /^ */.exec(doc.text.slice(start, offset))![0];
}

/** The end of the last line holding text of a span (block values may end after a newline). */
function contentLineEnd(doc: FeatureDoc, span: Span): number {
  let p = span[1];
  while (p > span[0] && /\s/.test(doc.text[p - 1]!)) p--;
  const nl = doc.text.indexOf('\n', p);
  const end = nl === -1 ? doc.text.length : nl;
  return doc.text[end - 1] === '\r' ? end - 1 : end;
}

function isFlow(doc: FeatureDoc, v: Value): boolean {
  const c = doc.text[v.span[0]];
  return c === '{' || c === '[';
}

/** Inserts `name: value` pairs into a mapping (block or flow); `undefined` when it has no entry to line up with. */
function insertIntoMap(doc: FeatureDoc, map: MapValue, pairs: string[]): TextEdit | undefined {
  if (isFlow(doc, map)) {
    const close = map.span[1] - 1;
    const sep = map.entries.length ? ', ' : '';
    return { range: toRange(doc.lines, [close, close]), newText: `${sep}${pairs.join(', ')}` };
  }
  const last = map.entries[map.entries.length - 1];
  if (!last) return undefined;
  const indent = ' '.repeat(doc.lines.position(map.entries[0]!.keySpan[0]).character);
  const at = contentLineEnd(doc, [last.keySpan[0], last.value.span[1]]);
  return { range: toRange(doc.lines, [at, at]), newText: pairs.map((p) => `\n${indent}${p}`).join('') };
}

function addParams(doc: FeatureDoc, node: NodeModel, names: string[], catalog: Catalog): TextEdit[] {
  const spec = node.type ? catalog.get(node.type.value) : undefined;
  const json = doc.model.format === 'json';
  const pairs = names.map((n) => `${json ? JSON.stringify(n) : n}: ${initialValue(spec?.params[n], json)}`);
  if (node.config) {
    const e = insertIntoMap(doc, node.config, pairs);
    if (e) return [e];
  }
  const key: Entry | undefined = getEntry(node.entry, 'parameters') ?? getEntry(node.entry, 'config');
  if (json && key?.value.kind === 'scalar') return [{ range: toRange(doc.lines, key.value.span), newText: `{${pairs.join(', ')}}` }];
  if (key && (key.value.kind === 'scalar' || (key.value.kind === 'map' && key.value.entries.length === 0 && !isFlow(doc, key.value)))) {
    // `config:` with nothing under it.
    const at = contentLineEnd(doc, key.keySpan);
    const indent = lineIndent(doc, key.keySpan[0]);
    return [{ range: toRange(doc.lines, [at, at]), newText: pairs.map((p) => `\n${indent}  ${p}`).join('') }];
  }
  if (isFlow(doc, node.entry)) {
    const close = node.entry.span[1] - 1;
    return [{ range: toRange(doc.lines, [close, close]), newText: `, ${json ? '"config"' : 'config'}: {${pairs.join(', ')}}` }];
  }
  const last = node.entry.entries[node.entry.entries.length - 1];
  if (!last) return [];
  const indent = ' '.repeat(doc.lines.position(node.entry.entries[0]!.keySpan[0]).character);
  const at = contentLineEnd(doc, [last.keySpan[0], last.value.span[1]]);
  return [{ range: toRange(doc.lines, [at, at]), newText: `\n${indent}config:${pairs.map((p) => `\n${indent}  ${p}`).join('')}` }];
}

const PLAIN_UNSAFE = /^[-?:,[\]{}#&*!|>'"%@`]|: | #|[\r\n]/;

/** Replaces a literal credential with `${secret:NAME}`, NAME from the node and key. */
function secretFix(doc: FeatureDoc, d: LspDiagnostic, start: number): { title: string; edits: TextEdit[] } | undefined {
  const end = (d.data as DiagnosticData).span[1];
  const hit = locate(doc.model.root, start);
  if (!hit || hit.value.kind !== 'scalar' || typeof hit.value.value !== 'string') return undefined;
  const node = doc.model.nodes.find((n) => touches(n.span, start));
  const key = hit.entry?.key ?? 'secret';
  const name = `${node ? `${node.id}_` : ''}${key}`
    .toUpperCase()
    .replace(/[^A-Z0-9_]/g, '_')
    .replace(/^(\d)/, '_$1');
  const literal = doc.text.slice(start, end);
  const scheme = /^(Bearer|Basic|Token)\s+/i.exec(literal)?.[0] ?? '';
  const template = `\${secret:${name}}`;
  const span = hit.value.span;
  const source = doc.text.slice(span[0], span[1]);
  const quoted = source.startsWith('"') || source.startsWith("'");
  const block = source.startsWith('|') || source.startsWith('>');
  const inFlow = hit.chain.some((v) => v.kind !== 'scalar' && isFlow(doc, v));
  const title = `Move the literal secret to ${template}`;
  if (
    quoted ||
    block ||
    (!inFlow && !PLAIN_UNSAFE.test(source.slice(0, start - span[0]) + scheme + template + source.slice(end - span[0])))
  ) {
    return { title, edits: [{ range: d.range, newText: scheme + template }] };
  }
  // A plain scalar inside `{…}` cannot hold `{`/`}`: write the whole value double-quoted.
  const value = hit.value.value;
  const within = value.indexOf(literal);
  if (within === -1) return undefined;
  const next = value.slice(0, within) + scheme + template + value.slice(within + literal.length);
  return { title, edits: [{ range: toRange(doc.lines, span), newText: JSON.stringify(next) }] };
}

const DIRECTIVE = /#\s*kailash-disable-next-line\b[^\n]*$/;

/** `# kailash-disable-next-line <code>` above the diagnostic's line (or the code added to one there). */
function disableEdit(doc: FeatureDoc, d: LspDiagnostic, code: string): TextEdit[] {
  const line = d.range.start.line;
  const prev = line > 0 ? doc.lines.lineText(line - 1) : '';
  const m = DIRECTIVE.exec(prev);
  if (m) {
    const at = { line: line - 1, character: prev.length };
    return [{ range: { start: at, end: at }, newText: ` ${code}` }];
  }
  const indent = /^ */.exec(doc.lines.lineText(line))![0];
  const at = { line, character: 0 };
  return [{ range: { start: at, end: at }, newText: `${indent}# kailash-disable-next-line ${code}\n` }];
}

/** Rewrites a short connection (`from`/`to`, implicit ports) in the full form Kailash documents. */
function toFullForm(doc: FeatureDoc, offset: number): CodeAction | undefined {
  const c = doc.model.connections.find((x) => touches(x.span, offset));
  if (!c || c.form !== 'short') return undefined;
  const from = getEntry(c.entry, 'from');
  const to = getEntry(c.entry, 'to');
  if (!from || !to) return undefined;
  const flow = isFlow(doc, c.entry);
  const json = doc.model.format === 'json';
  const edits: TextEdit[] = [];
  const key = (k: string) => (json ? JSON.stringify(k) : k);
  const pairOf = (k: string, v: string) => `${key(k)}: ${json ? JSON.stringify(v) : v}`;
  const after = (e: Entry, pair: string): TextEdit => {
    if (flow) return { range: toRange(doc.lines, [e.value.span[1], e.value.span[1]]), newText: `, ${pair}` };
    const at = contentLineEnd(doc, [e.keySpan[0], e.value.span[1]]);
    return { range: toRange(doc.lines, [at, at]), newText: `\n${' '.repeat(doc.lines.position(e.keySpan[0]).character)}${pair}` };
  };
  edits.push({ range: toRange(doc.lines, from.keySpan), newText: requote(doc, from.keySpan, 'from_node') });
  if (c.fromOutput.implicit) edits.push(after(from, pairOf('from_output', c.fromOutput.value)));
  edits.push({ range: toRange(doc.lines, to.keySpan), newText: requote(doc, to.keySpan, 'to_node') });
  if (c.toInput.implicit) edits.push(after(to, pairOf('to_input', c.toInput.value)));
  return { title: 'Convert to the full connection form', kind: CodeActionKind.RefactorRewrite, edit: { changes: { [doc.uri]: edits } } };
}
