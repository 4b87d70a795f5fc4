import { failureText } from '../../runtime/engine/explain';
import type { NodeError } from '../../runtime/engine/types';
import type { NodeModel, Span } from '../../runtime/model/types';

/**
 * Where a failure goes in the editor: on the value of the parameter that caused it (for code,
 * the line the error points at), else on the node's id. A parameter given by a connection or a
 * run parameter has no value in the node's text, so the id it is.
 */
export function failureSpan(node: NodeModel, text: string, error: NodeError): Span {
  const entry = error.param ? node.config?.entries.find((e) => e.key === error.param) : undefined;
  if (!entry) return node.idSpan;
  const span = entry.value.span;
  if (error.line === undefined) return span;
  const line = codeLineSpan(text, span, error.line);
  return line ?? span;
}

/** Line `n` (1-based) of a block scalar's content (`code: |`), trimmed of its indentation. */
function codeLineSpan(text: string, span: Span, n: number): Span | undefined {
  const source = text.slice(span[0], span[1]);
  if (!/^[|>]/.test(source)) return undefined;
  let start = text.indexOf('\n', span[0]);
  for (let i = 1; i < n && start !== -1 && start < span[1]; i++) start = text.indexOf('\n', start + 1);
  if (start === -1 || start >= span[1]) return undefined;
  let end = text.indexOf('\n', start + 1);
  if (end === -1 || end > span[1]) end = span[1];
  let from = start + 1;
  while (from < end && (text[from] === ' ' || text[from] === '\t')) from++;
  return from < end ? [from, end] : undefined;
}

/** The diagnostic's text: what happened in words, where, and what to do (each once). */
export function failureMessage(error: NodeError): string {
  const where = error.param ? ` (in \`${error.param}\`${error.line !== undefined ? `, line ${error.line}` : ''})` : '';
  return `${failureText(error)}${where}${error.hint ? `\n${error.hint}` : ''}`;
}
