import { DIAGNOSTIC_CODES, type Diagnostic } from '../diagnostics';
import { LineIndex } from '../model/lines';
import { closest } from '../util/suggest';
import { diag } from '../model/parse';

const DIRECTIVE = /(^|\s)#\s*kailash-disable-next-line\b([^\n#]*)/g;

/**
 * `# kailash-disable-next-line <code>...` silences diagnostics starting on the next line; with no
 * code it silences them all. Unknown codes in a directive are reported, so typos do not hide.
 */
export function applySuppressions(
  text: string,
  diagnostics: Diagnostic[],
  linesOf: LineIndex | (() => LineIndex),
  format?: 'json',
): Diagnostic[] {
  // JSON has no comments: a directive could only sit inside a string, which must not silence anything.
  if (format === 'json' || !text.includes('kailash-disable-next-line')) return diagnostics;
  // Made only here, where a directive needs it (a run's validation passes none).
  const lines = typeof linesOf === 'function' ? linesOf() : linesOf;
  const rules = new Map<number, Set<string> | 'all'>();
  const extra: Diagnostic[] = [];
  for (const m of text.matchAll(DIRECTIVE)) {
    const at = m.index! + m[1]!.length;
    const line = lines.position(at).line;
    const codes = m[2]!.split(/[\s,]+/).filter(Boolean);
    if (codes.length === 0) {
      rules.set(line + 1, 'all');
      continue;
    }
    const set = new Set<string>();
    let offset = at + m[0].length - m[1]!.length - m[2]!.length;
    for (const code of codes) {
      const start = text.indexOf(code, offset);
      offset = start + code.length;
      if ((DIAGNOSTIC_CODES as readonly string[]).includes(code)) set.add(code);
      else {
        const near = closest(code, DIAGNOSTIC_CODES);
        extra.push(
          diag(
            'schema',
            'warning',
            `Unknown diagnostic code '${code}' in kailash-disable-next-line.${near.length ? ` Did you mean '${near[0]}'?` : ''}`,
            [start, start + code.length],
            near,
          ),
        );
      }
    }
    rules.set(line + 1, set);
  }
  const kept = diagnostics.filter((d) => {
    const rule = rules.get(lines.position(d.span[0]).line);
    return !rule || (rule !== 'all' && !rule.has(d.code));
  });
  return kept.concat(extra);
}

/**
 * Whether a directive silences `d` (for diagnostics checked apart from `validateModel`, such as the
 * server's `missing-file`): the same rules, without reporting the directives' typos a second time.
 */
export function suppressedBy(text: string, d: Diagnostic, lines: LineIndex, format?: 'yaml' | 'json'): boolean {
  if (format === 'json' || !text.includes('kailash-disable-next-line')) return false;
  const line = lines.position(d.span[0]).line;
  if (line === 0) return false;
  const start = lines.offset(line - 1, 0);
  const end = lines.offset(line, 0);
  for (const m of text.slice(start, end).matchAll(DIRECTIVE)) {
    const codes = m[2]!.split(/[\s,]+/).filter(Boolean);
    if (codes.length === 0 || codes.includes(d.code)) return true;
  }
  return false;
}
