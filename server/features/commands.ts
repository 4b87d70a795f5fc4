import { toMermaid, toText } from '../../runtime/graph/render';
import type { Diagnostic } from '../../runtime/diagnostics';
import { SERVER_COMMANDS } from './lenses';
import type { FeatureDoc } from './types';

export interface CommandResult {
  /** A line for the client to show (`window/showMessage`). */
  message: string;
  /** The command's answer: what a client's script may use. */
  result: unknown;
}

/** Counts of a file's problems, in the words the extension uses. */
export function validateCommand(doc: FeatureDoc, diagnostics: readonly Diagnostic[]): CommandResult {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const other = diagnostics.length - errors - warnings;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const message = `Kailash: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}${other ? `, ${plural(other, 'hint')}` : ''} in ${doc.uri.replace(/^.*\//, '')}.`;
  return { message, result: { uri: doc.uri, errors, warnings, other } };
}

/** The graph as Mermaid (default) or plain text; the message holds it whole, for clients that only show messages. */
export function graphCommand(doc: FeatureDoc, format: unknown): CommandResult {
  const text = format === 'text' ? toText(doc.model) : toMermaid(doc.model);
  return { message: text, result: { uri: doc.uri, format: format === 'text' ? 'text' : 'mermaid', text } };
}

export const SERVER_COMMAND_IDS: string[] = Object.values(SERVER_COMMANDS);
