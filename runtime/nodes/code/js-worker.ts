import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { NodeFailure } from '../../engine/errors';
import type { ThreadReply, ThreadRequest } from './js-thread';
import { SerialWorker, type Request, type RunOptions } from './serial';
import type { NodeOutput } from '../../catalog/types';
import { fromTagged, toTagged } from '../../values/wire';

let compiled: WebAssembly.Module | undefined;

/**
 * QuickJS's WebAssembly, compiled once per process and handed to each thread. Bundles carry it
 * as `quickjs.wasm` beside themselves (scripts/build.mjs); from sources it is the package's file.
 */
function quickjsWasm(): WebAssembly.Module {
  if (compiled) return compiled;
  const bundled = join(__dirname, 'quickjs.wasm');
  const file = existsSync(bundled)
    ? bundled
    : join(
        dirname(createRequire(__filename).resolve('@jitl/quickjs-wasmfile-release-sync/package.json')),
        'dist',
        'emscripten-module.wasm',
      );
  compiled = new WebAssembly.Module(readFileSync(file));
  return compiled;
}

/** The thread's script: `js-thread.js` beside a bundle, else this folder's source through tsx (tests, `npx tsx`). */
function threadScript(): { script: string; eval: boolean } {
  const bundled = join(__dirname, 'js-thread.js');
  if (existsSync(bundled)) return { script: bundled, eval: false };
  return { script: `require('tsx/cjs'); require(${JSON.stringify(join(__dirname, 'js-thread.ts'))});`, eval: true };
}

function startThread(memoryMb: number): Worker {
  const { script, eval: evaluate } = threadScript();
  // The code's memory is QuickJS's (inside the wasm memory); the thread's own heap only needs
  // room for the JSON text of an output as large as that.
  return new Worker(script, {
    eval: evaluate,
    workerData: { wasm: quickjsWasm(), memoryBytes: memoryMb * 1024 * 1024 },
    resourceLimits: { maxOldGenerationSizeMb: 64 + 3 * memoryMb },
    stdout: true,
    stderr: true,
  });
}

/** At most one idle thread per memory limit, kept for the next run of this process. */
const idle = new Map<number, Worker>();

function keepIdle(w: Worker, memoryMb: number): boolean {
  if (idle.has(memoryMb)) return false;
  w.removeAllListeners('message');
  w.removeAllListeners('error');
  w.removeAllListeners('exit');
  const forget = () => {
    if (idle.get(memoryMb) === w) idle.delete(memoryMb);
  };
  w.once('exit', forget);
  w.on('error', forget);
  // The thread drops its context, and ends itself if its wasm memory grew large.
  w.postMessage({ reset: true });
  w.unref();
  idle.set(memoryMb, w);
  return true;
}

function takeIdle(memoryMb: number): Worker | undefined {
  const w = idle.get(memoryMb);
  if (!w) return undefined;
  idle.delete(memoryMb);
  w.removeAllListeners('message');
  w.removeAllListeners('error');
  w.removeAllListeners('exit');
  return w;
}

/** What the code's own stop at its deadline may take before the thread is terminated from outside. */
const GRACE_MS = 1500;

/**
 * JavaScriptCodeNode's runner: one worker thread per run, each request in a fresh QuickJS
 * runtime inside it (js-thread.ts). The thread keeps the event loop free; QuickJS is the
 * boundary. Inputs go in as JSON text and the output comes back as JSON text.
 */
export class JsWorker extends SerialWorker<ThreadRequest> {
  private worker?: Worker;
  protected override readonly timeoutGraceMs = GRACE_MS;

  constructor(private readonly memoryMb = 256) {
    super();
  }

  protected message(id: number, code: string, inputs: Record<string, unknown>, o: RunOptions): ThreadRequest {
    let json: string;
    try {
      json = JSON.stringify(toTagged(inputs));
    } catch (err) {
      // Surfaces when the request is delivered, as the node's error.
      json = `\u0000${(err as Error).message}`;
    }
    return { id, code, inputs: json, node: o.node ?? 'code', timeoutMs: o.timeoutMs ?? Infinity, memoryBytes: this.memoryMb * 1024 * 1024 };
  }

  protected deliver(r: Request<ThreadRequest>): void {
    if (r.message.inputs.startsWith('\u0000')) {
      this.settle(r.id, {
        error: new NodeFailure(
          'NodeValidationError',
          `Inputs of '${r.node}' cannot be passed to the code as JSON: ${r.message.inputs.slice(1)}`,
        ),
      });
      return;
    }
    try {
      const w = this.ensure();
      // Held while busy (the loop must wait for the answer), released when idle.
      w.ref();
      w.postMessage(r.message);
    } catch (err) {
      this.settle(r.id, {
        error: new NodeFailure('NodeExecutionError', `The JavaScript sandbox could not start: ${(err as Error).message}`),
      });
    }
  }

  protected stop(): void {
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = takeIdle(this.memoryMb) ?? startThread(this.memoryMb);
    this.worker = w;
    w.on('message', (msg: ThreadReply) => {
      w.unref();
      // A thread that hit a fatal error ends after this reply: the next request needs a new one.
      if (!msg.ok && msg.fatal && this.worker === w) this.worker = undefined;
      const r = this.current;
      if (!r || r.id !== msg.id) return;
      this.logLines(msg.id, msg.dropped ? [...msg.logs, `… ${msg.dropped} more lines not shown`] : msg.logs);
      if (msg.ok) {
        this.settle(msg.id, { output: msg.tagged ? (fromTagged(JSON.parse(msg.output)) as NodeOutput) : JSON.parse(msg.output) });
        return;
      }
      this.settle(msg.id, { error: this.failure(r, msg) });
    });
    w.on('error', (err: Error & { code?: string }) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      this.failCurrent(new NodeFailure('NodeExecutionError', `The JavaScript sandbox failed: ${err.message}`));
    });
    w.on('exit', () => {
      if (this.worker !== w) return;
      this.worker = undefined;
      this.failCurrent(new NodeFailure('NodeExecutionError', 'The JavaScript sandbox stopped unexpectedly'));
    });
    return w;
  }

  private failure(r: Request<ThreadRequest>, msg: Extract<ThreadReply, { ok: false }>): NodeFailure {
    if (msg.timedOut) return this.timeoutError(r);
    if (msg.outOfMemory)
      return new NodeFailure('MemoryError', `Node '${r.node}' ran out of memory (the JavaScript sandbox's limit is ${this.memoryMb} MB).`);
    if (msg.type === 'NodeValidationError') return new NodeFailure('NodeValidationError', msg.message);
    const hint =
      msg.type === 'ReferenceError' &&
      /^'?(process|require|Buffer|module|exports|global|setTimeout|setInterval|setImmediate|fetch|__dirname|__filename)'? is not defined$/.test(
        msg.message,
      )
        ? ' (JavaScriptCodeNode runs in a sandbox with the language only: no Node.js APIs, timers, modules or I/O)'
        : '';
    return new NodeFailure(
      'NodeExecutionError',
      `Code execution failed: ${msg.type}: ${msg.message}${hint}${msg.stack ? `\n${msg.stack}` : ''}`,
    );
  }

  async dispose(): Promise<void> {
    const busy = this.busy;
    this.failAll(new NodeFailure('WorkflowCancelledError', 'The run ended'));
    const w = this.worker;
    this.worker = undefined;
    if (!w) return;
    // An idle thread serves the next run (starting one costs the wasm's instantiation); its
    // QuickJS context is thrown away first, so runs never share one.
    if (!busy && keepIdle(w, this.memoryMb)) return;
    await w.terminate();
  }
}
