import type { DocumentLink } from 'vscode-languageserver';
import { getEntry, isScalarString } from '../../runtime/model/values';
import { innerSpan } from './locate';
import { toRange, type FeatureDoc, type WorkspaceIndex } from './types';

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
