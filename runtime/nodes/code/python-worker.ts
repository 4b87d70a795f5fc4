import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { CodeChainOptions, CodeChainStep, CodeStepOutcome, NodeOutput } from '../../catalog/types';
import { sandboxImportMessage } from '../../catalog/python-sandbox';
import { NodeFailure } from '../../engine/errors';
import { PYTHON_WORKER } from './python-source';
import { SerialWorker, type Request, type RunOptions } from './serial';
import { fromTagged, toTagged } from '../../values/wire';

/**
 * What the interpreter's environment keeps of the host's: what Python and its libraries need to
 * start and find their packages, never credentials (`KAILASH_SECRET_*`, tokens, connection
 * strings). A workflow hands a value to code as an input (`${env:NAME}`, `${secret:NAME}`).
 */
const PASSED_ENV =
  /^(PATH|HOME|USER|LOGNAME|SHELL|LANG|LANGUAGE|LC_[A-Z]+|TZ|TMPDIR|TEMP|TMP|SYSTEMROOT|WINDIR|COMSPEC|PATHEXT|PYTHONPATH|PYTHONHOME|PYTHONIOENCODING|PYTHONUTF8|VIRTUAL_ENV|CONDA_PREFIX|LD_LIBRARY_PATH|OMP_NUM_THREADS|MPLBACKEND)$/;

export function pythonEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && PASSED_ENV.test(k)) out[k] = v;
  // The worker's own protocol must not depend on the host's locale.
  out.PYTHONIOENCODING = 'utf-8';
  return out;
}

/** Sends a signal to a whole process group, if it still exists. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

/** Random bytes for request tokens, drawn 256 tokens at a time (one call each cost as much as the request). */
let tokenBytes = Buffer.alloc(0);
let tokenAt = 0;

function requestToken(): string {
  if (tokenAt + 16 > tokenBytes.length) {
    tokenBytes = randomBytes(16 * 256);
    tokenAt = 0;
  }
  return tokenBytes.toString('hex', tokenAt, (tokenAt += 16));
}

const executables = new Map<string, Promise<string>>();
/** The same, once found. */
const foundExecutables = new Map<string, string>();

/**
 * The interpreter behind a command, found once per process: version-manager shims (pyenv,
 * asdf) add tens of milliseconds to every start, and a worker restarts after each timeout.
 */
function realExecutable(python: string): Promise<string> {
  let found = executables.get(python);
  if (!found) {
    found = new Promise((resolve) => {
      execFile(python, ['-c', 'import sys; print(sys.executable)'], { timeout: 10_000 }, (err, stdout) => {
        const exe = stdout?.trim();
        // Whatever goes wrong here, spawning the command itself reports it properly.
        const real = !err && exe ? exe : python;
        foundExecutables.set(python, real);
        resolve(real);
      });
    });
    executables.set(python, found);
  }
  return found;
}

/**
 * A persistent `python3` for one run, speaking one JSON line per request. Startup costs tens of
 * milliseconds once, not per node; an abandoned request kills the process.
 */
export class PythonWorker extends SerialWorker<string> {
  private child?: ChildProcess;
  /** Finding the interpreter runs a short-lived process too; the run waits for it. */
  private resolving?: Promise<void>;
  private warming?: Promise<void>;
  /** Killed processes not yet reaped: the run waits for them, so none outlives it. */
  private readonly dying = new Set<Promise<unknown>>();

  /** `cwd`: the workflow's folder, so relative paths in user code mean what they do in Kailash. */
  constructor(
    private readonly python: string,
    private readonly cwd?: string,
  ) {
    super();
  }

  /** The token of the request in flight: a reply without it is not the worker's. */
  private token = '';
  private readonly tokens = new Map<number, string>();

  protected message(id: number, code: string, inputs: Record<string, unknown>, o: RunOptions): string {
    const token = requestToken();
    this.tokens.set(id, token);
    const tagged = toTagged(inputs);
    // A line with tags starts with "T", so the worker decodes only the requests that need it.
    return (
      (tagged === inputs ? '' : 'T') +
      JSON.stringify({
        id,
        token,
        code,
        inputs: tagged,
        node: o.node ?? 'code',
        sandbox: o.sandbox ?? 'restricted',
        check: o.validateSecurity === true,
      }) +
      '\n'
    );
  }

  protected override released(id: number): void {
    this.tokens.delete(id);
    this.chains.delete(id);
  }

  /** The chains in flight, by request id: where their nodes' lines go. */
  private readonly chains = new Map<number, CodeChainOptions>();

  /** One request for the whole chain; the worker replies with a line per node (`run_chain`). */
  async runChain(steps: CodeChainStep[], options: CodeChainOptions): Promise<void> {
    // Only the inputs can hold values that need tags; the rest is strings. Each step goes without
    // the members that hold their default (run_chain reads them so): most of a long chain's are.
    let tags = false;
    const wire = steps.map((s): WireStep => {
      const inputs = toTagged(s.inputs) as Record<string, unknown>;
      if (inputs !== s.inputs) tags = true;
      const w: WireStep = { node: s.node, code: s.code };
      for (const _ in inputs) {
        w.inputs = inputs;
        break;
      }
      if (s.sandbox !== 'restricted') w.sandbox = s.sandbox;
      if (s.validateSecurity) w.validateSecurity = true;
      if (s.connections.length) w.connections = s.connections;
      if (s.fixed.length) w.fixed = s.fixed;
      return w;
    });
    await this.submit(
      (id) => {
        const token = requestToken();
        this.tokens.set(id, token);
        this.chains.set(id, options);
        return (tags ? 'T' : '') + JSON.stringify({ id, token, chain: wire }) + '\n';
      },
      {
        signal: options.signal,
        node: steps[0]?.node ?? 'code',
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      },
    );
  }

  /** A timed-out node says what the engine's timeout policy says. */
  protected override timeoutError(r: Request<string>): NodeFailure {
    return new NodeFailure('TimeoutError', `timed out after ${(r.timeoutMs ?? 0) / 1000} s`, { retryable: true });
  }

  protected deliver(r: Request<string>): void {
    this.token = this.tokens.get(r.id) ?? '';
    if (this.child) {
      this.child.stdin!.write(r.message);
      return;
    }
    this.resolving = this.executable().then((exe) => {
      if (this.current === r) (this.child ?? this.start(exe)).stdin!.write(r.message);
    });
  }

  private spawned = false;

  /**
   * The interpreter behind the command once the process knows it; before that, the command
   * itself for a worker's first start (finding the interpreter first would put one more Python
   * start before the run's first node), and the search for a restart.
   */
  private executable(): Promise<string> {
    const known = this.knownExecutable();
    return known !== undefined ? Promise.resolve(known) : realExecutable(this.python);
  }

  private knownExecutable(): string | undefined {
    return foundExecutables.get(this.python) ?? (this.spawned ? undefined : this.python);
  }

  /**
   * Starts the interpreter before the first request, so that its start overlaps the caller's own
   * work (reading and checking a big file). A start that fails says nothing here: the first
   * request starts it again and reports why. Resolves once the process is spawned.
   */
  warm(): Promise<void> {
    if (this.child || this.disposed) return Promise.resolve();
    if (!this.warming) {
      const known = this.knownExecutable();
      // Spawned now rather than in a microtask: the caller goes on at once with synchronous work
      // (a parse of a big file), which a microtask would wait for.
      if (known !== undefined) {
        this.start(known);
        this.warming = Promise.resolve();
      } else
        this.warming = this.resolving = realExecutable(this.python).then((exe) => {
          if (!this.child && !this.disposed) this.start(exe);
        });
    }
    return this.warming;
  }

  private start(exe: string): ChildProcess {
    this.spawned = true;
    // Its own process group, so that whatever the code starts is killed with it.
    const child = spawn(exe, ['-u', '-c', PYTHON_WORKER], {
      stdio: ['pipe', 'ignore', 'pipe', 'pipe'],
      env: pythonEnv(),
      cwd: this.cwd,
      detached: process.platform !== 'win32',
    });
    this.child = child;
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-4000)));
    this.readReplies(child.stdio[3] as NodeJS.ReadableStream);
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (this.child === child) this.child = undefined;
      this.failAll(
        err.code === 'ENOENT'
          ? new NodeFailure(
              'PythonNotFoundError',
              `PythonCodeNode needs Python 3: '${this.python}' was not found (install python3 or set KAILASH_PYTHON to its path).`,
            )
          : new NodeFailure('PythonWorkerError', `Could not start '${this.python}': ${err.message}`),
      );
    });
    child.on('exit', (code, sig) => {
      if (this.child !== child) return;
      this.child = undefined;
      if (this.busy && code !== null) {
        this.failCurrent(
          new NodeFailure(
            'PythonWorkerError',
            `The Python worker exited (code ${code}${sig ? `, ${sig}` : ''})${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`,
          ),
        );
      }
    });
    child.stdin!.on('error', () => undefined);
    return child;
  }

  /**
   * The reply pipe, a line at a time (a chain sends one per node, often several in a chunk):
   * split here rather than by `readline`, which costs more per line. Reply lines hold no CR
   * (JSON escapes it) and each ends with a line break; what is left when the pipe ends is a
   * line too, as `readline` gives it.
   */
  private readReplies(input: NodeJS.ReadableStream): void {
    input.setEncoding('utf8');
    let partial = '';
    input.on('data', (chunk: string) => {
      let nl = chunk.indexOf('\n');
      if (nl === -1) {
        partial += chunk;
        return;
      }
      let from = 0;
      if (partial) {
        const head = partial + chunk.slice(0, nl);
        partial = '';
        this.onReply(head);
        from = nl + 1;
        nl = chunk.indexOf('\n', from);
      }
      for (; nl !== -1; nl = chunk.indexOf('\n', from)) {
        if (nl > from) this.onReply(chunk.slice(from, nl));
        from = nl + 1;
      }
      if (from < chunk.length) partial = chunk.slice(from);
    });
    input.on('end', () => {
      if (partial) this.onReply(partial);
      partial = '';
    });
  }

  private onReply(line: string): void {
    // Whatever the code wrote to the pipe is ignored: only a line with the request's token counts.
    const at = this.token ? line.indexOf(this.token) : -1;
    if (at === -1 || line.charCodeAt(at + this.token.length) !== 32) return;
    let msg: Reply;
    try {
      msg = JSON.parse(line.slice(at + this.token.length + 1));
    } catch {
      // A reply that does not parse must fail its node rather than leave the run waiting.
      this.failCurrent(new NodeFailure('PythonWorkerError', `The Python worker sent an unreadable reply: ${line.slice(0, 200)}`));
      return;
    }
    if (this.tokens.get(msg.id) !== this.token) return;
    const chain = msg.step === undefined ? undefined : this.chains.get(msg.id);
    if (chain) {
      const step = msg.step!;
      if (msg.stdout?.length) for (const l of msg.stdout) chain.log(step, l);
      try {
        chain.onStep(step, replyOutcome(msg), msg.ms ?? 0, msg.end === true);
      } catch {
        // The engine's bookkeeping must not leave the chain waiting.
      }
      if (msg.end) this.settle(msg.id, { output: {} });
      else this.progressed(msg.id);
      return;
    }
    if (msg.stdout?.length) this.logLines(msg.id, msg.stdout);
    const outcome = replyOutcome(msg);
    this.settle(msg.id, outcome);
  }

  protected stop(): void {
    const child = this.child;
    this.child = undefined;
    if (!child) return;
    const gone = new Promise((r) => child.once('close', r));
    this.dying.add(gone);
    void gone.then(() => this.dying.delete(gone));
    killGroup(child.pid);
    child.kill('SIGKILL');
  }

  private disposed = false;

  async dispose(): Promise<void> {
    this.disposed = true;
    this.failAll(new NodeFailure('WorkflowCancelledError', 'The run ended'));
    await this.resolving;
    await Promise.all(this.dying);
    const child = this.child;
    this.child = undefined;
    if (!child || child.pid === undefined) return;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('close', r));
      child.stdin!.end();
      // A worker stuck in user code gets a moment to finish its line, then is killed.
      const timer = setTimeout(() => killGroup(child.pid), 2000);
      await exited;
      clearTimeout(timer);
    }
    // What the code started and left running ends with the run.
    killGroup(child.pid);
  }
}

/** A chain step as the worker reads it (`run_chain`): absent members hold their defaults. */
interface WireStep {
  node: string;
  code: string;
  /** Default: none. */
  inputs?: Record<string, unknown>;
  /** Default: `restricted`. */
  sandbox?: string;
  /** Default: false. */
  validateSecurity?: boolean;
  /** Default: none. */
  connections?: [string, string][];
  /** Default: none. */
  fixed?: string[];
}

/** A reply line of the worker (python-source.ts); `step`, `end` and `ms` in a chain's. */
interface Reply {
  id: number;
  ok: boolean;
  output?: NodeOutput;
  tagged?: boolean;
  type?: string;
  message?: string;
  traceback?: string;
  stdout?: string[];
  step?: number;
  end?: boolean;
  ms?: number;
}

/** What a reply means for its node: the output, or the error as Kailash words it. */
function replyOutcome(msg: Reply): CodeStepOutcome {
  if (msg.ok) return { output: msg.tagged ? (fromTagged(msg.output) as NodeOutput) : msg.output! };
  if (msg.type === 'SafetyViolationError') return { error: new NodeFailure('SafetyViolationError', withImportHints(msg.message!)) };
  if (msg.type === 'NodeValidationError') return { error: new NodeFailure('NodeValidationError', msg.message!) };
  return { error: new NodeFailure('NodeExecutionError', executionFailure(String(msg.type), String(msg.message), msg.traceback)) };
}

/** Kailash's "Module 'x' is not in the allowed list" paragraphs, each said as the editor says it. */
function withImportHints(message: string): string {
  return message.replace(
    /^Module '([\w.]+)' is not in the allowed list\. (Allowed modules: .*)$/gm,
    (_, module: string, allowed: string) => `${sandboxImportMessage(module)} ${allowed}`,
  );
}

/**
 * The error once: a traceback's last line repeats `Type: message`, so it is left off; a sandbox
 * refusal says what the editor says at the import (and what to write instead).
 */
function executionFailure(type: string, message: string, traceback = ''): string {
  const refused = type === 'ImportError' ? /^Module '([\w.]+)' is not in the allowed list\. (Allowed modules: .*)$/s.exec(message) : null;
  const text = refused ? `${sandboxImportMessage(refused[1]!)} ${refused[2]}` : message;
  const lines = traceback.trim().split('\n');
  if (lines.length && lines[lines.length - 1]!.startsWith(`${type}:`)) lines.pop();
  const trace = lines.join('\n').trim();
  return `Code execution failed: ${type}: ${text}${trace ? `\n${trace}` : ''}`;
}
