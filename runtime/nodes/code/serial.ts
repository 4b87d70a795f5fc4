import type { CodeWorker, NodeOutput } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';

export interface Request<M> {
  id: number;
  message: M;
  signal: AbortSignal;
  timeoutMs?: number;
  timer?: NodeJS.Timeout;
  resolve: (o: NodeOutput) => void;
  reject: (e: unknown) => void;
}

export interface RunOptions {
  signal: AbortSignal;
  node?: string;
  sandbox?: string;
  timeoutMs?: number;
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

  /** The message a request sends. */
  protected abstract message(id: number, code: string, inputs: Record<string, unknown>, options: RunOptions): M;
  /** Delivers the current request, starting the process or thread if needed. */
  protected abstract deliver(r: Request<M>): void;
  /** Stops the process or thread (the current request was abandoned). */
  protected abstract stop(): void;

  run(code: string, inputs: Record<string, unknown>, options: RunOptions): Promise<NodeOutput> {
    return new Promise((resolve, reject) => {
      if (options.signal.aborted) return reject(options.signal.reason);
      const id = this.nextId++;
      const r: Request<M> = { id, message: this.message(id, code, inputs, options), signal: options.signal, resolve, reject };
      if (options.timeoutMs !== undefined) r.timeoutMs = options.timeoutMs;
      const onAbort = () => this.abandon(r, options.signal.reason);
      options.signal.addEventListener('abort', onAbort, { once: true });
      // Settling removes the listener and timer: a run's signal sees thousands of requests.
      r.resolve = (o) => {
        clearTimeout(r.timer);
        options.signal.removeEventListener('abort', onAbort);
        resolve(o);
      };
      r.reject = (e) => {
        clearTimeout(r.timer);
        options.signal.removeEventListener('abort', onAbort);
        reject(e);
      };
      this.queue.push(r);
      this.pump();
    });
  }

  /** Settles the current request with a reply from the process, then moves on. */
  protected settle(id: number, outcome: { output: NodeOutput } | { error: unknown }): void {
    const r = this.current;
    if (!r || r.id !== id) return;
    this.current = undefined;
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
    for (const r of all) r.reject(err);
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
    r.reject(reason);
    this.pump();
  }

  private pump(): void {
    if (this.current || this.queue.length === 0) return;
    const r = this.queue.shift()!;
    this.current = r;
    // The timer starts with the request, so queued requests do not time out waiting.
    if (r.timeoutMs !== undefined) {
      const ms = r.timeoutMs;
      r.timer = setTimeout(() => this.abandon(r, new NodeFailure('TimeoutError', `timed out after ${ms / 1000} s (the node's \`timeout\`)`)), ms);
    }
    this.deliver(r);
  }
}
