import { Worker } from 'node:worker_threads';
import type { CodeWorker, NodeOutput } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { JS_WORKER } from './js-source';

interface Pending {
  id: number;
  timeoutMs?: number;
  timer?: NodeJS.Timeout;
  message: { id: number; code: string; inputs: Record<string, unknown>; node: string };
  signal: AbortSignal;
  resolve: (o: NodeOutput) => void;
  reject: (e: unknown) => void;
}

/**
 * One worker thread per run for JavaScriptCodeNode: requests go one at a time; an aborted
 * request (timeout, cancellation) terminates the thread, and the next request starts a new one.
 */
export class JsWorker implements CodeWorker {
  private worker?: Worker;
  private readonly queue: Pending[] = [];
  private current?: Pending;
  private nextId = 1;

  constructor(private readonly memoryMb = 256) {}

  run(code: string, inputs: Record<string, unknown>, options: { signal: AbortSignal; node?: string; timeoutMs?: number }): Promise<NodeOutput> {
    return new Promise((resolve, reject) => {
      if (options.signal.aborted) return reject(options.signal.reason);
      const id = this.nextId++;
      const p: Pending = { id, message: { id, code, inputs, node: options.node ?? 'code' }, signal: options.signal, resolve, reject };
      const onAbort = () => this.abort(p);
      options.signal.addEventListener('abort', onAbort, { once: true });
      // Settling removes the listener: a run's signal sees thousands of requests.
      // One timer per request, armed when it starts, so queued requests do not time out waiting.
      p.timeoutMs = options.timeoutMs;
      p.resolve = (o) => {
        clearTimeout(p.timer);
        options.signal.removeEventListener('abort', onAbort);
        resolve(o);
      };
      p.reject = (e) => {
        clearTimeout(p.timer);
        options.signal.removeEventListener('abort', onAbort);
        reject(e);
      };
      this.queue.push(p);
      this.pump();
    });
  }

  private abort(p: Pending, reason: unknown = p.signal.reason): void {
    const i = this.queue.indexOf(p);
    if (i !== -1) this.queue.splice(i, 1);
    if (this.current === p) {
      this.current = undefined;
      const w = this.worker;
      this.worker = undefined;
      void w?.terminate();
    }
    p.reject(reason);
    this.pump();
  }

  private pump(): void {
    if (this.current || this.queue.length === 0) return;
    const p = this.queue.shift()!;
    this.current = p;
    try {
      const w = this.ensure();
      // Held while busy (the loop must wait for the answer), released when idle.
      w.ref();
      if (p.timeoutMs !== undefined) {
        const ms = p.timeoutMs;
        p.timer = setTimeout(() => this.abort(p, new NodeFailure('TimeoutError', `timed out after ${ms / 1000} s (the node's \`timeout\`)`)), ms);
      }
      w.postMessage(p.message);
    } catch (err) {
      this.current = undefined;
      p.reject(new NodeFailure('NodeValidationError', `Inputs cannot be passed to the code: ${(err as Error).message}`));
      this.pump();
    }
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(JS_WORKER, { eval: true, resourceLimits: { maxOldGenerationSizeMb: this.memoryMb }, stdout: true, stderr: true });
    this.worker = w;
    w.unref();
    w.on('message', (msg: { id: number; ok: boolean; output?: NodeOutput; type?: string; message?: string; stack?: string }) => {
      const p = this.current;
      if (!p || msg.id !== p.id) return;
      this.current = undefined;
      w.unref();
      if (msg.ok) p.resolve(msg.output!);
      else if (msg.type === 'NodeValidationError') p.reject(new NodeFailure('NodeValidationError', msg.message!));
      else p.reject(new NodeFailure('NodeExecutionError', `Code execution failed: ${msg.type}: ${msg.message}${msg.stack ? `\n${msg.stack}` : ''}`));
      this.pump();
    });
    w.on('error', (err: Error & { code?: string }) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      const p = this.current;
      this.current = undefined;
      const memory = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
      p?.reject(new NodeFailure(memory ? 'MemoryError' : 'NodeExecutionError', memory ? `The code ran out of memory (limit ${this.memoryMb} MB).` : `The code's worker failed: ${err.message}`));
      this.pump();
    });
    return w;
  }

  async dispose(): Promise<void> {
    for (const p of [...(this.current ? [this.current] : []), ...this.queue.splice(0)]) p.reject(new NodeFailure('WorkflowCancelledError', 'The run ended'));
    this.current = undefined;
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }
}
