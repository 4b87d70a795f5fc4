import type { Diagnostic } from '../diagnostics';

/** A node failed; `type` mirrors Kailash's exception names so users recognise them. */
export class NodeFailure extends Error {
  constructor(
    readonly type: string,
    message: string,
    options: { retryable?: boolean; retryAfterMs?: number; cause?: unknown; param?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.param = options.param;
  }

  /** The parameter at fault, when the node knows it (else the engine's classifier guesses). */
  readonly param: string | undefined;

  /** Whether another attempt may succeed; undefined lets the engine decide from the type. */
  readonly retryable: boolean | undefined;
  /** A delay the target asked for (`Retry-After`). */
  readonly retryAfterMs: number | undefined;
}

/** The workflow cannot run as written (the CLI's exit 2). */
export class WorkflowInvalid extends Error {
  constructor(
    message: string,
    /** What refused it, with positions in the workflow file, when known. */
    readonly diagnostics: Diagnostic[] = [],
    /** Run parameters that reach nothing (see ParameterPlan.warnings). */
    readonly warnings: string[] = [],
  ) {
    super(message);
  }
}
