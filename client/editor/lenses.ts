import type { WorkflowModel } from '../../runtime/model/types';

/**
 * Beyond this many nodes (the default of `kailash.codeLens.nodeLimit`) the extension's "Re-run
 * from here" lenses become one file-level lens, as the server's "Run to" lenses do
 * (`server/features/lenses.ts`, the same setting): thousands of lenses stalled typing in a
 * 2,000-node file after a run.
 */
export const NODE_LENS_LIMIT = 200;

/** Where the re-run lenses go: one per node (up to `nodeLimit`; 0: none), or one on the file's first line without a node (the command asks). */
export function rerunLenses(model: WorkflowModel, nodeLimit = NODE_LENS_LIMIT): { offset: number; node?: string; title: string }[] {
  if (model.nodesById.size === 0) return [];
  if (model.nodesById.size > nodeLimit) return [{ offset: model.root?.span[0] ?? 0, title: 'Re-run from a node…' }];
  return [...model.nodesById.values()].map((n) => ({ offset: n.span[0], node: n.id, title: 'Re-run from here' }));
}
