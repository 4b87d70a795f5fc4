import type { NodeOutput } from '../catalog/types';

export type RunStatus = 'succeeded' | 'failed' | 'cancelled';
export type NodeStatus = 'succeeded' | 'failed' | 'skipped' | 'cancelled' | 'not-run';

export interface NodeError {
  /** Kailash's exception class (`ContentAwareExecutionError`, `TimeoutError`, …): what scripts match on. */
  type: string;
  message: string;
  /** The node parameter that caused the failure (`file_path`, `url`, `query`, `code`…), when known. */
  param?: string;
  /** For `param: code`, the 1-based line of the code the error points at. */
  line?: number;
  /** One sentence on what to do about it. */
  hint?: string;
}

export interface NodeRecord {
  status: NodeStatus;
  durationMs: number;
  attempts: number;
  /** Loop passes, for nodes on a cyclic edge. */
  iterations?: number;
  /** The output was taken from an earlier run (`reuse`), not computed. */
  reused?: boolean;
  error?: NodeError;
}

/** The shape `run --json` prints (docs/workflow-format.md). */
export interface RunResult {
  runId: string;
  status: RunStatus;
  durationMs: number;
  /** Exactly what Kailash's `LocalRuntime.execute` returns: node id → output dict, `null` when skipped. */
  results: Record<string, NodeOutput | null>;
  nodes: Record<string, NodeRecord>;
  error?: NodeError & { node?: string };
}

/** Live events; `time` is epoch milliseconds. Outputs in events are capped previews. */
export type RunEvent = { runId: string; time: number } & (
  | { type: 'run-start'; order: string[] }
  | { type: 'node-start'; node: string }
  | { type: 'node-retry'; node: string; attempt: number; delayMs: number; cause: string }
  | { type: 'node-output'; node: string; record: NodeRecord; preview: unknown; truncated: boolean }
  | { type: 'node-error'; node: string; record: NodeRecord; error: NodeError }
  | { type: 'node-skip'; node: string; record: NodeRecord }
  | { type: 'breaker'; key: string; state: 'closed' | 'open' | 'half-open' }
  | { type: 'warning'; node?: string; message: string }
  /** A line the node's code printed (console.log, print), secrets redacted. */
  | { type: 'node-log'; node: string; message: string }
  | { type: 'run-end'; result: RunResult }
);

/** An event as a run emits it, before the run id and time are stamped on. */
export type RunEventBody = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 'runId' | 'time'> : never) : never;

/** Run parameters: `{node_id: {param: value}}` entries are per node. */
export type RunParameters = Record<string, unknown>;

export interface RunOptions {
  /**
   * The run's id (default a random UUID). Worker mode passes the submitted run's id, so that a
   * redelivered run sends the same idempotency keys (`runId:nodeId:attempt`) as the first delivery.
   */
  runId?: string;
  parameters?: RunParameters;
  signal?: AbortSignal;
  onEvent?: (e: RunEvent) => void;
  /** Run only this node and its upstream. */
  to?: string;
  /** Folder that relative paths resolve against (the workflow file's folder). */
  baseDir?: string;
  /** Folders file nodes may touch besides `baseDir`. */
  roots?: string[];
  /** Independent nodes run at once up to this many (Kailash's `max_concurrency`, default 10). */
  maxConcurrency?: number;
  /** Timeout for nodes without their own `timeout` policy (the editor's default). */
  defaultTimeoutMs?: number;
  /** Outputs of an earlier run to use instead of running these nodes ("re-run from here"). */
  reuse?: Record<string, NodeOutput | null>;
  /**
   * The secret values the earlier run resolved (`keepOutputs`' second argument): the reused
   * outputs may hold them, and this run, which does not run those nodes, would not know them.
   */
  reuseSecrets?: string[];
  /**
   * Receives the real (unredacted) outputs when the run ends, for a later `reuse`, with the
   * secret values they may hold, for a later `reuseSecrets`; keep both in-process.
   */
  keepOutputs?: (outputs: Record<string, NodeOutput | null>, secrets: string[]) => void;
}
