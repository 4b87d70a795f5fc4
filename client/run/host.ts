import { fork, type ChildProcess } from 'node:child_process';
import type { RunEvent, RunResult } from '../../runtime/engine/types';
import type { FromHost, ToHost } from '../shared/protocol';
import { fromTagged } from '../../runtime/values/wire';

export interface HostRun {
  events: (e: RunEvent) => void;
  resolve: (r: RunResult | { invalid: string }) => void;
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

  constructor(
    private readonly script: string,
    private readonly secret: (name: string) => Promise<string | undefined>,
    private readonly log: (line: string) => void,
  ) {}

  start(message: Extract<ToHost, { type: 'run' }>, run: HostRun): void {
    this.runs.set(message.id, run);
    this.ensure().send(message);
  }

  cancel(id: string): void {
    if (!this.runs.has(id) || !this.child) return;
    const child = this.child;
    child.send({ type: 'cancel', id } satisfies ToHost);
    setTimeout(() => {
      if (this.runs.has(id) && this.child === child) {
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
    const run = this.runs.get(m.id);
    if (!run) return;
    if (m.type === 'event') run.events(m.event);
    else {
      this.runs.delete(m.id);
      run.resolve(m.type === 'done' ? m.result : { invalid: m.message });
    }
  }

  dispose(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }
}
