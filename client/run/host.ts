import { fork, type ChildProcess } from 'node:child_process';
import type { RunEvent, RunResult } from '../../runtime/engine/types';
import type { FromHost, TestCaseReport, TestFileReport, ToHost } from '../common/protocol';
import { fromTagged } from '../../runtime/values/wire';

export interface HostRun {
  events: (e: RunEvent) => void;
  resolve: (r: RunResult | { invalid: string }) => void;
  /** A debug session holds the run before `node` (inside `callers`), or (no node) lets it go on. */
  paused?: (node?: string, callers?: string[]) => void;
}

/** The extension's end of a debug session that lives in the run host. */
export interface HostDebugSession {
  receive(message: unknown): void;
  /** The run host died: the session is over. */
  hostExited(): void;
}

export interface HostTest {
  onCase: (c: TestCaseReport) => void;
  resolve: (r: TestFileReport | { invalid: string }) => void;
}

/** How long a cancelled run may take to stop before its host process is killed. */
const CANCEL_GRACE_MS = 3000;

/**
 * The extension's side of the run host: starts the process on first use, routes its events,
 * answers its secret requests, and kills it (with everything it started) when a cancelled run does
 * not stop in time or the host dies.
 */
export class RunHost {
  private child?: ChildProcess;
  private readonly runs = new Map<string, HostRun>();
  private readonly debugSessions = new Map<string, HostDebugSession>();
  /** Who follows the runs a debug session starts (the run panel); set by the extension. */
  onDebugRun?: (run: Extract<FromHost, { type: 'debug-run' }>) => HostRun | undefined;
  private readonly tests = new Map<string, HostTest>();

  constructor(
    private readonly script: string,
    private readonly secret: (name: string) => Promise<string | undefined>,
    private readonly log: (line: string) => void,
  ) {}

  start(message: Extract<ToHost, { type: 'run' }>, run: HostRun): void {
    this.runs.set(message.id, run);
    this.ensure().send(message);
  }

  openDebug(session: string, handler: HostDebugSession): void {
    this.debugSessions.set(session, handler);
    this.ensure().send({ type: 'debug-open', session } satisfies ToHost);
  }

  sendDebug(session: string, message: Extract<ToHost, { type: 'dap' }>['message']): void {
    if (this.debugSessions.has(session)) this.child?.send({ type: 'dap', session, message } satisfies ToHost);
  }

  closeDebug(session: string): void {
    if (this.debugSessions.delete(session)) this.child?.send({ type: 'debug-close', session } satisfies ToHost);
  }

  /** Runs a test file in the host (never in the extension host: its nodes may be slow or CPU-bound). */
  test(message: Extract<ToHost, { type: 'test' }>, test: HostTest): void {
    this.tests.set(message.id, test);
    this.ensure().send(message);
  }

  cancel(id: string): void {
    if ((!this.runs.has(id) && !this.tests.has(id)) || !this.child) return;
    const child = this.child;
    child.send({ type: 'cancel', id } satisfies ToHost);
    setTimeout(() => {
      if ((this.runs.has(id) || this.tests.has(id)) && this.child === child) {
        this.log(`Run ${id} did not stop within ${CANCEL_GRACE_MS / 1000} s of cancel; stopping the run host.`);
        child.kill('SIGKILL');
      }
    }, CANCEL_GRACE_MS).unref();
  }

  private ensure(): ChildProcess {
    if (this.child?.connected) return this.child;
    const child = fork(this.script, [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: [] });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => this.log(d.toString().trimEnd()));
    child.stderr?.on('data', (d: Buffer) => this.log(d.toString().trimEnd()));
    child.on('message', (m: FromHost) => this.onMessage(child, fromTagged(m) as FromHost));
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      // Whatever was running there ends now, as cancelled or crashed.
      for (const [id, run] of this.runs) {
        run.resolve({ invalid: signal === 'SIGKILL' ? 'The run was stopped.' : `The run host exited (${signal ?? `code ${code}`}).` });
        this.runs.delete(id);
      }
      for (const [id, session] of this.debugSessions) {
        session.hostExited();
        this.debugSessions.delete(id);
      }
      for (const [id, test] of this.tests) {
        test.resolve({ invalid: signal === 'SIGKILL' ? 'The tests were stopped.' : `The run host exited (${signal ?? `code ${code}`}).` });
        this.tests.delete(id);
      }
    });
    return child;
  }

  private onMessage(child: ChildProcess, m: FromHost): void {
    if (m.type === 'secret-request') {
      void this.secret(m.name).then(
        (value) => child.send({ type: 'secret', requestId: m.requestId, value } satisfies ToHost),
        () => child.send({ type: 'secret', requestId: m.requestId, value: undefined } satisfies ToHost),
      );
      return;
    }
    if (m.type === 'dap') return this.debugSessions.get(m.session)?.receive(m.message);
    if (m.type === 'debug-run') {
      const run = this.onDebugRun?.(m);
      if (run) this.runs.set(m.runId, run);
      return;
    }
    const test = this.tests.get(m.id);
    if (test) {
      if (m.type === 'test-case') test.onCase(m.report);
      else if (m.type === 'test-done' || m.type === 'invalid') {
        this.tests.delete(m.id);
        test.resolve(m.type === 'test-done' ? m.report : { invalid: m.message });
      }
      return;
    }
    const run = this.runs.get(m.id);
    if (!run) return;
    if (m.type === 'event') run.events(m.event);
    else if (m.type === 'paused') run.paused?.(m.node, m.callers);
    else if (m.type === 'done' || m.type === 'invalid') {
      this.runs.delete(m.id);
      run.resolve(m.type === 'done' ? m.result : { invalid: m.message });
    }
  }

  dispose(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }
}
