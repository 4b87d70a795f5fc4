import type { NodeOutput } from '../catalog/types';

export type RunStatus = 'succeeded' | 'failed' | 'cancelled';
export type NodeStatus = 'succeeded' | 'failed' | 'skipped' | 'cancelled' | 'not-run';

export interface NodeError {
  type: string;
  message: string;
}

export interface NodeRecord {
  status: NodeStatus;
  durationMs: number;
  attempts: number;
  error?: NodeError;
}

/** DESIGN §5, the shape `run --json` prints. */
export interface RunResult {
  runId: string;
  status: RunStatus;
  durationMs: number;
  /** Exactly what Kailash's `LocalRuntime.execute` returns: node id → output dict, `null` when skipped. */
  results: Record<string, NodeOutput | null>;
  nodes: Record<string, NodeRecord>;
  error?: NodeError & { node?: string };
}

export type RunEvent =
  | { type: 'run-start'; runId: string; order: string[] }
  | { type: 'node-start'; runId: string; node: string }
  | { type: 'node-end'; runId: string; node: string; record: NodeRecord; output: NodeOutput | null }
  | { type: 'warning'; runId: string; node?: string; message: string }
  | { type: 'run-end'; runId: string; result: RunResult };

/** Run parameters: `{node_id: {param: value}}` entries are per node, anything else is flat. */
export type RunParameters = Record<string, unknown>;

export interface RunOptions {
  parameters?: RunParameters;
  signal?: AbortSignal;
  onEvent?: (e: RunEvent) => void;
  /** Run only this node and its upstream. */
  to?: string;
  /** Folder that relative paths resolve against (the workflow file's folder). */
  baseDir?: string;
  /** Folders file nodes may touch besides `baseDir`. */
  roots?: string[];
}
