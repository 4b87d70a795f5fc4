import * as path from 'node:path';

type Model = typeof import('./model');
let loaded: Model | undefined;

/** The workflow model, required from its own bundle the first time a feature needs it. */
export function model(): Model {
  // A computed path: esbuild leaves it as a runtime require instead of inlining the module.
  loaded ??= require(path.join(__dirname, 'editor-model.js')) as Model;
  return loaded;
}

/** The model bundle if something has loaded it already (so that cleanup never loads it). */
export function loadedModel(): Model | undefined {
  return loaded;
}
