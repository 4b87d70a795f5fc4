import type { Diagnostic } from '../diagnostics';
import { LineIndex } from '../model/lines';
import { parseWorkflow } from '../model/parse';
import type { WorkflowModel } from '../model/types';
import { checkKailashCompat } from './compat';
import { checkConnections } from './connections';
import { compareDiagnostics, Context, type ValidateOptions } from './context';
import { checkFiles } from './files';
import { checkGraph } from './graph';
import { checkNodes } from './nodes';
import { checkParameters } from './parameters';
import { applySuppressions } from './suppress';

export type { ValidateOptions } from './context';

/** Every diagnostic of a parsed workflow, suppressions applied, in document order. */
export function validateModel(model: WorkflowModel, options: ValidateOptions = {}, lines?: LineIndex): Diagnostic[] {
  const ctx = new Context(model, options);
  if (model.root) {
    checkNodes(ctx);
    checkConnections(ctx);
    checkParameters(ctx);
    checkGraph(ctx);
    checkKailashCompat(ctx);
    if (options.fileExists) checkFiles(ctx, options.fileExists);
  }
  let all = applySuppressions(
    model.text,
    model.diagnostics.concat(ctx.diagnostics),
    lines ?? (() => new LineIndex(model.text)),
    model.format,
  );
  // The reader's own warnings, a policy's kept warnings, and the directives' typos.
  if (ctx.errorsOnly) all = all.filter((d) => d.severity === 'error');
  return all.sort(compareDiagnostics);
}

/** Parses and validates workflow text. */
export function validateText(
  text: string,
  options: ValidateOptions = {},
  format: 'yaml' | 'json' = 'yaml',
): { model: WorkflowModel; diagnostics: Diagnostic[]; lines: LineIndex } {
  const model = parseWorkflow(text, format);
  const lines = new LineIndex(text);
  return { model, diagnostics: validateModel(model, options, lines), lines };
}
