// The guide's batch pattern: a DirectoryReaderNode `scanner` (file_pattern, include_metadata) whose
// `file_paths` feed a batch processor's `file_list`, on real files in a temp folder.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { folder, run, validate } from './cli';

describe('guide: scanner.file_paths → batch_processor.file_list', () => {
  const files = folder();
  const inbox = join(files.dir, 'inbox');
  mkdirSync(join(inbox, '2024'), { recursive: true });
  writeFileSync(join(inbox, 'orders.csv'), 'id,amount\n1,10\n2,20\n');
  writeFileSync(join(inbox, '2024', 'march.csv'), 'id,amount\n3,30\n');
  writeFileSync(join(inbox, 'notes.txt'), 'not a csv\n');
  writeFileSync(join(inbox, 'data.json'), '{"id": 4}\n');
  writeFileSync(join(inbox, '.hidden.csv'), 'id\n9\n');
  after(() => files.cleanup());

  const workflow = `name: batch-inbox
nodes:
  - id: scanner
    type: DirectoryReaderNode
    config:
      directory_path: inbox
      file_pattern: "*.csv"
      recursive: true
      include_metadata: false
  - id: batch_processor
    type: PythonCodeNode
    config:
      code: |
        import csv
        totals = {}
        for path in file_list:
            with open(path, newline="") as f:
                totals[path] = sum(float(row["amount"]) for row in csv.DictReader(f))
        result = {"files": len(file_list), "totals": totals}
connections:
  - {from_node: scanner, from_output: file_paths, to_node: batch_processor, to_input: file_list}
`;

  it('type-checks: no diagnostic at all', async () => {
    const v = await validate(files.write('batch.workflow.yaml', workflow));
    assert.deepEqual(v.findings, []);
    assert.equal(v.code, 0);
  });

  it('runs: the batch processor gets the matching paths as strings and processes each file', async () => {
    const r = await run(files.write('batch-run.workflow.yaml', workflow));
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const scan = r.record!.results.scanner!;
    const expected = [join(inbox, '2024', 'march.csv'), join(inbox, 'orders.csv')];
    assert.deepEqual(scan.file_paths, expected);
    // include_metadata: false keeps each file's identity only.
    assert.deepEqual(
      (scan.discovered_files as Record<string, unknown>[]).map((f) => Object.keys(f).sort()),
      expected.map(() => ['file_extension', 'file_name', 'file_path', 'file_type']),
    );
    assert.deepEqual(r.record!.results.batch_processor!.result, { files: 2, totals: { [expected[0]!]: 30, [expected[1]!]: 30 } });
  });

  it('file_pattern adds to file_patterns, and metadata is there by default', async () => {
    const text = `name: scan
nodes:
  - id: scanner
    type: DirectoryReaderNode
    config: {directory_path: inbox, recursive: true, file_pattern: "*.csv", file_patterns: ["*.json"]}
`;
    const r = await run(files.write('both.workflow.yaml', text));
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const scan = r.record!.results.scanner!;
    assert.deepEqual(scan.file_paths, [join(inbox, '2024', 'march.csv'), join(inbox, 'data.json'), join(inbox, 'orders.csv')]);
    const first = (scan.discovered_files as Record<string, unknown>[])[0]!;
    assert.equal(first.file_size, 15);
    assert.equal(first.mime_type, 'text/csv');
    assert.equal((scan.directory_stats as { total_size: number }).total_size, 15 + 10 + 20);
  });

  it('file_paths is typed list[str]: into an input that wants one string it is flagged at edit time', async () => {
    const text = `name: wrong
nodes:
  - id: scanner
    type: DirectoryReaderNode
    config: {directory_path: inbox, file_pattern: "*.csv"}
  - id: reader
    type: CSVReaderNode
connections:
  - {from_node: scanner, from_output: file_paths, to_node: reader, to_input: file_path}
`;
    const v = await validate(files.write('wrong.workflow.yaml', text));
    assert.deepEqual(
      v.findings.map((f) => f.code),
      ['connection-type-coercion'],
    );
    assert.match(v.findings[0]!.message, /scanner\.file_paths \(list\[str\]\) → reader\.file_path \(str\)/);
  });
});
