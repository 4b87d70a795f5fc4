import { readDocument } from './parse';
import type { Diagnostic } from '../diagnostics';
import { toValue } from './values';

/**
 * A YAML (or JSON) text that is data, not a workflow (`--params`, `--param`), read as the workflow
 * reader reads a file, which is as PyYAML's `safe_load` reads it (`08` and `1e20` are strings,
 * `yes` is true, `<<` merges), with the value model's numbers (`2.0` a float, big ints exact): a
 * parameter file means what it would mean to Kailash. Throws on a syntax error.
 */
export function readYamlValue(text: string): unknown {
  const diagnostics: Diagnostic[] = [];
  const root = readDocument(text, 'yaml', diagnostics);
  const error = diagnostics.find((d) => d.severity === 'error');
  if (error) throw new SyntaxError(error.message);
  return root === undefined ? null : toValue(root);
}
