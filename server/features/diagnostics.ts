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

/**
 * What a published diagnostic carries back to code actions: its span as text offsets. Clients
 * return the diagnostic's range in their own units (Neovim 0.7 in bytes), so quick fixes find the
 * server's own diagnostic by this span and never edit the range a client sends.
 */
export interface DiagnosticData {
  span: [number, number];
}

/** Our diagnostics as LSP diagnostics (`source: "kailash"`). */
export function toLspDiagnostic(lines: LineIndex, d: Diagnostic): LspDiagnostic {
  const data: DiagnosticData = { span: [d.span[0], d.span[1]] };
  return {
    range: toRange(lines, d.span),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'kailash',
    message: wellFormed(d.message),
    data,
  };
}

/**
 * The server's diagnostics that a client's diagnostics (from a code action request) stand for:
 * matched by code and the span in `data`, or, from a client that drops `data`, by code and line
 * (lines count alike in every encoding); the same message first, as several may share a place.
 * Ones the server no longer has are dropped.
 */
export function ownDiagnostics(own: readonly Diagnostic[], lines: LineIndex, sent: readonly LspDiagnostic[]): Diagnostic[] {
  const out = new Set<Diagnostic>();
  for (const c of sent) {
    if (c.source !== undefined && c.source !== 'kailash') continue;
    const span = (c.data as Partial<DiagnosticData> | undefined)?.span;
    const at = Array.isArray(span)
      ? (d: Diagnostic) => d.span[0] === span[0] && d.span[1] === span[1]
      : (d: Diagnostic) => lines.position(d.span[0]).line === c.range.start.line;
    const candidates = own.filter((d) => d.code === c.code && at(d) && !out.has(d));
    const found = candidates.find((d) => wellFormed(d.message) === c.message) ?? candidates[0];
    if (found) out.add(found);
  }
  return [...out];
}
