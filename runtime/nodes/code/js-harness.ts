/**
 * The JavaScript that runs inside each QuickJS context before the user's code. It is the only
 * thing there besides the language itself: no host function is ever put in the context, so
 * nothing the code reaches leads out of it. Inputs arrive as one JSON string and the output
 * leaves as one, so no object is shared between the host and the sandbox.
 *
 * The harness is an expression whose value is `{ start, report }`, kept by the host and never
 * made global, so the user's code cannot replace it. Builtins it needs are captured before the
 * user's code can patch them.
 */
export const JS_HARNESS = String.raw`(() => {
  const parse = JSON.parse, stringify = JSON.stringify, keys = Object.keys, isArray = Array.isArray;
  const create = Object.create, assign = Object.assign, PromiseCtor = Promise, StringCtor = String;
  const isFinite = Number.isFinite, isNaN = Number.isNaN, BigIntCtor = BigInt, NumberCtor = Number;
  const MAX_LINES = 1000, MAX_LINE = 4000;
  const logs = [];
  let dropped = 0;
  const line = (args) => {
    if (logs.length >= MAX_LINES) { dropped++; return; }
    let text = '';
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      let s;
      if (typeof a === 'string') s = a;
      else { try { s = stringify(a); } catch (e) { s = undefined; } if (s === undefined) s = StringCtor(a); }
      text += (i ? ' ' : '') + s;
    }
    logs[logs.length] = text.length > MAX_LINE ? text.slice(0, MAX_LINE) + '…' : text;
  };
  const con = { log: (...a) => line(a), info: (...a) => line(a), warn: (...a) => line(a), error: (...a) => line(a), debug: (...a) => line(a) };
  globalThis.console = con;
  const NONE = {};
  const realm = globalThis;
  let own = null;
  let state = { done: false };

  function scopeFor(vars) {
    own = assign(create(null), vars);
    return new Proxy(own, {
      has: (t, k) => typeof k === 'string' && !k.startsWith('__k_'),
      get: (t, k) => {
        if (k === Symbol.unscopables) return undefined;
        if (k in t) return t[k];
        if (k === 'console') return con;
        if (k in realm) return realm[k];
        // As in plain JavaScript (and Python's NameError): reading a name nobody set is an error.
        if (k === 'result') return undefined;
        throw new ReferenceError(StringCtor(k) + ' is not defined');
      },
      set: (t, k, v) => { t[k] = v; return true; },
    });
  }

  // The tagged JSON of runtime/values/wire.ts: a Python int beyond 2^53 is a BigInt here, a
  // float a number (2.0 is 2: JavaScript has one number type), a tuple an array, a dict's
  // non-string keys their JSON text. On the way out a BigInt and NaN/Infinity are tagged.
  const TAGS = { $int: 1, $float: 1, $tuple: 1, $dict: 1 };
  function decode(v) {
    if (v === null || typeof v !== 'object') return v;
    if (isArray(v)) { for (let i = 0; i < v.length; i++) v[i] = decode(v[i]); return v; }
    const ks = keys(v);
    if (ks.length === 1 && TAGS[ks[0]] === 1) {
      const k = ks[0], x = v[k];
      if (k === '$int') return BigIntCtor(x);
      if (k === '$float') return x === 'nan' ? NaN : x === 'inf' ? Infinity : x === '-inf' ? -Infinity : NumberCtor(x);
      if (k === '$tuple') return decode(x);
      const o = {};
      for (const [pk, pv] of x) o[typeof pk === 'string' ? pk : keyText(decode(pk))] = decode(pv);
      return o;
    }
    for (const k of ks) v[k] = decode(v[k]);
    return v;
  }
  function keyText(k) {
    if (k === null) return 'null';
    if (typeof k === 'number' && !isFinite(k)) return isNaN(k) ? 'NaN' : k > 0 ? 'Infinity' : '-Infinity';
    return StringCtor(k);
  }
  let tagged = false;
  function encode(v, path, bad, depth) {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (isFinite(v)) return v;
      tagged = true;
      return { $float: isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' };
    }
    if (typeof v === 'bigint') { tagged = true; return { $int: StringCtor(v) }; }
    if (typeof v !== 'object' || depth > 200) { bad.push(path); return null; }
    if (typeof v.toJSON === 'function') return encode(v.toJSON(), path, bad, depth + 1);
    if (isArray(v)) { const out = []; for (let i = 0; i < v.length; i++) out[i] = encode(v[i], path, bad, depth + 1); return out; }
    const out = {};
    const ks = keys(v);
    for (const k of ks) {
      const x = v[k];
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
      out[k] = encode(x, path, bad, depth + 1);
    }
    if (ks.length === 1 && TAGS[ks[0]] === 1) { tagged = true; return { $dict: [[ks[0], out[ks[0]]]] }; }
    return out;
  }

  function failure(e) {
    if (e && typeof e === 'object') {
      return { ok: false, type: StringCtor(e.name || 'Error'), message: StringCtor(e.message), stack: StringCtor(e.stack || '').split('\n').filter((l) => l.trim() && l.indexOf('kailash-harness.js') < 0).slice(0, 4).join('\n') };
    }
    return { ok: false, type: 'Error', message: StringCtor(e) };
  }

  return {
    start(fn, inputsJson) {
      logs.length = 0;
      dropped = 0;
      state = { done: false };
      try {
        const value = fn(scopeFor(decode(parse(inputsJson))), NONE);
        PromiseCtor.resolve(value).then((v) => { state = { done: true, value: v }; }, (e) => { state = { done: true, error: e }; });
      } catch (e) {
        state = { done: true, error: e };
      }
    },
    report() {
      const out = (o) => stringify(assign(o, { logs: { logs, dropped } }));
      if (!state.done) return out({ ok: false, pending: true });
      if ('error' in state) return out(failure(state.error));
      let output;
      const value = state.value;
      if (value !== NONE && value !== undefined) output = { result: value };
      else {
        output = {};
        for (const k of keys(own)) if (!k.startsWith('_') && typeof own[k] !== 'function') output[k] = own[k];
      }
      const bad = [];
      tagged = false;
      const encoded = {};
      for (const k of keys(output)) encoded[k] = encode(output[k], k, bad, 0);
      if (bad.length) {
        const unique = bad.filter((k, i) => bad.indexOf(k) === i);
        return out({ ok: false, type: 'NodeValidationError', message: 'Node outputs must be JSON-serializable. Failed keys: ' + stringify(unique) });
      }
      return out({ ok: true, output: stringify(encoded), tagged });
    },
    logs() {
      return stringify({ logs, dropped });
    },
  };
})()`;
