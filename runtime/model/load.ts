import { formatOf } from './json';
import { parseWorkflow } from './parse';
import type { WorkflowModel } from './types';

/**
 * A workflow file's text, read as its name says (`.json`: strict JSON, anything else: YAML). Every
 * path that runs a file (the CLI, the editor's run host, workers, sub-workflows) reads it here, so
 * a file means the same thing wherever it runs and the language server checks what will run.
 */
export function parseWorkflowFile(text: string, file: string | undefined): WorkflowModel {
  return parseWorkflow(text, formatOf(file));
}
