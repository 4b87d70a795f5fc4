/**
 * The worker-thread side of JavaScriptCodeNode. Code is compiled once into a function whose
 * scope is a proxy over the node's variables (inputs, then whatever the code assigns), inside one
 * `vm` context per worker: a fresh context per node would cost ~300 µs. `result` (declared,
 * assigned or awaited) is the output, else every non-underscore variable. The thread has a heap
 * limit; the parent terminates it on timeout, which also stops code that never yields.
 */
export const JS_WORKER = String.raw`
const { parentPort } = require('node:worker_threads');
const vm = require('node:vm');
const context = vm.createContext({});
const realm = vm.runInContext('globalThis', context);
const compiled = new Map();
const NONE = Symbol('none');

function compile(code, node) {
  let fn = compiled.get(code);
  if (fn) return fn;
  const asyncCode = /\bawait\b/.test(code);
  const src = '(' + (asyncCode ? 'async ' : '') + 'function (__k_scope, __k_none) {\n with (__k_scope) {\n' + code +
    '\n;return typeof result === "undefined" ? __k_none : result;\n }\n})';
  fn = new vm.Script(src, { filename: node + '.js', lineOffset: -2 }).runInContext(context);
  compiled.set(code, fn);
  return fn;
}

/** A scope that owns every unqualified name the code assigns, and reads globals through. */
function scopeFor(vars, logs) {
  const own = Object.assign(Object.create(null), vars);
  const consoleProxy = { log: (...a) => logs.push(a.join(' ')), error: (...a) => logs.push(a.join(' ')), warn: (...a) => logs.push(a.join(' ')) };
  const proxy = new Proxy(own, {
    has: (t, k) => typeof k === 'string' && !k.startsWith('__k_'),
    get: (t, k) => {
      if (k === Symbol.unscopables) return undefined;
      if (k in t) return t[k];
      if (k === 'console') return consoleProxy;
      if (k in realm) return realm[k];
      // As in plain JavaScript (and Python's NameError): reading a name nobody set is an error.
      if (k === 'result') return undefined;
      throw new ReferenceError(String(k) + ' is not defined');
    },
    set: (t, k, v) => {
      t[k] = v;
      return true;
    },
  });
  return { own, proxy };
}

function jsonSafe(v, path, bad, depth) {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') { if (!Number.isFinite(v)) bad.add(path); return; }
  if (typeof v !== 'object' || depth > 200) { bad.add(path); return; }
  if (Array.isArray(v)) { for (const x of v) jsonSafe(x, path, bad, depth + 1); return; }
  for (const k of Object.keys(v)) jsonSafe(v[k], path, bad, depth + 1);
}

parentPort.on('message', async ({ id, code, inputs, node }) => {
  const logs = [];
  try {
    const fn = compile(code, node);
    const { own, proxy } = scopeFor(inputs, logs);
    let value = fn(proxy, NONE);
    if (value && typeof value.then === 'function') value = await value;
    let output;
    if (value !== NONE && value !== undefined) output = { result: value };
    else {
      output = {};
      for (const k of Object.keys(own)) if (!k.startsWith('_') && typeof own[k] !== 'function') output[k] = own[k];
    }
    const bad = new Set();
    for (const k of Object.keys(output)) jsonSafe(output[k], k, bad, 0);
    if (bad.size) {
      parentPort.postMessage({ id, ok: false, type: 'NodeValidationError', message: 'Node outputs must be JSON-serializable. Failed keys: ' + JSON.stringify([...bad]), logs });
      return;
    }
    parentPort.postMessage({ id, ok: true, output, logs });
  } catch (e) {
    const err = e && typeof e === 'object' ? e : { name: 'Error', message: String(e) };
    parentPort.postMessage({ id, ok: false, type: err.name || 'Error', message: String(err.message), stack: String(err.stack || '').split('\n').slice(0, 4).join('\n'), logs });
  }
});
`;
