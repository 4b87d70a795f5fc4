import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { NodeOutput } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { PYTHON_WORKER } from './python-source';
import { SerialWorker, type Request, type RunOptions } from './serial';

const executables = new Map<string, Promise<string>>();

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
        resolve(!err && exe ? exe : python);
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
  /** Killed processes not yet reaped: the run waits for them, so none outlives it. */
  private readonly dying = new Set<Promise<unknown>>();

  /** `cwd`: the workflow's folder, so relative paths in user code mean what they do in Kailash. */
  constructor(
    private readonly python: string,
    private readonly cwd?: string,
  ) {
    super();
  }

  protected message(id: number, code: string, inputs: Record<string, unknown>, o: RunOptions): string {
    return JSON.stringify({ id, code, inputs, node: o.node ?? 'code', sandbox: o.sandbox ?? 'restricted' }) + '\n';
  }

  protected deliver(r: Request<string>): void {
    if (this.child) {
      this.child.stdin!.write(r.message);
      return;
    }
    this.resolving = realExecutable(this.python).then((exe) => {
      if (this.current === r) this.start(exe).stdin!.write(r.message);
    });
  }

  private start(exe: string): ChildProcess {
    const child = spawn(exe, ['-u', '-c', PYTHON_WORKER], { stdio: ['pipe', 'ignore', 'pipe', 'pipe'], cwd: this.cwd });
    this.child = child;
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-4000)));
    createInterface({ input: child.stdio[3] as NodeJS.ReadableStream }).on('line', (line) => this.onReply(line));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (this.child === child) this.child = undefined;
      this.failAll(
        err.code === 'ENOENT'
          ? new NodeFailure('PythonNotFoundError', `PythonCodeNode needs Python 3: '${this.python}' was not found (install python3 or set KAILASH_PYTHON to its path).`)
          : new NodeFailure('PythonWorkerError', `Could not start '${this.python}': ${err.message}`),
      );
    });
    child.on('exit', (code, sig) => {
      if (this.child !== child) return;
      this.child = undefined;
      if (this.busy && code !== null) {
        this.failCurrent(new NodeFailure('PythonWorkerError', `The Python worker exited (code ${code}${sig ? `, ${sig}` : ''})${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`));
      }
    });
    child.stdin!.on('error', () => undefined);
    return child;
  }

  private onReply(line: string): void {
    let msg: { id: number; ok: boolean; output?: NodeOutput; type?: string; message?: string; traceback?: string };
    try {
      msg = JSON.parse(line);
    } catch {
      // A reply that does not parse must fail its node rather than leave the run waiting.
      this.failCurrent(new NodeFailure('PythonWorkerError', `The Python worker sent an unreadable reply: ${line.slice(0, 200)}`));
      return;
    }
    if (msg.ok) this.settle(msg.id, { output: msg.output! });
    else if (msg.type === 'NodeValidationError') this.settle(msg.id, { error: new NodeFailure('NodeValidationError', msg.message!) });
    else this.settle(msg.id, { error: new NodeFailure('NodeExecutionError', `Code execution failed: ${msg.type}: ${msg.message}\n${(msg.traceback ?? '').trim()}`) });
  }

  protected stop(): void {
    const child = this.child;
    this.child = undefined;
    if (!child) return;
    const gone = new Promise((r) => child.once('close', r));
    this.dying.add(gone);
    void gone.then(() => this.dying.delete(gone));
    child.kill('SIGKILL');
  }

  async dispose(): Promise<void> {
    this.failAll(new NodeFailure('WorkflowCancelledError', 'The run ended'));
    await this.resolving;
    await Promise.all(this.dying);
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise((r) => child.once('close', r));
    child.stdin!.end();
    // A worker stuck in user code gets a moment to finish its line, then is killed.
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }
}
