import type { Diagnostic as LspDiagnostic, Position, TextEdit } from 'vscode-languageserver';
import { toLspDiagnostic } from '../../server/features/diagnostics';
import { LineIndex } from '../../runtime/model/lines';
import { formatOf } from '../../runtime/model/json';
import { parseWorkflow } from '../../runtime/model/parse';
import { validateModel } from '../../runtime/validate';
import type { FeatureDoc } from '../../server/features/types';
import { cursor } from './markers';

export const URI = 'file:///project/demo.workflow.yaml';

/** A feature document for fixture text (validated, as the server holds it). */
export function featureDoc(text: string, uri = URI): FeatureDoc {
  const model = parseWorkflow(text, formatOf(uri));
  const lines = new LineIndex(text);
  return { uri, text, model, lines, diagnostics: validateModel(model, {}, lines) };
}

/** A feature document and the position of its `|` cursor marker. */
export function at(fixture: string): { doc: FeatureDoc; position: Position; offset: number } {
  const { text, offset } = cursor(fixture);
  const doc = featureDoc(text);
  return { doc, position: doc.lines.position(offset), offset };
}

/** Applies LSP text edits (non-overlapping) to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = new LineIndex(text);
  const spans = edits
    .map((e) => ({
      start: lines.offset(e.range.start.line, e.range.start.character),
      end: lines.offset(e.range.end.line, e.range.end.character),
      text: e.newText,
    }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

/** The LSP diagnostics the server would publish for a document. */
export function lspDiagnostics(doc: FeatureDoc): LspDiagnostic[] {
  return (doc.diagnostics ?? []).map((d) => toLspDiagnostic(doc.lines, d));
}

/** Fills a snippet's placeholders with their defaults (first choice), as accepting it would. */
export function expandSnippet(s: string): string {
  return s
    .replace(/\$\{\d+\|([^,|]*)[^|]*\|\}/g, '$1')
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\d+/g, '');
}
