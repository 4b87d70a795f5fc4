/**
 * The shape of a node spec. Every node type is exactly one `NodeSpec`; the JSON schema,
 * validator, completion, hover, coercion and the reference docs all read it. A spec is data:
 * what executes the type is bound to it in `runtime/nodes/registry.ts`.
 */

/** Kailash's parameter types (Python `str, int, float, bool, list, dict, Any`). */
export type BaseType = 'str' | 'int' | 'float' | 'bool' | 'list' | 'dict' | 'Any';

export interface TypeSpec {
  type: BaseType;
  /** For `dict`: the declared keys. A dict with `fields` is closed unless `open` is set. */
  fields?: Record<string, FieldSpec>;
  /** For `dict` with `fields`: other keys may appear too (their type is `Any`). */
  open?: boolean;
  /** For `list`: the element type. */
  items?: TypeSpec;
}

export interface FieldSpec extends TypeSpec {
  description?: string;
}

export interface ParamSpec extends TypeSpec {
  description: string;
  /** Must be supplied (config, connection or run parameters) — Kailash's "required without default". */
  required?: boolean;
  /** Kailash's declared default, materialised when the key is absent. */
  default?: unknown;
  /** Allowed values. */
  enum?: readonly (string | number | boolean)[];
  /** Enum comparison ignores case (Kailash upper-cases HTTP methods). */
  enumCaseInsensitive?: boolean;
  /** Smallest allowed number (inclusive). */
  minimum?: number;
  /** Holds a credential: literal values are flagged as `plaintext-secret`. */
  secret?: boolean;
  /** Holds SQL text: `${…}` templates inside are flagged as `sql-injection-risk`. */
  sql?: boolean;
  /** Not scanned for `${…}` templates: code, where `${}` is the language's own syntax. */
  raw?: boolean;
  /** Other names Kailash accepts for this input (`workflow_alias`, `auto_map_from`). */
  aliases?: readonly string[];
  /** Accepted in config only (a constructor argument); not settable by connections. */
  configOnly?: boolean;
  /**
   * A path the node reads, which must exist when it runs (`missing-file`): a file, a folder, or
   * a database URL whose SQLite file (or at least its folder) should be there.
   */
  mustExist?: 'file' | 'directory' | 'sqlite';
}

export interface OutputSpec extends TypeSpec {
  description: string;
  /** When the key is present only in some cases (e.g. "generate action only"). */
  when?: string;
}

export type Category = 'api' | 'auth' | 'data' | 'database' | 'files' | 'cloud' | 'messaging' | 'code' | 'logic' | 'ai';

/** What a node returns when run: Kailash's output dict. */
export type NodeOutput = Record<string, unknown>;

/** A per-run code worker (Python or JavaScript): inputs become variables, `result` is the output. */
export interface CodeWorker {
  /**
   * `node` names the code in tracebacks; `sandbox` is PythonCodeNode's `sandbox_mode`;
   * `timeoutMs` stops the code (killing its worker) with a TimeoutError.
   */
  run(
    code: string,
    inputs: Record<string, unknown>,
    options: {
      signal: AbortSignal;
      node?: string;
      sandbox?: string;
      validateSecurity?: boolean;
      timeoutMs?: number;
      log?: (line: string) => void;
    },
  ): Promise<NodeOutput>;
  /**
   * Runs a chain of nodes as one request (the engine's `chains.ts` decides which): each node fed
   * by the one before it, each reported through `onStep` as it ends, without a reply awaited in
   * between. The chain ends after the last node, or after the first that fails or may have
   * reported failure (`success` falsy), and resolves then. `timeoutMs` limits each node;
   * `signal` stops the chain. Rejects when the chain is stopped before it ends.
   */
  runChain?(steps: CodeChainStep[], options: CodeChainOptions): Promise<void>;
}

/** One node of a chain of code nodes. */
export interface CodeChainStep {
  node: string;
  code: string;
  /** The node's variables, without what the node before it feeds it. */
  inputs: Record<string, unknown>;
  sandbox: string;
  validateSecurity: boolean;
  /** `[output key of the node before, variable]`, in file order; a None never overwrites a value set. */
  connections: [string, string][];
  /** Variables set by run parameters, which connections do not override. */
  fixed: string[];
}

export type CodeStepOutcome = { output: NodeOutput } | { error: unknown };

export interface CodeChainOptions {
  signal: AbortSignal;
  timeoutMs?: number;
  /**
   * Node `index` of the chain ended; `durationMs` as the worker measured it; `end`: the chain
   * ends with it (no line follows).
   */
  onStep(index: number, outcome: CodeStepOutcome, durationMs: number, end: boolean): void;
  /** A line node `index` printed. */
  log(index: number, line: string): void;
}

/** What a sub-workflow run returns to the WorkflowNode that started it. */
export interface SubRunResult {
  status: 'succeeded' | 'failed' | 'cancelled';
  results: Record<string, NodeOutput | null>;
  error?: { type: string; message: string; node?: string };
  /** Inner nodes nothing else consumes (Kailash flattens only their outputs). */
  exits?: string[];
}

/** Services of the run a node belongs to, started on first use and stopped when the run ends. */
export interface RunServices {
  python(): CodeWorker;
  javascript(): CodeWorker;
  /**
   * Runs a sub-workflow from a file (relative to the workflow's folder) or an inline definition;
   * `caller` is the WorkflowNode's id (a debugger's call stack shows it).
   */
  runWorkflow(
    source: { path: string } | { definition: Record<string, unknown> },
    parameters: Record<string, unknown>,
    signal: AbortSignal,
    caller?: string,
  ): Promise<SubRunResult>;
}

/** What the engine hands a node's `run`. */
export interface RunContext {
  runId: string;
  nodeId: string;
  /** Aborted on the node's timeout or the run's cancellation: sockets must close, processes die. */
  signal: AbortSignal;
  /** 1 for the first try, counting up on retries. */
  attempt: number;
  /** `runId:nodeId:attempt`: nodes pass it on where the target supports idempotent writes. */
  idempotencyKey: string;
  /** Folder of the workflow file: relative paths resolve against it. */
  baseDir: string;
  /** Other folders file nodes may read and write. */
  roots: string[];
  services: RunServices;
  /** A line for the node's log (what code nodes print); it reaches the run's events. */
  log?(message: string): void;
}

export type NodeRun = (inputs: Record<string, unknown>, ctx: RunContext) => Promise<NodeOutput>;

export interface NodeSpec {
  /** Registered name, e.g. `HTTPRequestNode`. */
  type: string;
  category: Category;
  /** `kailash`: mirrors the Python SDK exactly; `ours`: a node the SDK lacks (the guide writes it by hand). */
  origin: 'kailash' | 'ours';
  /** One line, shown in completion lists. */
  summary: string;
  /** Markdown shown in hover and the reference docs. */
  docs: string;
  params: Record<string, ParamSpec>;
  outputs: Record<string, OutputSpec>;
  /** Groups of params of which at least one must be supplied, e.g. `[['query', 'operations']]`. */
  requireOneOf?: readonly (readonly string[])[];
  /** Any input name is accepted and becomes a variable (code nodes). */
  acceptsAnyInput?: boolean;
  /** Output keys are not known statically (code nodes): any `from_output` is ok, typed `Any`. */
  dynamicOutputs?: boolean;
  /** Outputs that depend on the node's config (SwitchNode's `case_<value>` keys). */
  outputsFor?: (config: Record<string, unknown>) => Record<string, OutputSpec>;
}
