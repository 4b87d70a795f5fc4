import type { Position } from 'vscode-languageserver';
import { LineIndex } from '../../runtime/model/lines';
import { parseWorkflow } from '../../runtime/model/parse';
import { validateModel } from '../../runtime/validate';
import type { FeatureDoc } from '../../server/features/types';
import { cursor } from './markers';

export const URI = 'file:///work/demo.workflow.yaml';

/** A feature document for fixture text (validated, as the server holds it). */
export function featureDoc(text: string, uri = URI): FeatureDoc {
  const model = parseWorkflow(text);
  const lines = new LineIndex(text);
  return { uri, text, model, lines, diagnostics: validateModel(model, {}, lines) };
}

/** A feature document and the position of its `|` cursor marker. */
export function at(fixture: string): { doc: FeatureDoc; position: Position; offset: number } {
  const { text, offset } = cursor(fixture);
  const doc = featureDoc(text);
  return { doc, position: doc.lines.position(offset), offset };
}
