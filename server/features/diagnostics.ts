import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import type { Diagnostic } from '../../runtime/diagnostics';
import { wellFormed, type LineIndex } from '../../runtime/model/lines';
import { toRange } from './types';

const SEVERITY = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
} as const;

/** Our diagnostics as LSP diagnostics (`source: "kailash"`; suggestions kept for quick fixes). */
export function toLspDiagnostic(lines: LineIndex, d: Diagnostic): LspDiagnostic {
  const out: LspDiagnostic = { range: toRange(lines, d.span), severity: SEVERITY[d.severity], code: d.code, source: 'kailash', message: wellFormed(d.message) };
  if (d.suggestions) out.data = { suggestions: d.suggestions };
  return out;
}
