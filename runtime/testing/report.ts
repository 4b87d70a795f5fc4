import type { Diagnostic } from '../diagnostics';
import type { RunResult } from '../engine/types';
import type { Span } from '../model/span';

// The shapes of test reports, apart from the code that makes them: the editor's protocol (read
// by the webview's type check too) imports them without pulling in the engine.

/** One assertion that did not hold. `expected`/`actual` are the texts a diff compares. */
export interface Failure {
  node?: string;
  assertion: 'run-status' | 'status' | 'path' | 'equals' | 'subset' | 'schema' | 'expression';
  message: string;
  /** Where in the test file the assertion is written. */
  span: Span;
  expected?: string;
  actual?: string;
}

export interface CaseReport {
  name: string;
  /** Where the case is written (its `name:` value). */
  span: Span;
  status: 'passed' | 'failed' | 'error';
  durationMs: number;
  failures: Failure[];
  /** Why the case could not run (an invalid workflow, a required parameter with no value). */
  error?: string;
  /** Nodes that were not run: their pinned output was used. */
  pinned: string[];
  /** The run's record (outputs redacted), when it ran. */
  result?: RunResult;
}

export interface FileReport {
  file: string;
  text: string;
  /** Errors in the test file itself (nothing ran). */
  invalid: Diagnostic[];
  cases: CaseReport[];
  durationMs: number;
}
