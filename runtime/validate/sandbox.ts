import { isSandboxModule, sandboxImportMessage } from '../catalog/python-sandbox';
import type { NodeSpec } from '../catalog/types';
import type { NodeModel } from '../model/types';
import type { Context } from './context';

export interface PythonImport {
  /** The top-level module (`boto3` of `import boto3.session`). */
  module: string;
  /** 0-based line of the import in the code, and the statement's text on it. */
  line: number;
  statement: string;
}

/**
 * Python source with string literals and comments blanked out (newlines kept), so an `import`
 * inside a docstring or a comment is not taken for one.
 */
function blankStringsAndComments(code: string): string {
  let out = '';
  let i = 0;
  while (i < code.length) {
    const c = code[i]!;
    if (c === '#') {
      while (i < code.length && code[i] !== '\n') ((out += ' '), i++);
      continue;
    }
    if (c === '"' || c === "'") {
      const quote = code.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      out += ' '.repeat(quote.length);
      i += quote.length;
      while (i < code.length && !code.startsWith(quote, i)) {
        if (quote.length === 1 && code[i] === '\n') break; // an unterminated string ends at the line
        if (code[i] === '\\' && i + 1 < code.length) {
          out += code[i + 1] === '\n' ? ' \n' : '  ';
          i += 2;
          continue;
        }
        out += code[i] === '\n' ? '\n' : ' ';
        i++;
      }
      if (code.startsWith(quote, i)) ((out += ' '.repeat(quote.length)), (i += quote.length));
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Statement heads after which an import may follow on the same line (`try: import x`). */
const HEAD = /^(?:(?:try|else|finally|except\b[^:]*|if\b[^:]*|elif\b[^:]*|with\b[^:]*)\s*:\s*)?/;

/** Every absolute import statement of some Python code (`import a, b.c as d`, `from a.b import c`). */
export function pythonImports(code: string): PythonImport[] {
  const out: PythonImport[] = [];
  const lines = blankStringsAndComments(code).split('\n');
  lines.forEach((text, line) => {
    for (const raw of text.split(';')) {
      const statement = raw.trim().replace(HEAD, '');
      let m = /^import\s+(.+?)\\?$/.exec(statement);
      if (m) {
        for (const part of m[1]!.split(',')) {
          const name = /^\s*([A-Za-z_]\w*)/.exec(part)?.[1];
          if (name) out.push({ module: name, line, statement });
        }
        continue;
      }
      m = /^from\s+([A-Za-z_]\w*)[\w.]*\s+import\b/.exec(statement);
      if (m) out.push({ module: m[1]!, line, statement });
    }
  });
  return out;
}

/**
 * PythonCodeNode: an import outside the restricted sandbox's allow-list is marked where it is
 * written, as the run would fail there. `sandbox_mode: trusted` lifts the check.
 */
export function checkSandboxImports(ctx: Context, node: NodeModel, spec: NodeSpec): void {
  const mode = spec.params.sandbox_mode;
  if (!mode || !node.config || !spec.params.code) return;
  const sandbox = ctx.plainConfig(node).sandbox_mode ?? mode.default;
  if (sandbox !== 'restricted') return;
  const entry = node.config.entries.find((e) => e.key === 'code');
  if (!entry || entry.value.kind !== 'scalar' || typeof entry.value.value !== 'string') return;
  const span = entry.value.span;
  const source = ctx.model.text.slice(span[0], span[1]);
  const codeLines = entry.value.value.split('\n');
  let from = 0;
  let lastLine = -1;
  for (const imp of pythonImports(entry.value.value)) {
    if (isSandboxModule(imp.module)) continue;
    // The code's line as it sits in the file (block scalars indent it, JSON escapes newlines).
    const lineText = codeLines[imp.line]!.trim();
    const at = imp.line === lastLine ? from : source.indexOf(lineText, from);
    lastLine = imp.line;
    let target = span;
    if (at !== -1) {
      from = at;
      const name = new RegExp(`\\b${imp.module}\\b`).exec(source.slice(at, at + lineText.length));
      target = name
        ? [span[0] + at + name.index, span[0] + at + name.index + imp.module.length]
        : [span[0] + at, span[0] + at + lineText.length];
    }
    ctx.report('sandbox-import', 'warning', sandboxImportMessage(imp.module), target);
  }
}
