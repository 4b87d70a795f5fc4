import type { CodeLens, DocumentLink } from 'vscode-languageserver';
import { isScalarString } from '../../runtime/model/values';
import { getEntry } from '../../runtime/model/values';
import { innerSpan } from './locate';
import { toRange, type FeatureDoc, type WorkspaceIndex } from './types';

/** Command ids the client implements (the client issue); arguments are plain JSON. */
export const COMMANDS = {
  runWorkflow: 'kailash.runWorkflow',
  validate: 'kailash.validate',
  showGraph: 'kailash.showGraph',
  runToNode: 'kailash.runToNode',
} as const;

/** Run, validate and graph lenses on the file's first line, and "run to here" on every node. */
export function codeLenses(doc: FeatureDoc): CodeLens[] {
  const { model, lines } = doc;
  if (!model.root || model.nodes.length === 0) return [];
  const top = toRange(lines, [model.root.span[0], model.root.span[0]]);
  const lenses: CodeLens[] = [
    { range: top, command: { title: '▶ Run workflow', command: COMMANDS.runWorkflow, arguments: [doc.uri] } },
    { range: top, command: { title: 'Validate', command: COMMANDS.validate, arguments: [doc.uri] } },
    { range: top, command: { title: 'Show graph', command: COMMANDS.showGraph, arguments: [doc.uri] } },
  ];
  for (const n of model.nodes) {
    if (model.nodesById.get(n.id) !== n) continue;
    lenses.push({ range: toRange(lines, n.idSpan), command: { title: `▶ Run to ${n.id}`, command: COMMANDS.runToNode, arguments: [doc.uri, n.id] } });
  }
  return lenses;
}

/** Sub-workflow paths a file names (WorkflowNode `workflow_path`), with where they are written. */
export function subWorkflowPaths(doc: Pick<FeatureDoc, 'model' | 'text'>): { path: string; span: [number, number] }[] {
  const out: { path: string; span: [number, number] }[] = [];
  for (const n of doc.model.nodes) {
    if (n.type?.value !== 'WorkflowNode') continue;
    const v = getEntry(n.config, 'workflow_path')?.value;
    if (isScalarString(v) && v.value.trim() && !v.value.includes('${')) out.push({ path: v.value, span: innerSpan(doc.text, v.span) });
  }
  return out;
}

export function documentLinks(doc: FeatureDoc, workspace: WorkspaceIndex): DocumentLink[] {
  return subWorkflowPaths(doc).flatMap(({ path, span }) => {
    const target = workspace.resolve(doc.uri, path);
    return target ? [{ range: toRange(doc.lines, span), target, tooltip: 'Open the sub-workflow' }] : [];
  });
}
