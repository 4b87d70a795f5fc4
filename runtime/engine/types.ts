import type { NodeOutput } from '../catalog/types';
import type { WorkflowModel } from '../model/types';

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
  /**
   * `inputs`: what the node is called with (config, connections and run parameters merged,
   * templates resolved, secrets redacted), a capped preview; absent when it failed before that.
   */
  | { type: 'node-start'; node: string; inputs?: unknown; inputsTruncated?: boolean }
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
  /**
   * The event types `onEvent` takes (default: all): a run builds no event of another type, for a
   * listener that reads only some (the CLI has no use for `node-start`, one per node).
   */
  events?: readonly RunEvent['type'][];
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
  /** Outputs of an earlier run to use instead of running these nodes ("re-run from here", a test's pins). */
  reuse?: Record<string, NodeOutput | null>;
  /**
   * The `reuse` outputs stand for what the nodes returned (a test's pins), not for a run that
   * already judged them: one with `success: false` fails its node as Kailash's content-aware
   * detection would (and `on_error` applies).
   */
  reusedAsReturned?: boolean;
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
  /**
   * Called before each node runs, once its inputs are resolved, in this run and in the
   * sub-workflows its WorkflowNodes run; the node waits for it and runs with the inputs it
   * returns, if any. A debugger pauses here. Cancelling the run ends the wait.
   */
  beforeNode?: (stop: NodeStop) => Promise<{ inputs?: Record<string, unknown> } | undefined>;
  /**
   * `false` runs every node alone, even a chain of PythonCodeNodes that would go to the worker
   * as one request (engine/chains.ts); for tests and benches comparing the two
   * (`KAILASH_CHAIN=0` in the environment does the same).
   */
  chain?: boolean;
  /**
   * `false`: `node-start` events carry no `inputs` preview, for a listener that never shows them
   * (the CLI), so that no run works out what nobody reads.
   */
  inputPreviews?: boolean;
}

/** A node about to run, as `beforeNode` sees it. */
export interface NodeStop {
  node: string;
  /** The workflow the node is in (a sub-workflow's own, inside a WorkflowNode). */
  model: WorkflowModel;
  /** The sub-workflow's file, for a node of a sub-workflow read from one. */
  file?: string;
  /** The WorkflowNodes the node runs inside, outermost first; empty at the top level. */
  callers: string[];
  /** What the node will run with: resolved, defaulted and coerced; secrets not redacted. */
  inputs: Record<string, unknown>;
  /** Outputs of the nodes of this workflow that have run so far, secrets redacted. */
  outputs: Record<string, NodeOutput | null>;
  /** The loop pass (1 for the first), for a node on a cyclic edge. */
  iteration?: number;
  /** Redacts the run's secret values out of a value, for showing inputs. */
  redact<T>(value: T): T;
}
