/**
 * The worker thread behind JavaScriptCodeNode. User code runs in QuickJS compiled to
 * WebAssembly: a separate JavaScript engine whose heap lives inside the wasm memory, so nothing
 * of Node (process, require, Buffer, the host's objects) exists there to be reached. Each request
 * gets a fresh QuickJS runtime with its own memory limit (every allocation, ArrayBuffers
 * included) and an interrupt handler that stops the code at its deadline even in `while (true)`.
 * The thread itself only keeps the main thread's event loop free while the code runs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import variant from '@jitl/quickjs-wasmfile-release-sync';
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import { JS_HARNESS } from './js-harness';

export interface ThreadRequest {
  id: number;
  code: string;
  /** The inputs as JSON text. */
  inputs: string;
  node: string;
  /** Milliseconds the code may run; Infinity for none. */
  timeoutMs: number;
  memoryBytes: number;
}

export type ThreadReply = { id: number; logs: string[]; dropped: number } & (
  | { ok: true; output: string; tagged?: boolean }
  | { ok: false; type: string; message: string; stack?: string; timedOut?: boolean; outOfMemory?: boolean; fatal?: boolean }
);

/** QuickJS's own C stack limit: deep recursion becomes a RangeError, not a crash of the thread. */
const STACK_BYTES = 512 * 1024;

export interface ThreadData {
  wasm: WebAssembly.Module;
  /** The code's memory limit: every request of this thread has the same. */
  memoryBytes: number;
}

/** What QuickJS's WebAssembly needs besides the code's heap (its data, C stack and first heap). */
const BASE_BYTES = 16 * 1024 * 1024;
const PAGE = 64 * 1024;

/** Memory an idle thread may keep between runs (WebAssembly memory never shrinks). */
const KEEP_BYTES = 64 * 1024 * 1024;

let engine: Promise<QuickJSWASMModule> | undefined;
let memory: WebAssembly.Memory | undefined;

/**
 * QuickJS's own malloc limit cannot see the sizes of this build's allocations (it counts each
 * as a few bytes), so it only refuses single huge ones. The hard limit is the WebAssembly memory
 * itself: it cannot grow past `maximum`, so malloc fails and QuickJS throws "out of memory",
 * whatever the code allocates (objects, strings, ArrayBuffers).
 */
function load(): Promise<QuickJSWASMModule> {
  const { wasm, memoryBytes } = workerData as ThreadData;
  if (engine) return engine;
  memory = new WebAssembly.Memory({ initial: BASE_BYTES / PAGE, maximum: Math.ceil((BASE_BYTES + memoryBytes) / PAGE) });
  engine = newQuickJSWASMModuleFromVariant(newVariant(variant, { wasmModule: wasm, wasmMemory: memory }));
  return engine;
}

function wrap(code: string): string {
  const asyncCode = /\bawait\b/.test(code);
  // The header stays on the code's first line, so error positions are the code's own lines.
  return `(${asyncCode ? 'async ' : ''}function (__k_scope, __k_none) { with (__k_scope) { ${code}\n;return typeof result === "undefined" ? __k_none : result;\n }\n})`;
}

function takeString(vm: QuickJSContext, handle: QuickJSHandle): string {
  try {
    return vm.typeof(handle) === 'string' ? vm.getString(handle) : '';
  } finally {
    handle.dispose();
  }
}

/** The code's own frames: the harness around it is noise in a traceback. */
function ownFrames(stack: string): string {
  return stack
    .split('\n')
    .filter((l) => l.trim() && !l.includes('kailash-harness.js'))
    .slice(0, 4)
    .join('\n');
}

function describe(vm: QuickJSContext, handle: QuickJSHandle): { type: string; message: string; stack?: string } {
  try {
    const e = vm.dump(handle) as { name?: unknown; message?: unknown; stack?: unknown } | unknown;
    if (e && typeof e === 'object') {
      const o = e as { name?: unknown; message?: unknown; stack?: unknown };
      return { type: String(o.name ?? 'Error'), message: String(o.message ?? ''), stack: ownFrames(String(o.stack ?? '')) };
    }
    return { type: 'Error', message: String(e) };
  } finally {
    handle.dispose();
  }
}

type Logs = { logs: string[]; dropped: number };
/** A request's result; `logs` when the harness's report already carried them. */
type Outcome = ({ ok: true; output: string } | { ok: false; type: string; message: string; stack?: string; timedOut?: boolean }) & {
  logs?: Logs;
};

interface Sandbox {
  rt: QuickJSRuntime;
  vm: QuickJSContext;
  harness: QuickJSHandle;
  /** The current request's deadline (epoch ms); Infinity while the host reads results. */
  deadline: number;
  timedOut: boolean;
  /** Compiled code by source and node: loops and repeated nodes run the same code many times. */
  functions: Map<string, QuickJSHandle>;
}

let current: Sandbox | undefined;

/**
 * One QuickJS runtime and context per thread (a thread serves one run): a new context per node
 * would cost milliseconds. The code's variables live in a per-request scope, not in globals;
 * after a timeout or any failure the context is thrown away, so no half-run state is reused.
 */
async function sandbox(memoryBytes: number): Promise<Sandbox> {
  if (current) return current;
  const quickjs = await load();
  const rt = quickjs.newRuntime();
  rt.setMemoryLimit(memoryBytes);
  rt.setMaxStackSize(STACK_BYTES);
  const vm = rt.newContext();
  const h = vm.evalCode(JS_HARNESS, 'kailash-harness.js');
  if (h.error) {
    const e = describe(vm, h.error);
    vm.dispose();
    rt.dispose();
    throw new Error(`the sandbox's harness failed: ${e.type}: ${e.message}`);
  }
  const box: Sandbox = { rt, vm, harness: h.value, deadline: Infinity, timedOut: false, functions: new Map() };
  rt.setInterruptHandler(() => {
    if (Date.now() > box.deadline) {
      box.timedOut = true;
      return true;
    }
    return false;
  });
  current = box;
  return box;
}

function discard(box: Sandbox): void {
  if (current === box) current = undefined;
  for (const fn of box.functions.values()) fn.dispose();
  box.harness.dispose();
  box.vm.dispose();
  box.rt.dispose();
}

async function execute(req: ThreadRequest): Promise<ThreadReply> {
  const box = await sandbox(req.memoryBytes);
  box.timedOut = false;
  box.deadline = Date.now() + req.timeoutMs;
  let outcome: Outcome;
  try {
    outcome = run(box, req);
  } finally {
    box.deadline = Infinity;
  }
  if (box.timedOut) outcome = { ok: false, type: 'TimeoutError', message: 'timed out', timedOut: true };
  // The code's console output is read once the limits are off: it is kept even when the code failed.
  let logs = outcome.logs;
  if (!logs) {
    logs = { logs: [], dropped: 0 };
    const fn = box.vm.getProp(box.harness, 'logs');
    const got = box.vm.callFunction(fn, box.harness);
    fn.dispose();
    if (got.error) got.error.dispose();
    else logs = JSON.parse(takeString(box.vm, got.value) || '{"logs":[],"dropped":0}') as typeof logs;
  }
  const { logs: _, ...result } = outcome;
  if (!result.ok && result.type !== 'NodeValidationError') discard(box);
  return { id: req.id, ...logs, ...result } as ThreadReply;
}

function compiled(box: Sandbox, req: ThreadRequest): QuickJSHandle | Outcome {
  const key = `${req.node}\u0000${req.code}`;
  const known = box.functions.get(key);
  if (known) return known;
  const result = box.vm.evalCode(wrap(req.code), `${req.node}.js`);
  if (result.error) return { ok: false, ...describe(box.vm, result.error) };
  // Bounded: a run with endless distinct code would otherwise keep every function.
  if (box.functions.size >= 500) {
    for (const fn of box.functions.values()) fn.dispose();
    box.functions.clear();
  }
  box.functions.set(key, result.value);
  return result.value;
}

function run(box: Sandbox, req: ThreadRequest): Outcome {
  const { vm, rt, harness } = box;
  const timedOut = () => box.timedOut;
  const fn = compiled(box, req);
  if ('ok' in fn) return fn;
  const start = vm.getProp(harness, 'start');
  const inputs = vm.newString(req.inputs);
  const started = vm.callFunction(start, harness, fn, inputs);
  start.dispose();
  inputs.dispose();
  if (started.error) return { ok: false, ...describe(vm, started.error) };
  started.value.dispose();
  // Promise jobs run until the code's promise settles; no timer or I/O exists in the sandbox,
  // so a promise still pending once no job is left can never settle.
  while (rt.hasPendingJob() && !timedOut()) {
    const jobs = rt.executePendingJobs();
    if (jobs.error) jobs.error.dispose();
  }
  if (timedOut()) return { ok: false, type: 'TimeoutError', message: 'timed out', timedOut: true };
  const report = vm.getProp(harness, 'report');
  const answer = vm.callFunction(report, harness);
  report.dispose();
  if (answer.error) return { ok: false, ...describe(vm, answer.error) };
  const parsed = JSON.parse(takeString(vm, answer.value)) as Outcome & { pending?: boolean };
  if (!parsed.ok && parsed.pending) {
    return {
      ok: false,
      type: 'NodeExecutionError',
      message: 'The code awaits a promise that never settles (the sandbox has no timers or I/O).',
    };
  }
  delete parsed.pending;
  return parsed;
}

/** Marks failures caused by the limits, whatever the code did with the error on its way out. */
function classify(reply: ThreadReply): ThreadReply {
  if (reply.ok) return reply;
  if (reply.type === 'InternalError' && /out of memory/.test(reply.message)) return { ...reply, outOfMemory: true };
  if (reply.type === 'InternalError' && /interrupted/.test(reply.message)) return { ...reply, timedOut: true };
  return reply;
}

/** A run's end: the next run on this thread gets a fresh context. A grown heap is not kept. */
function reset(): void {
  if (current) discard(current);
  if (memory && memory.buffer.byteLength > BASE_BYTES + KEEP_BYTES) process.exit(0);
}

parentPort!.on('message', (req: ThreadRequest | { reset: true }) => {
  if ('reset' in req) return reset();
  execute(req).then(
    (reply) => parentPort!.postMessage(classify(reply)),
    (err: Error) => {
      // An abort inside the WebAssembly leaves its state unknown: this thread reports and ends, the next request gets a new one.
      const outOfMemory = /out of memory|memory access out of bounds|Cannot enlarge memory/i.test(String(err?.message));
      parentPort!.postMessage({
        id: req.id,
        ok: false,
        type: outOfMemory ? 'InternalError' : 'SandboxError',
        message: outOfMemory ? 'out of memory' : String(err?.message ?? err),
        outOfMemory,
        fatal: true,
        logs: [],
        dropped: 0,
      });
      process.exit(1);
    },
  );
});
