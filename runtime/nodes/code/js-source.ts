/**
 * The worker-thread side of JavaScriptCodeNode: each request runs in a fresh `vm` context whose
 * globals are the inputs; `result` (declared or assigned, possibly a promise) is the output,
 * else every non-underscore variable. The thread has a heap limit; the parent terminates it on
 * timeout, which also stops code that never yields.
 */
export const JS_WORKER = String.raw`
const { parentPort } = require('node:worker_threads');
const vm = require('node:vm');
const scripts = new Map();
const BUILTIN = new Set(Object.getOwnPropertyNames(vm.runInNewContext('globalThis')));

function jsonSafe(v, path, bad) {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') { if (!Number.isFinite(v)) bad.add(path); return; }
  if (typeof v !== 'object') { bad.add(path); return; }
  if (Array.isArray(v)) { v.forEach((x) => jsonSafe(x, path, bad)); return; }
  const proto = Object.getPrototypeOf(v);
  if (proto !== null && proto !== Object.prototype && !(v instanceof Date)) {
    if (proto.constructor && proto.constructor.name === 'Object') { /* other realm */ } else { bad.add(path); return; }
  }
  for (const k of Object.keys(v)) jsonSafe(v[k], path, bad);
}

parentPort.on('message', async ({ id, code, inputs, node }) => {
  const logs = [];
  try {
    let script = scripts.get(code);
    if (!script) {
      const body = /\bawait\b/.test(code)
        ? '(async () => {\n' + code + '\n;return typeof result === "undefined" ? undefined : result;\n})()'
        : code;
      script = new vm.Script(body, { filename: node + '.js' });
      scripts.set(code, script);
    }
    const sandbox = Object.assign(Object.create(null), inputs);
    sandbox.console = { log: (...a) => logs.push(a.join(' ')), error: (...a) => logs.push(a.join(' ')), warn: (...a) => logs.push(a.join(' ')) };
    const context = vm.createContext(sandbox);
    let value = script.runInContext(context);
    if (/\bawait\b/.test(code)) value = await value;
    else value = vm.runInContext('typeof result === "undefined" ? undefined : result', context);
    if (value && typeof value.then === 'function') value = await value;
    let output;
    if (value !== undefined) output = { result: value };
    else {
      output = {};
      for (const k of Object.keys(context)) {
        if (k.startsWith('_') || k === 'console' || BUILTIN.has(k) || typeof context[k] === 'function') continue;
        output[k] = context[k];
      }
    }
    const bad = new Set();
    for (const k of Object.keys(output)) jsonSafe(output[k], k, bad);
    if (bad.size) {
      parentPort.postMessage({ id, ok: false, type: 'NodeValidationError', message: 'Node outputs must be JSON-serializable. Failed keys: ' + JSON.stringify([...bad]), logs });
      return;
    }
    parentPort.postMessage({ id, ok: true, output: JSON.parse(JSON.stringify(output)), logs });
  } catch (e) {
    const err = e && typeof e === 'object' ? e : { name: 'Error', message: String(e) };
    parentPort.postMessage({ id, ok: false, type: err.name || 'Error', message: String(err.message), stack: String(err.stack || '').split('\n').slice(0, 4).join('\n'), logs });
  }
});
`;
