// Config and policy keys, node ids and `--param` names that name Object.prototype's members:
// plain keys to validate, run, submit and the language server, never a way to its prototype.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { cli } from '../support/cli';
import { collectParams } from '../../runtime/cli/run';
import { LocalRuntime } from '../../runtime/engine/local';
import { parseWorkflow } from '../../runtime/model/parse';
import { validateText } from '../../runtime/validate';
import { startLsp } from '../support/lsp-client';

const REPO = resolve(__dirname, '../..');
const KEYS = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'prototype'];

const hostile = `name: hostile
nodes:
  - id: a
    type: MergeNode
    config:
      data1: [1]
      data2: [2]
${KEYS.map((k) => `      ${k}: {polluted: yes}`).join('\n')}
    retry: {max_attempts: 2, constructor: 1, __proto__: {x: 1}, toString: 3}
  - id: b
    type: SwitchNode
    config: {condition_field: toString, cases: [constructor, __proto__], __proto__: 1}
connections:
  - {from_node: a, from_output: merged_data, to_node: b, to_input: input_data}
  - {from_node: a, from_output: constructor, to_node: b, to_input: __proto__}
`;

describe('keys named like Object.prototype members', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kwf-proto-'));
  const file = join(dir, 'hostile.workflow.yaml');
  writeFileSync(file, hostile);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('validate reports them as unknown keys (warnings and named errors), never crashes', () => {
    const { diagnostics } = validateText(hostile);
    const unknown = diagnostics.filter((d) => d.code === 'unknown-param').map((d) => d.message);
    for (const k of KEYS)
      assert.ok(
        unknown.some((m) => m.includes(`'${k}'`)),
        `${k}: ${unknown.join('\n')}`,
      );
    const errors = diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`);
    assert.ok(
      errors.some((m) => /unknown-output: .*'constructor'/.test(m)),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((m) => /unknown-input: .*'__proto__'/.test(m)),
      errors.join('\n'),
    );
    for (const k of ['constructor', '__proto__', 'toString'])
      assert.ok(errors.includes(`schema: \`retry\` has no setting '${k}'.`), errors.join('\n'));
  });

  it('validate and run as the CLI: exit 1 and 2 with diagnostics, not exit 3', async () => {
    const v = await cli('validate', file);
    assert.equal(v.code, 1, v.err);
    assert.doesNotMatch(v.err + v.out, /internal error/);
    const r = await cli('run', file);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /not running/);
  });

  it('runs a workflow whose config holds them: they are data, the node gets its own params', async () => {
    const text =
      'nodes:\n  - id: a\n    type: MergeNode\n    config: {data1: [1], data2: [2], constructor: 1, __proto__: {x: 1}, toString: 2}\n';
    const result = await new LocalRuntime().execute(parseWorkflow(text), { baseDir: dir });
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
    assert.deepEqual(result.results.a!.merged_data, [1, 2]);
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });

  it('--param __proto__.x=… sets a parameter of a node called __proto__, never Object.prototype.x', async () => {
    const params = collectParams(undefined, ['__proto__.polluted=yes', 'constructor.x=1', 'a.__proto__={y: 1}'], () => '');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.prototype.hasOwnProperty.call(params, '__proto__'), true);
    // `yes` is PyYAML's true, as in a workflow file.
    assert.deepEqual({ ...(params.__proto__ as object) }, { polluted: true });
    assert.equal(Object.getPrototypeOf(params.a), null);
    assert.equal(Object.prototype.hasOwnProperty.call(params.a, '__proto__'), true);
    const ok = join(dir, 'ok.workflow.yaml');
    writeFileSync(ok, 'nodes:\n  - {id: a, type: MergeNode, config: {data1: [1], data2: [2]}}\n');
    const r = await cli('run', ok, '--json', '--param', '__proto__.polluted=yes', '--param', 'a.__proto__={z: 1}');
    assert.equal(r.code, 0, r.err);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('as a real process: validate exits 1, run exits 2, submit refuses (exit 2), none exits 3', () => {
    for (const [args, code] of [
      [['validate', file], 1],
      [['run', file], 2],
      [['submit', file, '--root', dir, '--redis', 'redis://127.0.0.1:6379', '--queue', 'test-proto-never-used'], 2],
    ] as const) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'runtime/cli/bin.ts', ...args], {
        cwd: REPO,
        encoding: 'utf8',
        timeout: 120_000,
      });
      assert.equal(r.status, code, `${args[0]}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /internal error/);
    }
  });

  it('the language server keeps answering for such a file', { timeout: 120_000 }, async () => {
    const lsp = await startLsp();
    try {
      const uri = 'file:///hostile.workflow.yaml';
      const published = await lsp.open(uri, hostile);
      assert.ok(
        published.diagnostics.some((d) => String(d.message).includes("'constructor'")),
        JSON.stringify(published.diagnostics),
      );
      const offset = hostile.indexOf('constructor: {');
      const before = hostile.slice(0, offset).split('\n');
      const position = { line: before.length - 1, character: before.at(-1)!.length + 2 };
      await lsp.request('textDocument/hover', { textDocument: { uri }, position });
      const items = await lsp.request<unknown>('textDocument/completion', { textDocument: { uri }, position });
      assert.ok(items !== undefined);
      const symbols = await lsp.request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri } });
      assert.ok(Array.isArray(symbols) && symbols.length > 0);
      assert.doesNotMatch(lsp.stderr(), /TypeError|Cannot read/);
    } finally {
      await lsp.close();
    }
  });
});
