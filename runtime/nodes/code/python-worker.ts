import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { CodeWorker, NodeOutput } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { PYTHON_WORKER } from './python-source';

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

interface Pending {
  id: number;
  line: string;
  signal: AbortSignal;
  resolve: (o: NodeOutput) => void;
  reject: (e: unknown) => void;
}

/**
 * A persistent `python3` for one run: requests go one at a time; a request whose signal aborts
 * (the node's timeout, the run's cancellation) kills the process, and the next request starts a
 * fresh one. Startup costs tens of milliseconds once, not per node.
 */
export class PythonWorker implements CodeWorker {
  private child?: ChildProcess;
  private readonly queue: Pending[] = [];
  private current?: Pending;
  private nextId = 1;

  constructor(private readonly python: string) {}

  run(code: string, inputs: Record<string, unknown>, options: { signal: AbortSignal; node?: string; sandbox?: string }): Promise<NodeOutput> {
    return new Promise((resolve, reject) => {
      if (options.signal.aborted) return reject(options.signal.reason);
      const id = this.nextId++;
      const line = JSON.stringify({ id, code, inputs, node: options.node ?? 'code', sandbox: options.sandbox ?? 'restricted' }) + '\n';
      const p: Pending = { id, line, signal: options.signal, resolve, reject };
      const onAbort = () => this.abort(p);
      options.signal.addEventListener('abort', onAbort, { once: true });
      // Settling removes the listener: a run's signal sees thousands of requests.
      p.resolve = (o) => {
        options.signal.removeEventListener('abort', onAbort);
        resolve(o);
      };
      p.reject = (e) => {
        options.signal.removeEventListener('abort', onAbort);
        reject(e);
      };
      this.queue.push(p);
      this.pump();
    });
  }

  private abort(p: Pending): void {
    const i = this.queue.indexOf(p);
    if (i !== -1) this.queue.splice(i, 1);
    if (this.current === p) {
      this.current = undefined;
      this.kill();
    }
    p.reject(p.signal.reason);
    this.pump();
  }

  private pump(): void {
    if (this.current || this.queue.length === 0) return;
    const p = this.queue.shift()!;
    this.current = p;
    if (this.child) {
      this.child.stdin!.write(p.line);
      return;
    }
    void realExecutable(this.python).then((exe) => {
      if (this.current !== p) return;
      this.ensure(exe).stdin!.write(p.line);
    });
  }

  private ensure(exe: string): ChildProcess {
    if (this.child) return this.child;
    const child = spawn(exe, ['-u', '-c', PYTHON_WORKER], { stdio: ['pipe', 'ignore', 'pipe', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-4000)));
    createInterface({ input: child.stdio[3] as NodeJS.ReadableStream }).on('line', (line) => this.onReply(line));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (this.child === child) this.child = undefined;
      const failure =
        err.code === 'ENOENT'
          ? new NodeFailure('PythonNotFoundError', `PythonCodeNode needs Python 3: '${this.python}' was not found (install python3 or set KAILASH_PYTHON to its path).`)
          : new NodeFailure('PythonWorkerError', `Could not start '${this.python}': ${err.message}`);
      this.failAll(failure);
    });
    child.on('exit', (code, sig) => {
      if (this.child !== child) return;
      this.child = undefined;
      if (this.current && code !== null) {
        this.failAll(new NodeFailure('PythonWorkerError', `The Python worker exited (code ${code}${sig ? `, ${sig}` : ''})${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`));
      }
    });
    child.stdin!.on('error', () => undefined);
    return child;
  }

  private failAll(err: NodeFailure): void {
    const all = [...(this.current ? [this.current] : []), ...this.queue.splice(0)];
    this.current = undefined;
    for (const p of all) p.reject(err);
  }

  private onReply(line: string): void {
    const p = this.current;
    let msg: { id: number; ok: boolean; output?: NodeOutput; type?: string; message?: string; traceback?: string };
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    if (!p || msg.id !== p.id) return;
    this.current = undefined;
    if (msg.ok) p.resolve(msg.output!);
    else if (msg.type === 'NodeValidationError') p.reject(new NodeFailure('NodeValidationError', msg.message!));
    else p.reject(new NodeFailure('NodeExecutionError', `Code execution failed: ${msg.type}: ${msg.message}\n${(msg.traceback ?? '').trim()}`));
    this.pump();
  }

  /** Killed processes not yet reaped: the run waits for them, so none outlives it. */
  private readonly dying = new Set<Promise<unknown>>();

  private kill(): void {
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
