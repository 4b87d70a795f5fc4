import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Diagnostic } from '../../runtime/diagnostics';
import { formatOf } from '../../runtime/model/json';
import { parseWorkflow } from '../../runtime/model/parse';
import { validateModel, type ValidateOptions } from '../../runtime/validate';

const ROOT = join(__dirname, '..', '..');

/** Every workflow file under `dir`, its subfolders included. */
function workflowFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return workflowFiles(p);
      return /\.workflow\.(ya?ml|json)$/.test(name) ? [p] : [];
    });
}

/** What a run is refused on, both ways: the errors of a full validation, and `errorsOnly`'s. */
function both(text: string, format: 'yaml' | 'json', options: ValidateOptions = {}): { full: Diagnostic[]; errorsOnly: Diagnostic[] } {
  const full = validateModel(parseWorkflow(text, format), options).filter((d) => d.severity === 'error');
  const errorsOnly = validateModel(parseWorkflow(text, format), { ...options, errorsOnly: true });
  return { full, errorsOnly };
}

/**
 * Files that warn and fail in the ways `errorsOnly` must keep apart: a policy's type warning is an
 * error (checkPolicyValue), a directive silences an error, a compat warning beside an error,
 * secrets and SQL splicing (warnings) beside an unknown input (an error).
 */
const MADE: Record<string, string> = {
  policy: `nodes:
  - id: a
    type: PythonCodeNode
    retry: {max_attempts: "3"}
    timeout: "3"
    config: {code: "result = 1"}
`,
  suppressed: `nodes:
  - id: a
    type: PythonCodeNode
    config:
      code: "result = 1"
      # kailash-disable-next-line unknown-param not-a-code
      bogus: 1
  - id: b
    # kailash-disable-next-line
    type: NoSuchNode
connections:
  - {from: a, from_output: result, to: b, to_input: x}
  - {from: a, from_output: result, to: nowhere, to_input: x}
`,
  mixed: `nodes:
  - id: a
    type: PythonCodeNode
    config:
      code: |
        import os
        def f():
          return x
        y = [x for _ in range(2)]
  - id: b
    type: SQLDatabaseNode
    config:
      connection_string: "postgresql://user:hunter2hunter2@db/app"
      query: "SELECT * FROM t WHERE id = \${id}"
connections:
  - {from: a, from_output: result, to: b, to_input: nope}
  - {from: a, from_output: result, to: missing, to_input: x}
`,
};

describe('validate errorsOnly', () => {
  const files = [
    ...workflowFiles(join(ROOT, 'test', 'fixtures')),
    ...workflowFiles(join(ROOT, 'test', 'compat', 'cases')),
    ...workflowFiles(join(ROOT, 'examples')),
  ];

  it('finds the fixtures', () => {
    assert.ok(files.length > 150, `only ${files.length} files`);
  });

  it('gives exactly the error findings of the full validation, on every fixture, example and compat case', () => {
    let withErrors = 0;
    for (const file of files) {
      const { full, errorsOnly } = both(readFileSync(file, 'utf8'), formatOf(file));
      assert.deepEqual(errorsOnly, full, file);
      if (full.length) withErrors++;
    }
    // The invalid fixtures are in: the comparison is not only of empty lists.
    assert.ok(withErrors >= 10, `only ${withErrors} files with errors`);
  });

  it('keeps errors made from warnings, and what directives silence stays silenced', () => {
    for (const [name, text] of Object.entries(MADE)) {
      const { full, errorsOnly } = both(text, 'yaml');
      assert.ok(full.length > 0, `${name}: no errors to compare`);
      assert.deepEqual(errorsOnly, full, name);
    }
    const codes = both(MADE.policy!, 'yaml').errorsOnly.map((d) => d.code);
    // "3" is converted at run time (a warning for a node's own parameter): for a policy, an error.
    assert.deepEqual(codes, ['schema', 'schema']);
    const silenced = both(MADE.suppressed!, 'yaml').errorsOnly.map((d) => d.code);
    assert.deepEqual(silenced, ['unknown-connection-node']);
  });

  it('agrees under strict connection types and with the disk checked', () => {
    for (const file of files.filter((f) => f.includes(join('test', 'fixtures')))) {
      const options: ValidateOptions = { connectionTypes: 'strict', fileExists: () => false };
      const { full, errorsOnly } = both(readFileSync(file, 'utf8'), formatOf(file), options);
      assert.deepEqual(errorsOnly, full, file);
    }
  });
});
