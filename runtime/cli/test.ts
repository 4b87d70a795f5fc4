import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPORTERS, junitReport, tapReport, textReport, totals, type ReporterName } from '../testing/reporters';
import { isTestFile } from '../testing/format';
import { runTestFile, type FileReport } from '../testing/runner';

export interface TestArgs {
  paths: string[];
  reporter: string;
  color: boolean;
}

/** Folders never searched for test files. */
const SKIP = new Set(['node_modules', '.git', 'dist', 'out']);

/** Test files under the given files and folders, sorted and without repeats (default: the working folder). */
export function findTestFiles(paths: readonly string[], usage: (m: string) => Error): string[] {
  const found = new Set<string>();
  const walk = (dir: string, depth: number) => {
    if (depth > 32) return;
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.') || SKIP.has(name)) continue;
      const p = join(dir, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p, depth + 1);
      else if (isTestFile(name)) found.add(p);
    }
  };
  for (const p of paths.length ? paths : ['.']) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw usage(`cannot read '${p}': no such file or folder`);
    }
    if (st.isDirectory()) walk(p, 0);
    else if (isTestFile(p)) found.add(p);
    else throw usage(`'${p}' is not a test file (*.workflow.test.yaml, .yml or .json)`);
  }
  return [...found].map((f) => (f.startsWith('/') ? f : relative('.', f) || f));
}

/** `kailash-wf test`: 0 every case passed, 1 a case failed or could not run, 2 bad usage or an invalid test file. */
export async function testCommand(
  args: TestArgs,
  io: { out: (s: string) => void; err: (s: string) => void },
  usage: (m: string) => Error,
  signal?: AbortSignal,
): Promise<number> {
  if (!(REPORTERS as readonly string[]).includes(args.reporter))
    throw usage(`unknown reporter '${args.reporter}' (${REPORTERS.join(', ')})`);
  const reporter = args.reporter as ReporterName;
  const files = findTestFiles(args.paths, usage);
  if (!files.length)
    throw usage(`no test files (*.workflow.test.yaml) under ${args.paths.length ? args.paths.join(', ') : 'the working folder'}`);
  const started = performance.now();
  const reports: FileReport[] = [];
  for (const file of files) {
    if (signal?.aborted) break;
    reports.push(await runTestFile(file, readFileSync(file, 'utf8'), signal ? { signal } : {}));
  }
  const ms = performance.now() - started;
  io.out(reporter === 'junit' ? junitReport(reports, ms) : reporter === 'tap' ? tapReport(reports) : textReport(reports, args.color, ms));
  const t = totals(reports);
  if (t.invalidFiles) return 2;
  return t.failed || t.errors ? 1 : 0;
}
