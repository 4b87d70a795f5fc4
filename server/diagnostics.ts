import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import { DiagnosticSeverity } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from '../runtime/diagnostics';

const SEVERITY = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
} as const;

/** Our diagnostics as LSP diagnostics (`source: "kailash"`, the code kept for quick fixes). */
export function toLspDiagnostic(doc: TextDocument, d: Diagnostic): LspDiagnostic {
  const out: LspDiagnostic = {
    range: { start: doc.positionAt(d.span[0]), end: doc.positionAt(d.span[1]) },
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'kailash',
    message: d.message,
  };
  if (d.suggestions) out.data = { suggestions: d.suggestions };
  return out;
}
