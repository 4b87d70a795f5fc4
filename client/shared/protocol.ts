import type { RunEvent, RunParameters, RunResult } from '../../runtime/engine/types';
import type { CaseReport, FileReport } from '../../runtime/testing/report';

/** Settings a run takes from the user's configuration. */
export interface RunSettings {
  maxConcurrency: number;
  pythonPath?: string;
  /** Path of a `.env` file whose variables `${env:…}` can read. */
  envFile?: string;
  /** Seconds; applied to nodes without their own `timeout`. */
  defaultTimeout?: number;
  /**
   * Send the run to a worker queue (BullMQ on Redis) instead of running it here. `file` is the
   * workflow's path relative to the root the workers share; workers use their own secrets.
   */
  queue?: { redis: string; name?: string; file: string };
}

/** Extension → run host. */
export type ToHost =
  | {
      type: 'run';
      id: string;
      file: string;
      text: string;
      parameters: RunParameters;
      settings: RunSettings;
      to?: string;
      /** Re-run from this node, reusing the host's cached outputs of the previous run of `file`. */
      from?: string;
    }
  /** Run a test file's cases (all, or those named in `only`); `text` is the editor's, saved or not. */
  | { type: 'test'; id: string; file: string; text: string; only?: string[] }
  | { type: 'cancel'; id: string }
  | { type: 'secret'; requestId: number; value: string | undefined };

/** Run host → extension. */
export type FromHost =
  | { type: 'event'; id: string; event: RunEvent }
  | { type: 'done'; id: string; result: RunResult }
  | { type: 'invalid'; id: string; message: string }
  | { type: 'secret-request'; requestId: number; name: string }
  | { type: 'test-case'; id: string; report: TestCaseReport }
  | { type: 'test-done'; id: string; report: TestFileReport };

/** A case's report as the host sends it: without the run record (the Test Explorer shows the failures). */
export type TestCaseReport = Omit<CaseReport, 'result'>;
export type TestFileReport = Omit<FileReport, 'cases' | 'text'> & { cases: TestCaseReport[] };
