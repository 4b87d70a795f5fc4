import type { CodeWorker, NodeOutput } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { longTimeout, type LongTimer } from '../../util/timer';

export interface Request<M> {
  id: number;
  message: M;
  signal: AbortSignal;
  timeoutMs?: number;
  timer?: LongTimer;
  node: string;
  log?: (line: string) => void;
  resolve: (o: NodeOutput) => void;
  reject: (e: unknown) => void;
}

export interface RunOptions {
  signal: AbortSignal;
  node?: string;
  sandbox?: string;
  validateSecurity?: boolean;
  timeoutMs?: number;
  /** Receives what the code prints (console.log, print), line by line. */
  log?: (line: string) => void;
}

/**
 * What both code workers share: requests run one at a time in a long-lived process or thread; a
 * request that is aborted (node timeout, run cancellation) or times out stops that process, and
 * the next request starts a fresh one.
 */
export abstract class SerialWorker<M> implements CodeWorker {
  private readonly queue: Request<M>[] = [];
  protected current?: Request<M>;
  private nextId = 1;
  /**
   * How long after `timeoutMs` the process is killed from outside. Zero when the timer is the
   * only limit; a sandbox that stops its code at the deadline itself gets a moment to say so.
   */
  protected readonly timeoutGraceMs: number = 0;

  /** The message a request sends. */
  protected abstract message(id: number, code: string, inputs: Record<string, unknown>, options: RunOptions): M;
  /** Delivers the current request, starting the process or thread if needed. */
  protected abstract deliver(r: Request<M>): void;
  /** Stops the process or thread (the current request was abandoned). */
  protected abstract stop(): void;

  run(code: string, inputs: Record<string, unknown>, options: RunOptions): Promise<NodeOutput> {
    return this.submit((id) => this.message(id, code, inputs, options), options);
  }

  /** Queues a request whose message `build` writes for its id; settles as `run` does. */
  protected submit(build: (id: number) => M, options: Omit<RunOptions, 'sandbox' | 'validateSecurity'>): Promise<NodeOutput> {
    return new Promise((resolve, reject) => {
      if (options.signal.aborted) return reject(options.signal.reason);
      const id = this.nextId++;
      const r: Request<M> = {
        id,
        message: build(id),
        signal: options.signal,
        node: options.node ?? 'code',
        resolve,
        reject,
      };
      if (options.log) r.log = options.log;
      if (options.timeoutMs !== undefined) r.timeoutMs = options.timeoutMs;
      const onAbort = () => this.abandon(r, options.signal.reason);
      options.signal.addEventListener('abort', onAbort, { once: true });
      // Settling removes the listener and timer: a run's signal sees thousands of requests.
      r.resolve = (o) => {
        r.timer?.clear();
        options.signal.removeEventListener('abort', onAbort);
        resolve(o);
      };
      r.reject = (e) => {
        r.timer?.clear();
        options.signal.removeEventListener('abort', onAbort);
        reject(e);
      };
      this.queue.push(r);
      this.pump();
    });
  }

  /**
   * The current request is still going and has just reported progress (a chain's node ended):
   * its timeout starts again, since it limits each node, not the whole request.
   */
  protected progressed(id: number): void {
    const r = this.current;
    if (!r || r.id !== id || r.timeoutMs === undefined) return;
    r.timer?.clear();
    this.arm(r);
  }

  /** Settles the current request with a reply from the process, then moves on. */
  protected settle(id: number, outcome: { output: NodeOutput } | { error: unknown }): void {
    const r = this.current;
    if (!r || r.id !== id) return;
    this.current = undefined;
    this.released(id);
    if ('output' in outcome) r.resolve(outcome.output);
    else r.reject(outcome.error);
    this.pump();
  }

  /** The process died under the current request: it fails, the next one gets a fresh process. */
  protected failCurrent(err: unknown): void {
    if (this.current) this.settle(this.current.id, { error: err });
  }

  /** The process cannot start at all: every waiting request fails with this. */
  protected failAll(err: unknown): void {
    const all = [...(this.current ? [this.current] : []), ...this.queue.splice(0)];
    this.current = undefined;
    for (const r of all) {
      this.released(r.id);
      r.reject(err);
    }
  }

  /** A request is over, however it ended (reply, failure, timeout, cancel): what was kept for it can go. */
  protected released(_id: number): void {}

  /** The error of a request stopped at its `timeout` (the engine puts the node's id before it). */
  protected timeoutError(r: Request<M>): NodeFailure {
    return new NodeFailure('TimeoutError', `timed out after ${(r.timeoutMs ?? 0) / 1000} s (the node's \`timeout\`)`);
  }

  /** Passes what the code printed to the request's log. */
  protected logLines(id: number, lines: readonly string[]): void {
    const r = this.current;
    if (!r || r.id !== id || !r.log) return;
    for (const l of lines) r.log(l);
  }

  protected get busy(): boolean {
    return this.current !== undefined;
  }

  private abandon(r: Request<M>, reason: unknown): void {
    const i = this.queue.indexOf(r);
    if (i !== -1) this.queue.splice(i, 1);
    if (this.current === r) {
      this.current = undefined;
      this.stop();
    }
    this.released(r.id);
    r.reject(reason);
    this.pump();
  }

  private pump(): void {
    if (this.current || this.queue.length === 0) return;
    const r = this.queue.shift()!;
    this.current = r;
    // The timer starts with the request, so queued requests do not time out waiting.
    this.arm(r);
    this.deliver(r);
  }

  private arm(r: Request<M>): void {
    if (r.timeoutMs !== undefined) r.timer = longTimeout(() => this.abandon(r, this.timeoutError(r)), r.timeoutMs + this.timeoutGraceMs);
  }
}
