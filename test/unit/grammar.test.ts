// The workflow grammar (syntaxes/), tokenized as VS Code does: vscode-textmate with the WASM
// build of Oniguruma, the template injection registered the way package.json injects it.
// Those two libraries are VS Code's own (devDependencies here, at VS Code's versions).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const FILES: Record<string, string> = {
  'source.kailash-workflow': join(ROOT, 'syntaxes', 'kailash-workflow.tmLanguage.json'),
  'kailash.templates.injection': join(ROOT, 'syntaxes', 'kailash-templates.tmLanguage.json'),
};

// Untyped: only their tokenizing entry points are used.
const libs: { tm: any; onig: any } = { tm: require('vscode-textmate'), onig: require('vscode-oniguruma') };

interface Token {
  text: string;
  scopes: string[];
}

let grammar: any;

/** Each line's tokens, the lines tokenized in order (the state carried from line to line). */
function tokenize(text: string): Token[][] {
  let state = libs.tm.INITIAL;
  return text.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t: any) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/** The scopes of the token whose text is `text` on line `n` (0-based) of `lines`. */
function scopesOf(lines: Token[][], n: number, text: string): string[] {
  const t = lines[n]!.find((x) => x.text === text);
  assert.ok(t, `no token ${JSON.stringify(text)} on line ${n}: ${JSON.stringify(lines[n]!.map((x) => x.text))}`);
  return t.scopes;
}

function has(lines: Token[][], n: number, text: string, scope: string): void {
  const scopes = scopesOf(lines, n, text);
  assert.ok(scopes.includes(scope), `${JSON.stringify(text)} on line ${n} has ${scopes.join(' ')}, not ${scope}`);
}

function hasNot(lines: Token[][], n: number, text: string, prefix: string): void {
  const scopes = scopesOf(lines, n, text);
  assert.ok(!scopes.some((s) => s.startsWith(prefix)), `${JSON.stringify(text)} on line ${n} has ${scopes.join(' ')}`);
}

describe('the workflow grammar (syntaxes/kailash-workflow.tmLanguage.json)', () => {
  before(async () => {
    const { tm, onig } = libs;
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new tm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new onig.OnigScanner(patterns),
        createOnigString: (s: string) => new onig.OnigString(s),
      }),
      loadGrammar: async (scope: string) => (FILES[scope] ? tm.parseRawGrammar(readFileSync(FILES[scope]!, 'utf8'), FILES[scope]) : null),
      getInjections: (scope: string) => (scope === 'source.kailash-workflow' ? ['kailash.templates.injection'] : undefined),
    });
    grammar = await registry.loadGrammar('source.kailash-workflow');
  });

  it('block keys, plain and quoted scalars, numbers, booleans, null', () => {
    const lines = tokenize(
      [
        'name: rest-api',
        'nodes:',
        '  - id: list_users',
        '    config:',
        '      base_url: http://127.0.0.1:8080',
        '      timeout: 20',
        '      backoff: -0.5',
        '      paginate: true',
        '      token: ~',
        '      title: "a \\"quoted\\" title"',
        "      note: 'it''s'",
        '      "quoted key": 1',
        '      description: not a key: the rest of the line',
      ].join('\n'),
    );
    has(lines, 0, 'name', 'entity.name.tag.yaml');
    has(lines, 0, ':', 'punctuation.separator.key-value.mapping.yaml');
    has(lines, 0, 'rest-api', 'string.unquoted.plain.out.yaml');
    has(lines, 2, '-', 'punctuation.definition.block.sequence.item.yaml');
    has(lines, 2, 'id', 'entity.name.tag.yaml');
    has(lines, 4, 'http://127.0.0.1:8080', 'string.unquoted.plain.out.yaml');
    has(lines, 5, '20', 'constant.numeric.integer.yaml');
    has(lines, 6, '-0.5', 'constant.numeric.float.yaml');
    has(lines, 7, 'true', 'constant.language.boolean.yaml');
    has(lines, 8, '~', 'constant.language.null.yaml');
    has(lines, 9, '"', 'punctuation.definition.string.begin.yaml');
    has(lines, 9, 'a ', 'string.quoted.double.yaml');
    has(lines, 9, '\\"', 'constant.character.escape.yaml');
    has(lines, 10, "''", 'constant.character.escape.yaml');
    has(lines, 10, 'it', 'string.quoted.single.yaml');
    has(lines, 11, '"quoted key"', 'entity.name.tag.yaml');
    has(lines, 12, 'not a key: the rest of the line', 'string.unquoted.plain.out.yaml');
  });

  it('comments, the kailash-disable-next-line directive and document markers', () => {
    const lines = tokenize(['# a comment', 'a: b # trailing', 'c: d#not', '  # kailash-disable-next-line KW001', '---', '...'].join('\n'));
    has(lines, 0, '#', 'punctuation.definition.comment.yaml');
    has(lines, 0, ' a comment', 'comment.line.number-sign.yaml');
    has(lines, 1, ' trailing', 'comment.line.number-sign.yaml');
    has(lines, 2, 'd#not', 'string.unquoted.plain.out.yaml');
    has(lines, 3, 'kailash-disable-next-line', 'keyword.other.directive.kailash');
    has(lines, 3, 'kailash-disable-next-line', 'comment.line.number-sign.yaml');
    has(lines, 3, ' KW001', 'constant.other.diagnostic-code.kailash');
    has(lines, 4, '---', 'entity.other.document.begin.yaml');
    has(lines, 5, '...', 'entity.other.document.end.yaml');
  });

  it('${...} templates in plain, quoted and block scalars, not in comments', () => {
    const lines = tokenize(
      [
        'token: ${secret:API_TOKEN}',
        'url: "http://${env:HOST}/v1"',
        'path: /data/${env:DIR}/in',
        '# ${env:NOT}',
        'code: |',
        '  x = "${env:X}"',
      ].join('\n'),
    );
    has(lines, 0, '${', 'punctuation.definition.template-expression.begin.kailash');
    has(lines, 0, 'secret', 'keyword.other.template-kind.kailash');
    has(lines, 0, 'API_TOKEN', 'variable.other.template.kailash');
    has(lines, 1, 'HOST', 'variable.other.template.kailash');
    has(lines, 1, 'HOST', 'string.quoted.double.yaml');
    has(lines, 2, 'DIR', 'variable.other.template.kailash');
    has(lines, 2, '/in', 'string.unquoted.plain.out.yaml');
    hasNot(lines, 3, ' ${env:NOT}', 'meta.embedded.template');
    has(lines, 5, 'X', 'variable.other.template.kailash');
    has(lines, 5, 'X', 'string.unquoted.block.yaml');
  });

  it('block scalars: their indented content is a string, whatever it holds, up to the next key', () => {
    const lines = tokenize(
      [
        'nodes:',
        '  - code: |',
        '      result = {"a": 1}  # python',
        '',
        '      key: not a key',
        '    other: 1',
        '  - id: b',
        '    config:',
        '      text: >-',
        '        folded',
        '      after: 2',
      ].join('\n'),
    );
    has(lines, 1, '|', 'keyword.control.flow.block-scalar.yaml');
    has(lines, 1, 'code', 'entity.name.tag.yaml');
    has(lines, 2, '      result = {"a": 1}  # python', 'string.unquoted.block.yaml');
    has(lines, 4, '      key: not a key', 'string.unquoted.block.yaml');
    has(lines, 5, 'other', 'entity.name.tag.yaml');
    has(lines, 5, '1', 'constant.numeric.integer.yaml');
    has(lines, 8, '>-', 'keyword.control.flow.block-scalar.yaml');
    has(lines, 9, '        folded', 'string.unquoted.block.yaml');
    has(lines, 10, 'after', 'entity.name.tag.yaml');
  });

  it('flow collections, anchors, aliases and tags', () => {
    const lines = tokenize(
      [
        '  - {from_node: a, from_output: data, n: 3, ok: false}',
        '    headers: [Accept, "application/json", 2,',
        '      x]',
        '    base: &defaults {retries: 2}',
        '    other: *defaults',
        '    typed: !!str 123',
        '    after: 1',
      ].join('\n'),
    );
    has(lines, 0, '{', 'punctuation.definition.mapping.begin.yaml');
    has(lines, 0, 'from_node', 'entity.name.tag.yaml');
    has(lines, 0, 'a', 'string.unquoted.plain.in.yaml');
    has(lines, 0, ',', 'punctuation.separator.mapping.yaml');
    has(lines, 0, '3', 'constant.numeric.integer.yaml');
    has(lines, 0, 'false', 'constant.language.boolean.yaml');
    has(lines, 0, '}', 'punctuation.definition.mapping.end.yaml');
    has(lines, 1, '[', 'punctuation.definition.sequence.begin.yaml');
    has(lines, 1, 'Accept', 'string.unquoted.plain.in.yaml');
    has(lines, 1, 'application/json', 'string.quoted.double.yaml');
    has(lines, 2, 'x', 'meta.flow-sequence.yaml');
    has(lines, 2, ']', 'punctuation.definition.sequence.end.yaml');
    has(lines, 3, 'defaults', 'entity.name.type.anchor.yaml');
    has(lines, 4, 'defaults', 'variable.other.alias.yaml');
    has(lines, 5, '!!str', 'storage.type.tag-handle.yaml');
    has(lines, 6, 'after', 'entity.name.tag.yaml');
    hasNot(lines, 6, 'after', 'meta.flow');
  });

  it('a .workflow.json file: keys, strings, numbers, constants and punctuation', () => {
    const lines = tokenize(
      [
        '{',
        '  "name": "json-form",',
        '  "nodes": [',
        '    {"id": "a", "config": {"n": -1.5e3, "ok": true, "none": null, "s": "${env:X}"}}',
        '  ]',
        '}',
      ].join('\n'),
    );
    has(lines, 0, '{', 'punctuation.definition.mapping.begin.yaml');
    has(lines, 1, '"name"', 'entity.name.tag.yaml');
    has(lines, 1, 'json-form', 'string.quoted.double.yaml');
    has(lines, 1, ',', 'punctuation.separator.mapping.yaml');
    has(lines, 3, '"config"', 'entity.name.tag.yaml');
    has(lines, 3, '-1.5e3', 'constant.numeric.float.yaml');
    has(lines, 3, 'true', 'constant.language.boolean.yaml');
    has(lines, 3, 'null', 'constant.language.null.yaml');
    has(lines, 3, 'X', 'variable.other.template.kailash');
    has(lines, 4, ']', 'punctuation.definition.sequence.end.yaml');
    has(lines, 5, '}', 'punctuation.definition.mapping.end.yaml');
  });
});
