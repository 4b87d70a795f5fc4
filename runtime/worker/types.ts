import type { RunEvent, RunParameters, RunResult } from '../engine/types';

/**
 * What travels in a BullMQ job: the workflow itself and its parameters, never secrets (a worker
 * resolves `${secret:…}` and `${env:…}` from its own environment). `v` lets a newer worker refuse
 * a job shape it does not know instead of misreading it.
 */
export interface RunJob {
  v: 1;
  runId: string;
  /** The workflow file's text, as the submitter read it. */
  text: string;
  /**
   * The file's path relative to the submitter's `--root`: the worker resolves it against its own
   * `--root`, and the file's folder becomes the run's base directory.
   */
  file: string;
  parameters: RunParameters;
  to?: string;
  /** Whole-run timeout; BullMQ has none, so the worker aborts the run's signal. */
  timeoutMs?: number;
  /** Epoch ms. */
  submittedAt: number;
}

/** A run's one stored record (`kwf:<queue>:run:<id>`): the `run --json` result and where it ran. */
export interface RunRecord {
  runId: string;
  queue: string;
  file: string;
  /** The worker that wrote the record (`host:pid`). */
  worker: string;
  /** 1 for the first delivery; more when a worker died or handed the run back. */
  delivery: number;
  submittedAt: number;
  startedAt: number;
  finishedAt: number;
  result: RunResult;
}

/** Events a worker adds around the engine's own. */
export type WorkerEvent = { runId: string; time: number } & (
  { type: 'picked-up' } | { type: 'handed-back'; reason: string } | { type: 'recorded'; status: RunResult['status'] }
);

/** One entry of a run's event stream. `id` is the stream id: pass it back to resume following. */
export interface StreamEntry {
  id: string;
  delivery: number;
  worker: string;
  event: RunEvent | WorkerEvent;
}

export type RunState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'unknown';

/** What `status --json` prints. */
export interface RunStatus {
  runId: string;
  queue: string;
  state: RunState;
  /** Present once the run is recorded. */
  record?: RunRecord;
}
