import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DIAGNOSTIC_CODES } from '../../runtime/diagnostics';
import { validateText } from '../../runtime/validate';
import { wantMarkers } from '../support/markers';

const ROOT = join(__dirname, '..', 'fixtures');
const workflowFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => /\.workflow\.(ya?ml|json)$/.test(f))
    .sort();

/** The disk as `missing-file` sees it: paths relative to the fixture's folder. */
const existsIn =
  (dir: string) =>
  (path: string, kind: 'file' | 'directory'): boolean => {
    try {
      const s = statSync(join(dir, path));
      return kind === 'file' ? s.isFile() : s.isDirectory();
    } catch {
      return false;
    }
  };

/** `missing-file` fixtures are checked against their folder; the others name files that are not there. */
const optionsFor = (dir: string, file: string) => (file.startsWith('missing-file') ? { fileExists: existsIn(dir) } : {});

/** Diagnostics grouped by the line they start on, as sorted code lists. */
function actual(text: string, dir: string, file: string): Map<number, string[]> {
  const { diagnostics, lines } = validateText(text, optionsFor(dir, file));
  const out = new Map<number, string[]>();
  for (const d of diagnostics) {
    const line = lines.position(d.span[0]).line;
    out.set(line, [...(out.get(line) ?? []), d.code].sort());
  }
  return out;
}

function render(text: string, options: Parameters<typeof validateText>[1] = {}): string {
  const { diagnostics, lines } = validateText(text, options);
  return diagnostics.map((d) => `  ${lines.position(d.span[0]).line + 1}: ${d.code}: ${d.message}`).join('\n');
}

describe('diagnostic fixtures: every `# want:` marker and nothing else', () => {
  const dir = join(ROOT, 'diagnostics');
  for (const file of workflowFiles(dir)) {
    it(file, () => {
      const text = readFileSync(join(dir, file), 'utf8');
      const want = wantMarkers(text);
      const got = actual(text, dir, file);
      const lines = new Set([...want.keys(), ...got.keys()]);
      for (const line of [...lines].sort((a, b) => a - b)) {
        assert.deepEqual(
          got.get(line) ?? [],
          want.get(line) ?? [],
          `line ${line + 1} of ${file}; all diagnostics:\n${render(text, optionsFor(dir, file))}`,
        );
      }
    });
  }

  it('covers every diagnostic code', () => {
    const covered = new Set<string>();
    for (const file of workflowFiles(dir)) {
      for (const codes of wantMarkers(readFileSync(join(dir, file), 'utf8')).values()) codes.forEach((c) => covered.add(c));
    }
    // Test-file codes have their fixtures beside the test files' own (features-test-file.test.ts).
    const tests = join(ROOT, 'tests');
    for (const file of readdirSync(tests).filter((f) => f.endsWith('.workflow.test.yaml'))) {
      for (const codes of wantMarkers(readFileSync(join(tests, file), 'utf8')).values()) codes.forEach((c) => covered.add(c));
    }
    assert.deepEqual(
      DIAGNOSTIC_CODES.filter((c) => !covered.has(c)),
      [],
    );
  });
});

describe('valid fixtures stay clean', () => {
  for (const sub of ['valid', '../../examples']) {
    const dir = join(ROOT, sub);
    for (const file of workflowFiles(dir)) {
      it(`${sub}/${file}`, () => {
        const text = readFileSync(join(dir, file), 'utf8');
        assert.equal(render(text), '', `${file} should have no diagnostics`);
      });
    }
  }
});
