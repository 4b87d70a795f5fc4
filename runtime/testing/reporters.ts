import { LineIndex } from '../model/lines';
import type { Failure } from './assertions';
import { renderDiff } from './diff';
import type { CaseReport, FileReport } from './runner';

export const REPORTERS = ['text', 'junit', 'tap'] as const;
export type ReporterName = (typeof REPORTERS)[number];

export interface Totals {
  files: number;
  cases: number;
  passed: number;
  failed: number;
  errors: number;
  invalidFiles: number;
}

export function totals(reports: readonly FileReport[]): Totals {
  const cases = reports.flatMap((r) => r.cases);
  return {
    files: reports.length,
    cases: cases.length,
    passed: cases.filter((c) => c.status === 'passed').length,
    failed: cases.filter((c) => c.status === 'failed').length,
    errors: cases.filter((c) => c.status === 'error').length,
    invalidFiles: reports.filter((r) => r.invalid.length).length,
  };
}

function where(report: FileReport, span: readonly [number, number]): string {
  const p = new LineIndex(report.text).position(span[0]);
  return `${report.file}:${p.line + 1}:${p.character + 1}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** What a failure says in a terminal or a CI log: the message, where it is written, and the diff. */
export function describeFailure(report: FileReport, f: Failure, color: boolean): string {
  const lines = [`${f.message}  (${where(report, f.span)})`];
  if (f.expected !== undefined && f.actual !== undefined && f.assertion !== 'status' && f.assertion !== 'run-status')
    lines.push(renderDiff(f.expected, f.actual, color));
  else if (f.actual !== undefined && f.expected === undefined) lines.push(`actual: ${clipLines(f.actual, 20)}`);
  return lines.join('\n');
}

function caseFailureText(report: FileReport, c: CaseReport, color: boolean): string {
  if (c.error) return c.error;
  return c.failures.map((f) => describeFailure(report, f, color)).join('\n\n');
}

function clipLines(s: string, max: number): string {
  const lines = s.split('\n');
  return lines.length <= max ? s : [...lines.slice(0, max), `… ${lines.length - max} more lines`].join('\n');
}

const indent = (s: string, by: string) => s.replace(/^(?=.)/gm, by);

/** The default reporter: a line per case, failures with their diff, and a summary line. */
export function textReport(reports: readonly FileReport[], color: boolean, durationMs: number): string {
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out: string[] = [];
  for (const r of reports) {
    out.push(r.file);
    for (const d of r.invalid) out.push(`  ${paint('31', '✗')} ${where(r, d.span)}: error [${d.code}] ${d.message}`);
    for (const c of r.cases) {
      const mark = c.status === 'passed' ? paint('32', '✓') : paint('31', '✗');
      const note = c.status === 'error' ? ' (could not run)' : '';
      out.push(`  ${mark} ${c.name}${note}  ${paint('2', `${Math.round(c.durationMs)} ms`)}`);
      if (c.status !== 'passed') out.push(indent(caseFailureText(r, c, color), '      '));
    }
  }
  const t = totals(reports);
  const parts = [`${t.passed} passed`, `${t.failed} failed`];
  if (t.errors) parts.push(`${t.errors} could not run`);
  if (t.invalidFiles) parts.push(`${plural(t.invalidFiles, 'invalid file')}`);
  const ok = t.failed === 0 && t.errors === 0 && t.invalidFiles === 0;
  out.push(
    '',
    `${ok ? paint('32', '✓') : paint('31', '✗')} ${plural(t.files, 'file')}, ${plural(t.cases, 'case')}: ${parts.join(', ')} in ${Math.round(durationMs)} ms`,
  );
  return out.join('\n') + '\n';
}

function xml(s: string): string {
  // XML 1.0 allows no control characters besides tab, newline and carriage return, even escaped.
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** JUnit XML, as CI systems (GitHub Actions reporters, GitLab, Jenkins) read it: a testsuite per file. */
export function junitReport(reports: readonly FileReport[], durationMs: number): string {
  const t = totals(reports);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="kailash-wf test" tests="${t.cases + t.invalidFiles}" failures="${t.failed}" errors="${t.errors + t.invalidFiles}" time="${(durationMs / 1000).toFixed(3)}">`,
  ];
  for (const r of reports) {
    const failures = r.cases.filter((c) => c.status === 'failed').length;
    const errors = r.cases.filter((c) => c.status === 'error').length + (r.invalid.length ? 1 : 0);
    out.push(
      `  <testsuite name="${xml(r.file)}" tests="${r.cases.length + (r.invalid.length ? 1 : 0)}" failures="${failures}" errors="${errors}" time="${(r.durationMs / 1000).toFixed(3)}">`,
    );
    if (r.invalid.length) {
      const text = r.invalid.map((d) => `${where(r, d.span)}: [${d.code}] ${d.message}`).join('\n');
      out.push(`    <testcase name="(test file)" classname="${xml(r.file)}" time="0">`);
      out.push(
        `      <error message="${xml(`the test file has ${plural(r.invalid.length, 'error')}`)}">${xml(text)}</error>`,
        '    </testcase>',
      );
    }
    for (const c of r.cases) {
      out.push(`    <testcase name="${xml(c.name)}" classname="${xml(r.file)}" time="${(c.durationMs / 1000).toFixed(3)}">`);
      if (c.status === 'failed')
        out.push(`      <failure message="${xml(c.failures[0]!.message)}">${xml(caseFailureText(r, c, false))}</failure>`);
      if (c.status === 'error') out.push(`      <error message="${xml(c.error ?? 'could not run')}">${xml(c.error ?? '')}</error>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

/** TAP version 13: one test point per case, failures with a YAML block (message, where, diff). */
export function tapReport(reports: readonly FileReport[]): string {
  const points: string[] = [];
  let n = 0;
  for (const r of reports) {
    if (r.invalid.length) {
      n++;
      points.push(`not ok ${n} - ${tapText(r.file)} (invalid test file)`);
      points.push(yamlBlock({ message: r.invalid.map((d) => `${where(r, d.span)}: [${d.code}] ${d.message}`).join('\n') }));
    }
    for (const c of r.cases) {
      n++;
      const name = `${tapText(r.file)} > ${tapText(c.name)}`;
      if (c.status === 'passed') {
        points.push(`ok ${n} - ${name}`);
        continue;
      }
      points.push(`not ok ${n} - ${name}`);
      const f = c.failures[0];
      points.push(
        yamlBlock({
          message: c.error ?? c.failures.map((x) => x.message).join('\n'),
          ...(f ? { at: where(r, f.span) } : {}),
          ...(f?.expected !== undefined ? { expected: f.expected } : {}),
          ...(f?.actual !== undefined ? { actual: f.actual } : {}),
        }),
      );
    }
  }
  return ['TAP version 13', `1..${n}`, ...points].join('\n') + '\n';
}

function tapText(s: string): string {
  // `#` starts a TAP directive; a newline would end the test line.
  return s.replace(/[\r\n]+/g, ' ').replace(/#/g, '\\#');
}

function yamlBlock(fields: Record<string, string>): string {
  const lines = ['  ---'];
  for (const [k, v] of Object.entries(fields)) lines.push(`  ${k}: |-`, ...v.split('\n').map((l) => `    ${l}`));
  lines.push('  ...');
  return lines.join('\n');
}
