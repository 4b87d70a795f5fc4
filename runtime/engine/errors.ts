/** A node failed; `type` mirrors Kailash's exception names so users recognise them. */
export class NodeFailure extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** The workflow cannot run as written (the CLI's exit 2). */
export class WorkflowInvalid extends Error {}
