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
 * Beyond this many nodes (the default of the `kailash.codeLens.nodeLimit` setting) a file gets one
 * "Run to a node…" lens on its first line instead of one lens per node: VS Code lays out and
 * re-requests every lens of a file on each keystroke, and thousands of them stalled typing. The
 * extension's "Re-run from here" lenses follow the same setting (`client/editor/lenses.ts`).
 */
export const NODE_LENS_LIMIT = 200;

/** The node limit a setting gives: a whole number ≥ 0 (0: no per-node lenses), else the default. */
export function readNodeLimit(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : NODE_LENS_LIMIT;
}

/**
 * Lenses on the file's first line and on every node (up to `nodeLimit` nodes). Only a client that said it runs the
 * extension's commands (`clientCommands`) gets run lenses, which need its run host; any other
 * gets validate and graph lenses the server answers itself (the CLI covers running).
 */
export function codeLenses(doc: FeatureDoc, clientCommands = false, nodeLimit = NODE_LENS_LIMIT): CodeLens[] {
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
  if (model.nodesById.size > nodeLimit) {
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
