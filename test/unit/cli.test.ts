import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli } from '../support/cli';
import { workflowSchema } from '../../runtime/schema/generate';

const ROOT = join(__dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures');

describe('kailash-wf CLI', () => {
  it('validate: exit 0 on clean files, 1 on errors, 2 on unreadable files or bad usage', async () => {
    const clean = await cli('validate', join(FIXTURES, 'valid', 'list-form.workflow.yaml'));
    assert.equal(clean.code, 0);
    assert.match(clean.out, /1 file checked: 0 errors, 0 warnings/);

    const bad = await cli('validate', join(FIXTURES, 'diagnostics', 'unknown-node-type.workflow.yaml'));
    assert.equal(bad.code, 1);
    assert.match(
      bad.out,
      /unknown-node-type\.workflow\.yaml:3:11: error \[unknown-node-type\] Unknown node type 'HTTPRequestNod'\. Did you mean 'HTTPRequestNode'\?/,
    );

    const missing = await cli('validate', 'no/such.workflow.yaml');
    assert.equal(missing.code, 2);
    assert.equal(missing.err, "kailash-wf: cannot read 'no/such.workflow.yaml': no such file\n");
    assert.equal((await cli('validate')).code, 2);
    assert.equal((await cli('validate', '--frobnicate', 'x')).code, 2);
    assert.equal((await cli('launch')).code, 2);
  });

  it('--help, -h, help and --version print to stdout and exit 0; a misspelt command gets did-you-mean', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const r = await cli(...argv);
      assert.equal(r.code, 0, argv.join(' '));
      assert.match(r.out, /^Usage: kailash-wf <command>/);
      for (const c of ['validate', 'run', 'nodes', 'schema', 'graph', 'worker', 'submit', 'status', 'cancel'])
        assert.match(r.out, new RegExp(`^  ${c} `, 'm'));
    }
    for (const c of ['validate', 'run', 'nodes', 'schema', 'graph', 'worker', 'submit', 'status', 'cancel']) {
      for (const flag of ['--help', '-h']) {
        const r = await cli(c, flag);
        assert.equal(r.code, 0, `${c} ${flag}`);
        assert.equal(r.err, '');
        assert.match(r.out, new RegExp(`^Usage: kailash-wf ${c}\\b`));
      }
    }
    assert.match((await cli('run', '--help')).out, /--param \[node\.\]key=value/);
    assert.equal((await cli('help', 'submit')).code, 0);
    const version = await cli('--version');
    assert.equal(version.code, 0);
    assert.match(version.out, /^kailash-wf \d+\.\d+\.\d+\n$/);
    const typo = await cli('valdate', 'x.yaml');
    assert.equal(typo.code, 2);
    assert.equal(typo.err, "kailash-wf: unknown command 'valdate' (did you mean 'validate'?); see kailash-wf --help\n");
    const none = await cli();
    assert.equal(none.code, 2);
    assert.match(none.err, /^Usage:/);
  });

  it("nodes TYPE prints one node's reference; an unknown type gets did-you-mean", async () => {
    const r = await cli('nodes', 'SwitchNode');
    assert.equal(r.code, 0);
    assert.match(r.out, /\*\*SwitchNode\*\*/);
    assert.match(r.out, /\| `condition_field` \|/);
    assert.match(r.out, /\*\*Skeleton\*\*/);
    const typo = await cli('nodes', 'SwichNode');
    assert.equal(typo.code, 2);
    assert.match(typo.err, /did you mean SwitchNode\?/);
  });

  it('graph refuses a file with errors (exit 1) instead of drawing part of it', async () => {
    const r = await cli('graph', join(FIXTURES, 'diagnostics', 'unknown-node-type.workflow.yaml'));
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.match(r.err, /error \[unknown-node-type\]/);
    assert.match(r.err, /has 2 errors; fix them to draw its graph/);
  });

  it('a missing --env-file is a usage error naming the file', async () => {
    const r = await cli('run', join(FIXTURES, 'valid', 'list-form.workflow.yaml'), '--env-file', 'no/such.env');
    assert.equal(r.code, 2);
    assert.equal(r.err, "kailash-wf: cannot read 'no/such.env': no such file\n");
  });

  it('a node failed under on_error: continue: the summary says so and the exit code is 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kwf-cli-'));
    const file = join(dir, 'tolerant.workflow.yaml');
    writeFileSync(
      file,
      `name: tolerant
nodes:
  - {id: read, type: TextReaderNode, config: {file_path: missing.txt}, on_error: continue}
  - {id: other, type: PythonCodeNode, config: {code: "result = 1"}}
`,
    );
    const r = await cli('run', file);
    assert.equal(r.code, 1);
    assert.match(r.out, /^✗ succeeded with 1 failed node \(on_error: continue\): read — in [\d.]+ ms$/m);
  });

  it('validate --json prints records with 1-based positions', async () => {
    const file = join(FIXTURES, 'diagnostics', 'duplicate-connection.workflow.yaml');
    const r = await cli('validate', file, '--json');
    assert.equal(r.code, 1);
    const records = JSON.parse(r.out);
    assert.deepEqual(records, [
      {
        file,
        line: 10,
        column: 5,
        endLine: 10,
        endColumn: 66,
        severity: 'error',
        code: 'duplicate-connection',
        message: 'Duplicate connection: reader.data -> writer.data is already declared.',
      },
    ]);
    assert.deepEqual(JSON.parse((await cli('validate', '--json', join(FIXTURES, 'valid', 'map-form.workflow.yaml'))).out), []);
  });

  it('nodes, schema and graph', async () => {
    const nodes = JSON.parse((await cli('nodes', '--json')).out);
    assert.equal(nodes.length, 31);
    assert.ok(nodes.find((n: { type: string }) => n.type === 'HTTPRequestNode').params.url);
    assert.match((await cli('nodes')).out, /^api\n {2}HTTPRequestNode +Send an HTTP request/);
    assert.deepEqual(JSON.parse((await cli('schema')).out), JSON.parse(JSON.stringify(workflowSchema())));

    const file = join(ROOT, 'examples', 'quickstart.workflow.yaml');
    const mermaid = (await cli('graph', file)).out;
    assert.match(mermaid, /^flowchart TB\n/);
    assert.match(mermaid, /orders -->\|"data → input_data"\| by_status/);
    const dot = (await cli('graph', file, '--format', 'dot')).out;
    assert.match(dot, /^digraph "quickstart" \{/);
    assert.match(dot, /"by_status" -> "paid_report" \[label="case_paid → data"\];/);
    assert.equal((await cli('graph', file, '--format', 'svg')).code, 2);
  });

  it('run --json prints the run record; exit 0, 1 when the run fails, 2 when invalid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kwf-cli-'));
    cpSync(join(ROOT, 'examples', 'quickstart.workflow.yaml'), join(dir, 'q.workflow.yaml'));
    cpSync(join(ROOT, 'examples', 'data'), join(dir, 'data'), { recursive: true });
    const ok = await cli('run', join(dir, 'q.workflow.yaml'), '--json');
    assert.equal(ok.code, 0, ok.err);
    const rec = JSON.parse(ok.out);
    assert.equal(rec.status, 'succeeded');
    assert.deepEqual(Object.keys(rec.results).sort(), [
      'by_status',
      'combined',
      'customers',
      'orders',
      'paid_report',
      'refunds_report',
      'summary',
    ]);
    assert.equal(rec.results.refunds_report.rows_written, 1);
    assert.deepEqual(Object.keys(rec.nodes.orders).sort(), ['attempts', 'durationMs', 'status']);

    const human = await cli('run', join(dir, 'q.workflow.yaml'), '--param', 'paid_report.indent=4');
    assert.equal(human.code, 0);
    assert.match(human.out, /✓ orders {2}CSVReaderNode/);
    assert.match(human.out, /✓ succeeded in/);

    writeFileSync(join(dir, 'fail.workflow.yaml'), 'nodes:\n  - {id: r, type: TextReaderNode, config: {file_path: nope.txt}}\n');
    const failed = await cli('run', join(dir, 'fail.workflow.yaml'), '--json');
    assert.equal(failed.code, 1);
    assert.equal(JSON.parse(failed.out).nodes.r.error.type, 'FileNotFoundError');

    writeFileSync(join(dir, 'bad.workflow.yaml'), 'nodes:\n  - {id: r, type: NoSuchNode}\n');
    const invalid = await cli('run', join(dir, 'bad.workflow.yaml'));
    assert.equal(invalid.code, 2);
    assert.match(invalid.err, /bad\.workflow\.yaml:2:19: error \[unknown-node-type\]/);
    assert.equal((await cli('run', join(dir, 'q.workflow.yaml'), '--param', 'oops')).code, 2);
  });

  it('the built bin exits with the documented codes and survives a closed pipe', () => {
    const bin = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'runtime', 'cli', 'bin.ts'), ...args], { encoding: 'utf8', cwd: ROOT });
    assert.equal(bin(['validate', 'examples/quickstart.workflow.yaml']).status, 0);
    assert.equal(bin(['validate', 'test/fixtures/diagnostics/cycle.workflow.yaml']).status, 1);
    const missing = bin(['validate', 'nope.yaml']);
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr.trim().split('\n').length, 1);
    const piped = spawnSync('sh', ['-c', `node --import tsx runtime/cli/bin.ts nodes --json | head -c 10`], {
      encoding: 'utf8',
      cwd: ROOT,
    });
    assert.equal(piped.status, 0);
    assert.doesNotMatch(piped.stderr, /EPIPE/);
  });
});
