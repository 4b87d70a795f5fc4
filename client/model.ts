/**
 * What the extension reads workflow text with (the `yaml` parser and our model), bundled apart
 * as dist/editor-model.js and loaded on first use, so activation does not pay for it.
 */
export { parseWorkflow } from '../runtime/model/parse';
export { LineIndex } from '../runtime/model/lines';
export { fingerprints, staleNodes } from './editor/fingerprints';
export { panelGraph } from './panel/graph';
export { parse as parseYaml } from 'yaml';
export { parseTestFile, isTestFile } from '../runtime/testing/format';
export { addCase, callsServices, pinOutput, testFileFor } from '../runtime/testing/edit';
export { getSpec } from '../runtime/catalog';
