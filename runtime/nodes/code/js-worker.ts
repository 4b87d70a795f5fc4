import { Worker } from 'node:worker_threads';
import type { NodeOutput } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { JS_WORKER } from './js-source';
import { SerialWorker, type Request, type RunOptions } from './serial';

type Message = { id: number; code: string; inputs: Record<string, unknown>; node: string };

/** One worker thread per run for JavaScriptCodeNode, with a heap limit. */
export class JsWorker extends SerialWorker<Message> {
  private worker?: Worker;

  constructor(private readonly memoryMb = 256) {
    super();
  }

  protected message(id: number, code: string, inputs: Record<string, unknown>, o: RunOptions): Message {
    return { id, code, inputs, node: o.node ?? 'code' };
  }

  protected deliver(r: Request<Message>): void {
    try {
      const w = this.ensure();
      // Held while busy (the loop must wait for the answer), released when idle.
      w.ref();
      w.postMessage(r.message);
    } catch (err) {
      this.settle(r.id, { error: new NodeFailure('NodeValidationError', `Inputs cannot be passed to the code: ${(err as Error).message}`) });
    }
  }

  protected stop(): void {
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(JS_WORKER, { eval: true, resourceLimits: { maxOldGenerationSizeMb: this.memoryMb }, stdout: true, stderr: true });
    this.worker = w;
    w.on('message', (msg: { id: number; ok: boolean; output?: NodeOutput; type?: string; message?: string; stack?: string }) => {
      w.unref();
      if (msg.ok) this.settle(msg.id, { output: msg.output! });
      else if (msg.type === 'NodeValidationError') this.settle(msg.id, { error: new NodeFailure('NodeValidationError', msg.message!) });
      else this.settle(msg.id, { error: new NodeFailure('NodeExecutionError', `Code execution failed: ${msg.type}: ${msg.message}${msg.stack ? `\n${msg.stack}` : ''}`) });
    });
    w.on('error', (err: Error & { code?: string }) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      const memory = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.failCurrent(new NodeFailure(memory ? 'MemoryError' : 'NodeExecutionError', memory ? `The code ran out of memory (limit ${this.memoryMb} MB).` : `The code's worker failed: ${err.message}`));
    });
    return w;
  }

  async dispose(): Promise<void> {
    this.failAll(new NodeFailure('WorkflowCancelledError', 'The run ended'));
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }
}
