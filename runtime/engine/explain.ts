import type { ParamSpec } from '../catalog/types';
import type { NodeError } from './types';

/** What the classifier knows of the node: its type, its spec's params and the keys its config sets. */
export interface FailureSite {
  nodeType: string;
  params: Record<string, ParamSpec>;
  configured: ReadonlySet<string>;
}

/**
 * Kailash's exception names in words, for what users read; the class itself stays in
 * `NodeError.type`, which is what logs, suppressions and scripts match on.
 */
const TITLES: Record<string, string> = {
  ContentAwareExecutionError: 'The node reported a failure',
  NodeExecutionError: 'The node failed',
  NodeValidationError: 'Invalid input',
  NodeConfigurationError: 'Invalid configuration',
  WorkflowExecutionError: 'An upstream node failed',
  WorkflowValidationError: 'The workflow is invalid',
  RuntimeExecutionError: 'The run failed',
  SafetyViolationError: 'Refused by the code sandbox',
  WorkflowCancelledError: 'Cancelled',
  TimeoutError: 'Timed out',
  FileNotFoundError: 'File not found',
  OSError: 'File system error',
  PathTraversalError: 'Path not allowed',
  SecurityError: 'Path not allowed',
  CircuitBreakerOpenError: 'Circuit breaker open',
  SecretNotFoundError: 'Secret not found',
  TemplateError: 'Template could not be resolved',
  NotImplementedError: 'Not supported yet',
  PythonNotFoundError: 'Python not found',
  PythonWorkerError: 'The Python worker failed',
  MemoryError: 'Out of memory',
};

/** `ContentAwareExecutionError` → "The node reported a failure"; unknown classes are split into words. */
export function errorTitle(type: string): string {
  const known = TITLES[type];
  if (known) return known;
  const words = type
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Kailash classes that nested messages (sub-workflows, the SDK's own wrappers) spell out. */
const KAILASH_CLASS = new RegExp(
  `\\b(${Object.keys(TITLES)
    .filter((t) => !['TimeoutError', 'FileNotFoundError', 'OSError', 'MemoryError', 'NotImplementedError'].includes(t))
    .join('|')}): `,
  'g',
);

/**
 * The message as a sentence without class names: the prefixes that only repeat the title (`Node
 * 'x' reported failure:`, `Code execution failed:`) go, and a Kailash class nested inside (a
 * sub-workflow's failure) becomes its words. Python's and JavaScript's own exceptions stay, they
 * are what the user's code raised.
 */
export function plainMessage(error: Pick<NodeError, 'type' | 'message'>): string {
  return error.message
    .replace(/^Unified enterprise workflow execution failed: /, '')
    .replace(/^Node '[^']*' (reported failure|execution failed): /, '')
    .replace(/^Code execution failed: /, '')
    .replace(KAILASH_CLASS, (_, cls: string) => `${errorTitle(cls)}: `);
}

/** One line for a status or a diagnostic: the title in words and the message's first line. */
export function failureText(error: Pick<NodeError, 'type' | 'message'>): string {
  const first = plainMessage(error).split('\n')[0]!;
  return `${errorTitle(error.type)}: ${first}`;
}

const HINTS: Record<string, string> = {
  TimeoutError: 'Raise the node’s `timeout`, or add a `retry` policy if the target is only sometimes slow.',
  CircuitBreakerOpenError: 'The target failed repeatedly; calls resume after the breaker’s `recovery_timeout`.',
  SecretNotFoundError: 'Store it with “Kailash: Set Secret”, or set KAILASH_SECRET_<NAME> for the CLI.',
  TemplateError: 'Set the environment variable, or point the `kailash.envFile` setting at a .env file.',
  ContentAwareExecutionError: 'The node returned `success: false`; Kailash stops the run. Use `on_error: continue` to carry on.',
  NotImplementedError: 'This node type validates and type-checks, but cannot run in this version yet.',
  PythonNotFoundError: 'Install Python 3 or set the `kailash.pythonPath` setting.',
  PathTraversalError: 'File nodes may only use paths inside the workflow’s folder.',
  SecurityError: 'File nodes may only use paths inside the workflow’s folder.',
  NodeValidationError: 'An input has the wrong type or is missing: check the connections into this node.',
  WorkflowExecutionError: 'A node upstream failed; fix that one first.',
  MemoryError: 'The code used more memory than its worker allows.',
  SafetyViolationError: 'The restricted sandbox refused this; use an allowed module, or `sandbox_mode: trusted` if you trust the code.',
  WorkflowCancelledError: 'The run was cancelled before this node finished.',
};

/** What to do about an error of this class when nothing more specific is known. */
export function hintFor(type: string): string | undefined {
  return HINTS[type];
}

const ADDRESS_PARAMS = ['url', 'base_url', 'endpoint', 'server_url', 'webhook_url', 'token_url', 'host', 'bootstrap_servers', 'brokers'];
const PATH_PARAMS = ['file_path', 'directory_path', 'input_path', 'output_path', 'path', 'workflow_path'];

/** The first of `names` this node takes, preferring one its config sets. */
function pick(site: FailureSite, names: readonly string[]): string | undefined {
  const taken = names.filter((n) => n in site.params);
  return taken.find((n) => site.configured.has(n)) ?? taken[0];
}

interface Cause {
  param?: string;
  hint?: string;
  line?: number;
}

/**
 * Which parameter caused a failure, and one sentence on what to do, read from the node's type and
 * the error's text (the drivers' codes and the engine's own messages are stable). Returns the error
 * with `param`, `line` and `hint` added where it can tell; `type` and `message` are unchanged.
 */
export function explainFailure(error: NodeError, site: FailureSite): NodeError {
  const cause = classify(error, site);
  const out: NodeError = { ...error };
  const param = error.param ?? cause.param;
  if (param !== undefined) out.param = param;
  const line = error.line ?? cause.line;
  if (line !== undefined) out.line = line;
  const hint = error.hint ?? cause.hint ?? hintFor(error.type);
  if (hint !== undefined) out.hint = hint;
  return out;
}

function classify(error: NodeError, site: FailureSite): Cause {
  const m = error.message;
  const has = (p: string) => p in site.params;
  const required = /^Required parameter '([^']+)' not provided/.exec(m) ?? /^'([^']+)' must be a non-empty path/.exec(m);
  if (required && has(required[1]!))
    return {
      param: required[1]!,
      hint: `Set \`${required[1]}\` in config, connect an output to it, or pass it as a run parameter.`,
    };
  if (error.type === 'SafetyViolationError') return { ...codeLine(m), param: pick(site, ['code']) ?? 'code' };

  // Code nodes: the line of the user's code the traceback points at.
  if (has('code') && /^Code execution failed:/.test(m)) {
    return { param: 'code', ...codeLine(m), hint: 'The code raised an error at this line; fix it, or catch the error in the code.' };
  }

  const db = has('connection_string');
  if (db && /\bSQLITE_CANTOPEN\b|unable to open database file/.test(m))
    return {
      param: 'connection_string',
      hint: 'The SQLite file’s folder does not exist or cannot be written: create it, or fix the path in `connection_string`.',
    };
  if (error.type === 'FileNotFoundError' || /\bENOENT\b|no such file or directory/.test(m)) {
    const param = site.nodeType === 'WorkflowNode' ? 'workflow_path' : pick(site, PATH_PARAMS);
    if (param)
      return {
        param,
        hint: `Check \`${param}\`: a relative path is read from the workflow file’s folder, and the file must exist when the node runs.`,
      };
  }
  if ((error.type === 'PathTraversalError' || error.type === 'SecurityError') && pick(site, PATH_PARAMS))
    return { param: pick(site, PATH_PARAMS)! };

  if (db) {
    if (/\b(28P01|28000|ER_ACCESS_DENIED_ERROR|ER_DBACCESS_DENIED_ERROR)\b|password authentication failed|Access denied for user/i.test(m))
      return {
        param: 'connection_string',
        hint: 'The database refused the user or password in `connection_string`: check the credentials.',
      };
    if (/\b(3D000|ER_BAD_DB_ERROR)\b|database "[^"]*" does not exist|Unknown database/i.test(m))
      return { param: 'connection_string', hint: 'The database named in `connection_string` does not exist on that server.' };
    if (/\b(42601|ER_PARSE_ERROR)\b|syntax error|error in your SQL syntax/i.test(m) && has('query'))
      return { param: pick(site, ['query', 'operations'])!, hint: 'The database could not parse the SQL: fix the statement in `query`.' };
    if (
      /\b(42P01|42703|ER_NO_SUCH_TABLE|ER_BAD_FIELD_ERROR)\b|no such (table|column)|relation "[^"]*" does not exist/i.test(m) &&
      has('query')
    )
      return { param: 'query', hint: 'The query names a table or column the database does not have.' };
  }

  const transport = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET)\b|timed out after/.exec(m);
  if (transport && !(error.type === 'TimeoutError' && !/ failed: /.test(m))) {
    const param = db ? 'connection_string' : pick(site, ADDRESS_PARAMS);
    if (param) return { param, hint: transportHint(transport[1] ?? 'timeout', param, db) };
  }
  const http = /^(?:Node '[^']*' reported failure: )?HTTP (\d{3}) from /.exec(m);
  if (http && pick(site, ADDRESS_PARAMS)) {
    const status = Number(http[1]);
    const param = pick(site, ADDRESS_PARAMS)!;
    if (status === 401 || status === 403)
      return { param, hint: 'The server refused the credentials: check the `Authorization` header or the node’s auth settings.' };
    if (status === 404) return { param, hint: `Nothing at that address: check the path in \`${param}\`.` };
    if (status >= 500) return { param, hint: 'The server failed; try again later, or add a `retry` policy.' };
    return { param, hint: 'The server refused the request: check the method, headers and body the node sends.' };
  }
  return {};
}

function transportHint(code: string, param: string, db: boolean): string {
  const what = db ? 'the database' : 'the server';
  switch (code) {
    case 'ECONNREFUSED':
      return `Nothing is listening there: start ${what}, or fix the host and port in \`${param}\`.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `The host name does not resolve: check its spelling in \`${param}\`.`;
    case 'ECONNRESET':
      return `${db ? 'The database' : 'The server'} closed the connection; check that \`${param}\` points at the right service and protocol.`;
    default:
      return `${db ? 'The database' : 'The server'} did not answer in time: check that \`${param}\` is reachable, or raise the node’s \`timeout\`.`;
  }
}

/** The 1-based line of the node's code a Python traceback or JavaScript stack points at. */
function codeLine(message: string): { line?: number } {
  // Python: `File "<node id>", line N` (the innermost frame in the user's code is the last one).
  const py = [...message.matchAll(/File "<[^>"]*>", line (\d+)/g)].pop();
  if (py) return { line: Number(py[1]) };
  // JavaScript (QuickJS): `at … (<node id>.js:N:C)`.
  const js = /\(([^()\s]+)\.js:(\d+)(?::\d+)?\)/.exec(message);
  if (js) return { line: Number(js[2]) };
  return {};
}
