import { getSpec } from '../catalog';
import type { ConnectionModel, NodeModel, WorkflowModel } from '../model/types';
import { getEntry, isScalarString } from '../model/values';
import type { Context } from './context';

/**
 * Workflows that run here but fail in the Kailash SDK itself (test/compat lists them as
 * `sdk-artefact`): we do not copy those failures, but a file meant to run under Kailash too should
 * say where it would not.
 */
export function checkKailashCompat(ctx: Context): void {
  // Warnings only.
  if (!ctx.wants('warning')) return;
  for (const node of ctx.model.nodes) if (node.type?.value === 'PythonCodeNode') checkCode(ctx, node);
  checkSharedOutputs(ctx);
}

const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield print len range str int float list dict set tuple sum min max sorted enumerate zip abs any all isinstance type map filter round bool repr'.split(
    ' ',
  ),
);

/**
 * Kailash runs inline code with separate globals and locals: names bound at the top level are
 * invisible in nested scopes. Reads the node and the inputs connected into it.
 */
export function checkCode(ctx: Context, node: NodeModel): void {
  const entry = getEntry(node.config, 'code');
  if (!entry || !isScalarString(entry.value)) return;
  const code = entry.value.value;
  const bound = new Set<string>([
    ...(ctx.incoming.get(node.id) ?? []).map((c) => c.toInput.value),
    ...(node.config?.entries.map((e) => e.key) ?? []),
  ]);
  const clean = blankStringsAndComments(code);
  const defined: { name: string; kind: string; at: number }[] = [];
  let offset = 0;
  let setsResult = false;
  for (const line of clean.split('\n')) {
    if (/^\S/.test(line)) for (const name of topLevelBindings(line)) bound.add(name);
    if (/^result\s*(?:=(?!=)|:)/.test(line) || /^(?:def|class)\s+result\b/.test(line)) setsResult = true;
    const d = /^(def|class)\s+([A-Za-z]\w*)/.exec(line);
    if (d) defined.push({ name: d[2]!, kind: d[1] === 'def' ? 'function' : 'class', at: offset });
    offset += line.length + 1;
  }
  // Without `result` Kailash returns every variable, functions too, and then refuses them as not JSON.
  if (!setsResult) {
    for (const d of defined) {
      ctx.report(
        'kailash-compat',
        'warning',
        `Runs here; Kailash fails this node: without \`result\` it returns every variable, and the ${d.kind} '${d.name}' is not JSON-serializable. Set \`result\`, or name it '_${d.name}'.`,
        locate(ctx.model.text, entry.value.span, code, d.at),
      );
    }
  }
  bound.delete('code');
  const seen = new Set<string>();
  for (const scope of nestedScopes(clean)) {
    const name = referenced(scope.body, scope.locals).find((n) => bound.has(n));
    if (!name || seen.has(`${scope.kind}:${name}`)) continue;
    seen.add(`${scope.kind}:${name}`);
    ctx.report(
      'kailash-compat',
      'warning',
      `Runs here; Kailash raises NameError on this ${scope.kind}: it runs the code with separate globals and locals, so '${name}' (bound at the top of the code) is not visible inside it.`,
      locate(
        ctx.model.text,
        entry.value.span,
        code,
        scope.kind === 'function' ? scope.at + Math.max(0, scope.body.search(new RegExp(`\\b${name}\\b`))) : scope.at,
      ),
    );
  }
}

/** Two connections from one output into one node: Kailash keeps a single input for that output. */
function checkSharedOutputs(ctx: Context): void {
  for (const f of sharedOutputFindings(ctx.model))
    ctx.report('kailash-compat', 'warning', f.message, ctx.model.connections[f.connection]!.toInput.span);
}

/**
 * The shared-output warnings, by position in `model.connections` (the span is that connection's
 * `to_input`). They read each connection's endpoints, ports and `cycle` flag, and the target's type.
 */
export function sharedOutputFindings(model: WorkflowModel): { connection: number; message: string }[] {
  const out: { connection: number; message: string }[] = [];
  const seen = new Map<string, ConnectionModel>();
  model.connections.forEach((c, i) => {
    if (!c.from || !c.to || c.cycle) return;
    const key = `${c.from.value}\u0000${c.fromOutput.value}\u0000${c.to.value}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, c);
      return;
    }
    if (first.toInput.value === c.toInput.value) return;
    // An input the node lacks is reported as such; this is only about two real inputs.
    const spec = getSpec(model.nodesById.get(c.to.value)?.type?.value ?? '');
    if (!spec || (!spec.acceptsAnyInput && (!spec.params[first.toInput.value] || !spec.params[c.toInput.value]))) return;
    out.push({
      connection: i,
      message: `Runs here; Kailash keeps one input per output between two nodes, so there '${first.toInput.value}' of '${c.to.value}' would not get '${c.from.value}.${c.fromOutput.value}' (only '${c.toInput.value}' would).`,
    });
  });
  return out;
}

/** The code with string literals and comments blanked (same length), so brackets and names are real. */
function blankStringsAndComments(code: string): string {
  return code.replace(/("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n]*)/g, (m) => m.replace(/[^\n]/g, ' '));
}

function topLevelBindings(line: string): string[] {
  const out: string[] = [];
  let m = /^([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*=(?!=)/.exec(line);
  if (m) out.push(...m[1]!.split(',').map((s) => s.trim()));
  m = /^(?:def|class)\s+([A-Za-z_]\w*)/.exec(line);
  if (m) out.push(m[1]!);
  // Imported modules are left out: Kailash makes them visible in nested scopes too.
  return out.filter(Boolean);
}

interface Scope {
  kind: 'comprehension' | 'function' | 'lambda';
  body: string;
  locals: Set<string>;
  /** Offset of the scope in the code. */
  at: number;
}

function nestedScopes(code: string): Scope[] {
  const scopes: Scope[] = [];
  // Comprehensions: a bracket whose top level holds `for`; its first iterable is evaluated outside.
  const stack: number[] = [];
  for (let i = 0; i < code.length; i++) {
    const ch = code[i]!;
    if ('([{'.includes(ch)) stack.push(i);
    else if (')]}'.includes(ch) && stack.length) {
      const open = stack.pop()!;
      const inner = code.slice(open + 1, i);
      const flat = topLevel(inner);
      const f = /\bfor\b/.exec(flat);
      if (!f) continue;
      const loop = /\bfor\s+([\w\s,()]+?)\s+in\b/.exec(flat.slice(f.index));
      if (!loop) continue;
      const iterStart = f.index + loop.index + loop[0].length;
      const after = /\b(for|if)\b/.exec(flat.slice(iterStart));
      const iterEnd = after ? iterStart + after.index : inner.length;
      const locals = new Set<string>();
      for (const l of flat.matchAll(/\bfor\s+([\w\s,()]+?)\s+in\b/g)) for (const n of l[1]!.match(/[A-Za-z_]\w*/g) ?? []) locals.add(n);
      scopes.push({ kind: 'comprehension', body: inner.slice(0, f.index) + ' ' + inner.slice(iterEnd), locals, at: open });
    }
  }
  // Functions: the indented block under `def`, minus its parameters and its own assignments.
  const lines = code.split('\n');
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)def\s+\w+\s*\(([^)]*)\)/.exec(lines[i]!);
    if (m) {
      const indent = m[1]!.length;
      const body: string[] = [];
      for (let j = i + 1; j < lines.length && (lines[j]!.trim() === '' || lines[j]!.search(/\S/) > indent); j++) body.push(lines[j]!);
      const locals = new Set<string>(m[2]!.match(/[A-Za-z_]\w*/g) ?? []);
      for (const b of body) for (const n of topLevelBindings(b.trim())) locals.add(n);
      // `at`: where the body starts, so the warning can point at the line that reads the name.
      scopes.push({ kind: 'function', body: body.join('\n'), locals, at: offset + lines[i]!.length + 1 });
    }
    offset += lines[i]!.length + 1;
  }
  for (const m of code.matchAll(/\blambda\b([^:]*):([^\n]*)/g)) {
    scopes.push({ kind: 'lambda', body: m[2]!, locals: new Set(m[1]!.match(/[A-Za-z_]\w*/g) ?? []), at: m.index! });
  }
  return scopes;
}

/** The text with nested brackets blanked, so only its top level is searched. */
function topLevel(s: string): string {
  let depth = 0;
  let out = '';
  for (const ch of s) {
    if ('([{'.includes(ch)) depth++;
    out += depth > 0 ? ' ' : ch;
    if (')]}'.includes(ch)) depth = Math.max(0, depth - 1);
  }
  return out;
}

/** Names a body reads (not attributes, keyword arguments or its own locals). */
function referenced(body: string, locals: Set<string>): string[] {
  const out: string[] = [];
  for (const m of body.matchAll(/[A-Za-z_]\w*/g)) {
    const name = m[0];
    const before = body[m.index! - 1];
    const after = body.slice(m.index! + name.length).trimStart();
    if (before === '.' || KEYWORDS.has(name) || locals.has(name) || /^=(?!=)/.test(after)) continue;
    out.push(name);
  }
  return out;
}

/** The document span of the line holding `at` in the code, found verbatim in the scalar (else the whole scalar). */
function locate(text: string, span: readonly [number, number], code: string, at: number): [number, number] {
  const start = code.lastIndexOf('\n', at - 1) + 1;
  const end = code.indexOf('\n', at);
  const line = code.slice(start, end < 0 ? code.length : end).trim();
  const found = line ? text.indexOf(line, span[0]) : -1;
  return found >= 0 && found < span[1] ? [found, found + line.length] : [span[0], span[1]];
}
