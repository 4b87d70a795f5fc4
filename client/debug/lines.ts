import { LineIndex } from '../../runtime/model/lines';
import type { WorkflowModel } from '../../runtime/model/types';

/** The lines (0-based, inclusive) a node's entry covers, from its `- id:` or key line to its last. */
export interface NodeLines {
  node: string;
  first: number;
  last: number;
}

/** Where each node of a workflow is written, for binding breakpoints and pointing frames at it. */
export function nodeLines(model: WorkflowModel): NodeLines[] {
  const lines = new LineIndex(model.text);
  return [...model.nodesById.values()].map((n) => {
    const start = Math.min(n.idSpan[0], n.span[0]);
    // A span ends after its line break: the line it ends on is the one before that offset.
    let end = n.span[1];
    while (end > start && /\s/.test(model.text[end - 1]!)) end--;
    return { node: n.id, first: lines.position(start).line, last: lines.position(Math.max(start, end)).line };
  });
}

/** The node written on a line; lines between nodes belong to none. */
export function nodeAtLine(nodes: NodeLines[], line: number): NodeLines | undefined {
  return nodes.find((n) => line >= n.first && line <= n.last);
}
