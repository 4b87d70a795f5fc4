import type { DebugProtocol } from '@vscode/debugprotocol';
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
  | { type: 'secret'; requestId: number; value: string | undefined }
  /** A debug session (client/debug/) opens in the run host; its DAP messages pass through. */
  | { type: 'debug-open'; session: string }
  | { type: 'dap'; session: string; message: DebugProtocol.ProtocolMessage }
  | { type: 'debug-close'; session: string };

/** Run host → extension. */
export type FromHost =
  | { type: 'event'; id: string; event: RunEvent }
  | { type: 'done'; id: string; result: RunResult }
  | { type: 'invalid'; id: string; message: string }
  | { type: 'secret-request'; requestId: number; name: string }
  | { type: 'dap'; session: string; message: DebugProtocol.ProtocolMessage }
  /** A debug session started a run: its events and result follow as those of any run, under `runId`. */
  | { type: 'debug-run'; session: string; runId: string; file: string; label: string }
  /** The debug session holds run `id` before `node` (inside the WorkflowNodes `callers`), or (no node) let it go on. */
  | { type: 'paused'; id: string; node?: string; callers?: string[] }
  | { type: 'test-case'; id: string; report: TestCaseReport }
  | { type: 'test-done'; id: string; report: TestFileReport };

/** A case's report as the host sends it: without the run record (the Test Explorer shows the failures). */
export type TestCaseReport = Omit<CaseReport, 'result'>;

/** The DAP custom event a test case's debug session sends when its run ends; its body is a `TestCaseReport`. */
export const TEST_CASE_EVENT = 'kailashTestCase';
export type TestFileReport = Omit<FileReport, 'cases' | 'text'> & { cases: TestCaseReport[] };
