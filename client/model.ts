/**
 * What the extension reads workflow text with (the `yaml` parser and our model), bundled apart
 * as dist/editor-model.js and loaded on first use, so activation does not pay for it.
 */
import { DocumentModels } from './editor/documents';

export { LineIndex } from '../runtime/model/lines';
export { Fingerprinter, fingerprints, staleNodes } from './editor/fingerprints';
export { failureMessage, failureSpan } from './editor/failures';
export { plainMessage } from '../runtime/engine/explain';
export { panelGraph } from './panel/graph';
export { rerunLenses } from './editor/lenses';
export { parse as parseYaml } from 'yaml';
export { parseTestFile, isTestFile } from '../runtime/testing/format';
export { addCase, callsServices, pinOutput, testFileFor } from '../runtime/testing/edit';
export { getSpec } from '../runtime/catalog';

/** The extension's one model per open document (see DocumentModels). */
export const documents = new DocumentModels();
