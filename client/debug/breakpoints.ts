import type { DebugProtocol } from '@vscode/debugprotocol';
import { parseWorkflowFile } from '../../runtime/model/load';
import { compile } from './expressions';
import { nodeAtLine, nodeLines } from './lines';

export interface NodeBreakpoint {
  id: number;
  node: string;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
  hits: number;
}

/** `5` or `==5` (the 5th time), `>=5`, `>5`, `<5`, `<=5`, `%5` (every 5th). */
export function hitMatches(condition: string, hits: number): boolean {
  const m = /^\s*(==|>=|<=|>|<|%)?\s*(\d+)\s*$/.exec(condition);
  if (!m) throw new Error(`hit count '${condition}' is not one of N, ==N, >N, >=N, <N, <=N, %N`);
  const n = Number(m[2]);
  switch (m[1]) {
    case '>=':
      return hits >= n;
    case '>':
      return hits > n;
    case '<=':
      return hits <= n;
    case '<':
      return hits < n;
    case '%':
      return n > 0 && hits % n === 0;
    default:
      return hits === n;
  }
}

let nextId = 1;

/**
 * The breakpoints of each workflow file, bound to nodes: a breakpoint on any line of a node's
 * entry stops before that node runs, and moves to the node's first line.
 */
export class Breakpoints {
  private readonly files = new Map<string, NodeBreakpoint[]>();

  /** Replaces a file's breakpoints (DAP's setBreakpoints); `text` is the file as it is now. */
  set(
    file: string,
    text: string | undefined,
    requested: DebugProtocol.SourceBreakpoint[],
    toClient: (line: number) => number,
  ): DebugProtocol.Breakpoint[] {
    const lines = text === undefined ? [] : nodeLines(parseWorkflowFile(text, file));
    const bound: NodeBreakpoint[] = [];
    const out = requested.map((b): DebugProtocol.Breakpoint => {
      const id = nextId++;
      const at = nodeAtLine(lines, b.line - 1);
      if (!at)
        return {
          id,
          verified: false,
          line: b.line,
          message:
            text === undefined ? 'The file cannot be read.' : 'Not on a node: a breakpoint stops before the node whose lines it is on.',
        };
      const problem = check(b);
      if (problem) return { id, verified: false, line: toClient(at.first), message: problem };
      bound.push({
        id,
        node: at.node,
        hits: 0,
        ...(b.condition ? { condition: b.condition } : {}),
        ...(b.hitCondition ? { hitCondition: b.hitCondition } : {}),
        ...(b.logMessage ? { logMessage: b.logMessage } : {}),
      });
      return { id, verified: true, line: toClient(at.first) };
    });
    this.files.set(file, bound);
    return out;
  }

  at(file: string | undefined, node: string): NodeBreakpoint[] {
    return file === undefined ? [] : (this.files.get(file) ?? []).filter((b) => b.node === node);
  }

  /** A new run counts hits from zero. */
  resetHits(): void {
    for (const list of this.files.values()) for (const b of list) b.hits = 0;
  }
}

function check(b: DebugProtocol.SourceBreakpoint): string | undefined {
  try {
    if (b.condition) compile(b.condition);
  } catch (err) {
    return `Condition: ${(err as Error).message}`;
  }
  try {
    if (b.hitCondition) hitMatches(b.hitCondition, 0);
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
}
