import type { CodeLens } from 'vscode-languageserver';
import { toRange, type FeatureDoc } from './types';

/** Command ids the VS Code extension implements; arguments are plain JSON. */
export const COMMANDS = {
  runWorkflow: 'kailash.runWorkflow',
  validate: 'kailash.validate',
  showGraph: 'kailash.showGraph',
  runToNode: 'kailash.runToNode',
} as const;

/**
 * Commands the server runs itself (`workspace/executeCommand`), for every client. Their ids differ
 * from the extension's: a client registers the server's commands under these very names.
 */
export const SERVER_COMMANDS = {
  validate: 'kailash-server.validate',
  graph: 'kailash-server.graph',
} as const;

/**
 * Beyond this many nodes a file gets one "Run to a node…" lens on its first line instead of one
 * lens per node: VS Code lays out and re-requests every lens of a file on each keystroke, and
 * thousands of them stalled typing. The extension's "Re-run from here" lenses follow the same
 * limit (`client/editor/lenses.ts`).
 */
export const NODE_LENS_LIMIT = 200;

/**
 * Lenses on the file's first line and on every node (up to `NODE_LENS_LIMIT` nodes). Only a client that said it runs the
 * extension's commands (`clientCommands`) gets run lenses, which need its run host; any other
 * gets validate and graph lenses the server answers itself (the CLI covers running).
 */
export function codeLenses(doc: FeatureDoc, clientCommands = false): CodeLens[] {
  const { model, lines } = doc;
  if (!model.root || model.nodes.length === 0) return [];
  const top = toRange(lines, [model.root.span[0], model.root.span[0]]);
  if (!clientCommands) {
    return [
      { range: top, command: { title: 'Validate', command: SERVER_COMMANDS.validate, arguments: [doc.uri] } },
      { range: top, command: { title: 'Show graph (Mermaid)', command: SERVER_COMMANDS.graph, arguments: [doc.uri, 'mermaid'] } },
    ];
  }
  const lenses: CodeLens[] = [
    { range: top, command: { title: '▶ Run workflow', command: COMMANDS.runWorkflow, arguments: [doc.uri] } },
    { range: top, command: { title: 'Validate', command: COMMANDS.validate, arguments: [doc.uri] } },
    { range: top, command: { title: 'Show graph', command: COMMANDS.showGraph, arguments: [doc.uri] } },
  ];
  if (model.nodesById.size > NODE_LENS_LIMIT) {
    // No node argument: the command asks which node.
    lenses.push({ range: top, command: { title: '▶ Run to a node…', command: COMMANDS.runToNode, arguments: [doc.uri] } });
    return lenses;
  }
  for (const n of model.nodes) {
    if (model.nodesById.get(n.id) !== n) continue;
    lenses.push({
      range: toRange(lines, n.idSpan),
      command: { title: `▶ Run to ${n.id}`, command: COMMANDS.runToNode, arguments: [doc.uri, n.id] },
    });
  }
  return lenses;
}
