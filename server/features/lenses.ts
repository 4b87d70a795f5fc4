import type { CodeLens } from 'vscode-languageserver';
import { toRange, type FeatureDoc } from './types';

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
