import type { Location, Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { Span, WorkflowModel } from '../../runtime/model/types';
import { innerSpan } from './locate';
import { toOffset, toRange, touches, type FeatureDoc } from './types';

/** A place a node id is written. */
export interface NodeRef {
  id: string;
  /** The id's text, quotes excluded. */
  span: Span;
  kind: 'declaration' | 'connection' | 'parameters';
}

/** Every place a node id is written: declarations, connection endpoints, `parameters` keys. */
export function allRefs(model: WorkflowModel): NodeRef[] {
  const text = model.text;
  const out: NodeRef[] = [];
  for (const n of model.nodes) out.push({ id: n.id, span: innerSpan(text, n.idSpan), kind: 'declaration' });
  for (const c of model.connections) {
    if (c.from) out.push({ id: c.from.value, span: innerSpan(text, c.from.span), kind: 'connection' });
    if (c.to) out.push({ id: c.to.value, span: innerSpan(text, c.to.span), kind: 'connection' });
  }
  for (const e of model.parameters?.entries ?? []) {
    if (model.nodesById.has(e.key)) out.push({ id: e.key, span: innerSpan(text, e.keySpan), kind: 'parameters' });
  }
  return out;
}

/** The node id under an offset, wherever it is written. */
export function refAt(model: WorkflowModel, offset: number): NodeRef | undefined {
  return allRefs(model).find((r) => touches(r.span, offset));
}

export function definition(doc: FeatureDoc, position: Position): Location | undefined {
  const ref = refAt(doc.model, toOffset(doc.lines, position));
  const node = ref && doc.model.nodesById.get(ref.id);
  if (!node) return undefined;
  return { uri: doc.uri, range: toRange(doc.lines, innerSpan(doc.text, node.idSpan)) };
}

export function references(doc: FeatureDoc, position: Position, includeDeclaration: boolean): Location[] {
  const ref = refAt(doc.model, toOffset(doc.lines, position));
  if (!ref) return [];
  return allRefs(doc.model)
    .filter((r) => r.id === ref.id && (includeDeclaration || r.kind !== 'declaration'))
    .map((r) => ({ uri: doc.uri, range: toRange(doc.lines, r.span) }));
}

/** Node ids that stay plain YAML scalars and read the same in Python: letters, digits, `_`, `-`. */
export const VALID_ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function prepareRename(doc: FeatureDoc, position: Position): { range: Range; placeholder: string } | { error: string } {
  const ref = refAt(doc.model, toOffset(doc.lines, position));
  if (!ref) return { error: 'Only a node id (where it is declared or referenced) can be renamed here.' };
  if (!doc.model.nodesById.has(ref.id)) return { error: `No node '${ref.id}' in this workflow to rename.` };
  return { range: toRange(doc.lines, ref.span), placeholder: ref.id };
}

/** Renames a node id everywhere it is written; refuses invalid or taken names with a message. */
export function rename(doc: FeatureDoc, position: Position, newName: string): WorkspaceEdit | { error: string } {
  const ref = refAt(doc.model, toOffset(doc.lines, position));
  if (!ref || !doc.model.nodesById.has(ref.id))
    return { error: 'Only a node id (where it is declared or referenced) can be renamed here.' };
  if (newName === ref.id) return { changes: { [doc.uri]: [] } };
  if (!VALID_ID.test(newName)) {
    return { error: `'${newName}' is not a valid node id: use letters, digits, '_' and '-', starting with a letter or '_'.` };
  }
  if (doc.model.nodesById.has(newName)) return { error: `A node '${newName}' already exists in this workflow.` };
  const edits: TextEdit[] = allRefs(doc.model)
    .filter((r) => r.id === ref.id)
    .map((r) => ({ range: toRange(doc.lines, r.span), newText: newName }));
  return { changes: { [doc.uri]: edits } };
}
