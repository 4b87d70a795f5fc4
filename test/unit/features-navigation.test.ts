import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { validateText } from '../../runtime/validate';
import { codeLenses, COMMANDS, NODE_LENS_LIMIT, readNodeLimit, SERVER_COMMANDS } from '../../server/features/lenses';
import { NODE_LENS_LIMIT as CLIENT_NODE_LENS_LIMIT, rerunLenses } from '../../client/editor/lenses';
import { parseWorkflow } from '../../runtime/model/parse';
import { documentLinks } from '../../server/features/links';
import { definition, prepareRename, references, rename } from '../../server/features/references';
import { documentSymbols, OUTLINE_DETAIL_LIMIT } from '../../server/features/symbols';
import { semanticTokens, tokenEdits, TOKEN_LEGEND } from '../../server/features/tokens';
import { Workspace } from '../../server/workspace';
import { applyEdits, at, featureDoc, URI } from '../support/features';

const FILE = `nodes:
  - id: fetch
    type: HTTPRequestNode
    config: {url: "https://x/\${env:HOST}"}
  - id: save
    type: JSONWriterNode
    config: {file_path: out.json}
  - id: log
    type: PythonCodeNode
    config: {code: "result = 1"}
connections:
  - {from_node: fetch, from_output: response.content, to_node: save, to_input: data}
  - from: "save"
    to: log
parameters:
  save: {indent: 4}
`;

/** FILE with the cursor at the `^` of the n-th occurrence of a marker. */
function cursorAt(marker: string, nth = 0): string {
  const plain = marker.replace('^', '');
  let i = -1;
  for (let k = 0; k <= nth; k++) i = FILE.indexOf(plain, i + 1);
  i += marker.indexOf('^');
  return `${FILE.slice(0, i)}|${FILE.slice(i)}`;
}

const textAt = (text: string, r: { start: { line: number; character: number }; end: { line: number; character: number } }) => {
  const lines = text.split('\n');
  return lines[r.start.line]!.slice(r.start.character, r.end.character);
};

describe('definition and references', () => {
  it('goes from any reference of a node (connections, parameters) to its id', () => {
    for (const [marker, nth] of [
      ['to_node: sa^ve', 0],
      ['from: "sa^ve"', 0],
      ['  sa^ve: {indent', 0],
    ] as const) {
      const { doc, position } = at(cursorAt(marker, nth));
      const loc = definition(doc, position)!;
      assert.equal(loc.uri, URI);
      assert.deepEqual(loc.range, { start: { line: 4, character: 8 }, end: { line: 4, character: 12 } }, marker);
    }
  });

  it('finds every reference of a node, with or without its declaration', () => {
    const { doc, position } = at(cursorAt('id: sa^ve'));
    const all = references(doc, position, true);
    assert.deepEqual(
      all.map((l) => l.range.start.line),
      [4, 11, 12, 15],
    );
    assert.ok(
      all.every((l) => textAt(doc.text, l.range) === 'save'),
      'quotes excluded',
    );
    assert.equal(references(doc, position, false).length, 3);
  });
});

describe('rename', () => {
  const apply = (text: string, edit: WorkspaceEdit) => applyEdits(text, edit.changes![URI] as TextEdit[]);

  it('renames a node id everywhere it is written', () => {
    const { doc, position } = at(cursorAt('to_node: sa^ve'));
    assert.deepEqual(prepareRename(doc, position), {
      range: { start: { line: 11, character: 63 }, end: { line: 11, character: 67 } },
      placeholder: 'save',
    });
    const edit = rename(doc, position, 'store') as WorkspaceEdit;
    const text = apply(doc.text, edit);
    assert.equal((text.match(/store/g) ?? []).length, 4);
    assert.ok(!/\bsave\b/.test(text));
    assert.match(text, /from: "store"/);
    const codes = (t: string) => validateText(t).diagnostics.map((d) => d.code);
    assert.deepEqual(codes(text), codes(doc.text), 'nothing breaks');
  });

  it('refuses a taken or invalid id, and places that are not node ids', () => {
    const { doc, position } = at(cursorAt('id: sa^ve'));
    assert.deepEqual(rename(doc, position, 'log'), { error: "A node 'log' already exists in this workflow." });
    assert.match((rename(doc, position, '9 lives') as { error: string }).error, /not a valid node id/);
    const other = at(cursorAt('file_p^ath'));
    assert.ok('error' in prepareRename(other.doc, other.position));
  });
});

describe('document symbols', () => {
  it(`lists a big file's nodes without their config keys, and its connections only as their section, beyond ${OUTLINE_DETAIL_LIMIT}`, () => {
    const file = (n: number) => {
      const nodes = Array.from({ length: n }, (_, i) => `  - id: n${i}\n    type: MergeNode\n    config: {merge_type: merge_dict}\n`);
      const conns = Array.from({ length: n - 1 }, (_, i) => `  - {from: n${i}, to: n${i + 1}}\n`);
      return `nodes:\n${nodes.join('')}connections:\n${conns.join('')}`;
    };
    const small = documentSymbols(featureDoc(file(OUTLINE_DETAIL_LIMIT)));
    assert.equal(small[0]!.children!.length, OUTLINE_DETAIL_LIMIT);
    assert.deepEqual(
      small[0]!.children![0]!.children!.map((c) => c.name),
      ['merge_type'],
    );
    assert.equal(small[1]!.children!.length, OUTLINE_DETAIL_LIMIT - 1);
    const big = documentSymbols(featureDoc(file(OUTLINE_DETAIL_LIMIT + 2)));
    assert.deepEqual(
      big.map((s) => [s.name, s.detail, s.children?.length]),
      [
        ['nodes', `${OUTLINE_DETAIL_LIMIT + 2}`, OUTLINE_DETAIL_LIMIT + 2],
        ['connections', `${OUTLINE_DETAIL_LIMIT + 1}`, undefined],
      ],
    );
    assert.ok(big[0]!.children!.every((n) => n.children === undefined && n.detail === 'MergeNode'));
  });

  it('outlines nodes (with type and config keys) and connections', () => {
    const doc = featureDoc(FILE);
    const symbols = documentSymbols(doc);
    assert.deepEqual(
      symbols.map((s) => s.name),
      ['nodes', 'connections', 'parameters'],
    );
    const nodes = symbols[0]!.children!;
    assert.deepEqual(
      nodes.map((n) => [n.name, n.detail]),
      [
        ['fetch', 'HTTPRequestNode'],
        ['save', 'JSONWriterNode'],
        ['log', 'PythonCodeNode'],
      ],
    );
    assert.deepEqual(
      nodes[0]!.children!.map((c) => c.name),
      ['url'],
    );
    assert.deepEqual(
      symbols[1]!.children!.map((c) => c.name),
      ['fetch.response.content → save.data', 'save.result → log.input'],
    );
    for (const n of nodes) {
      assert.ok(n.range.start.line <= n.selectionRange.start.line && n.selectionRange.end.line <= n.range.end.line);
    }
  });
});

describe('links, lenses and tokens', () => {
  it('links a WorkflowNode’s workflow_path to the file when it exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kailash-links-'));
    writeFileSync(join(dir, 'inner.workflow.yaml'), 'nodes: []\n');
    const uri = pathToFileURL(join(dir, 'outer.workflow.yaml')).href;
    const text =
      'nodes:\n  - id: sub\n    type: WorkflowNode\n    config: {workflow_path: inner.workflow.yaml}\n  - id: gone\n    type: WorkflowNode\n    config: {workflow_path: missing.yaml}\n';
    const links = documentLinks(featureDoc(text, uri), new Workspace());
    assert.deepEqual(
      links.map((l) => [textAt(text, l.range), l.target]),
      [['inner.workflow.yaml', pathToFileURL(join(dir, 'inner.workflow.yaml')).href]],
    );
  });

  it('gives clients that do not run the extension’s commands only lenses the server runs itself', () => {
    const lenses = codeLenses(featureDoc(FILE));
    assert.deepEqual(
      lenses.map((l) => [l.command!.command, l.range.start.line]),
      [
        [SERVER_COMMANDS.validate, 0],
        [SERVER_COMMANDS.graph, 0],
      ],
    );
  });

  it('puts run, validate and graph lenses on the file and run-to-node on each node for the extension', () => {
    const lenses = codeLenses(featureDoc(FILE), true);
    assert.deepEqual(
      lenses.map((l) => [l.command!.command, l.range.start.line]),
      [
        [COMMANDS.runWorkflow, 0],
        [COMMANDS.validate, 0],
        [COMMANDS.showGraph, 0],
        [COMMANDS.runToNode, 1],
        [COMMANDS.runToNode, 4],
        [COMMANDS.runToNode, 7],
      ],
    );
    assert.deepEqual(lenses[4]!.command!.arguments, [URI, 'save']);
  });

  it('gives a file of more than NODE_LENS_LIMIT nodes one run-to lens that asks for the node, in the server and the extension', () => {
    assert.equal(NODE_LENS_LIMIT, CLIENT_NODE_LENS_LIMIT);
    const many = (n: number) => 'nodes:\n' + Array.from({ length: n }, (_, i) => `  - id: n${i}\n    type: PythonCodeNode\n`).join('');
    const at = codeLenses(featureDoc(many(NODE_LENS_LIMIT)), true);
    assert.equal(at.filter((l) => l.command!.command === COMMANDS.runToNode).length, NODE_LENS_LIMIT);
    assert.equal(rerunLenses(parseWorkflow(many(NODE_LENS_LIMIT))).length, NODE_LENS_LIMIT);
    const over = codeLenses(featureDoc(many(NODE_LENS_LIMIT + 1)), true);
    const runTo = over.filter((l) => l.command!.command === COMMANDS.runToNode);
    assert.deepEqual(
      runTo.map((l) => [l.range.start.line, l.command!.arguments]),
      [[0, [URI]]],
    );
    assert.equal(over.length, 4);
    assert.deepEqual(rerunLenses(parseWorkflow(many(NODE_LENS_LIMIT + 1))), [{ offset: 0, title: 'Re-run from a node…' }]);
  });

  it('follows the kailash.codeLens.nodeLimit setting, 0 meaning no per-node lens, in the server and the extension', () => {
    const many = (n: number) => 'nodes:\n' + Array.from({ length: n }, (_, i) => `  - id: n${i}\n    type: PythonCodeNode\n`).join('');
    const runTo = (text: string, limit: number) =>
      codeLenses(featureDoc(text), true, limit)
        .filter((l) => l.command!.command === COMMANDS.runToNode)
        .map((l) => l.command!.arguments!.slice(1));
    assert.deepEqual(runTo(many(3), 3), [['n0'], ['n1'], ['n2']]);
    assert.deepEqual(runTo(many(3), 2), [[]]);
    assert.deepEqual(runTo(many(1), 0), [[]]);
    assert.equal(rerunLenses(parseWorkflow(many(3)), 3).length, 3);
    assert.deepEqual(rerunLenses(parseWorkflow(many(3)), 2), [{ offset: 0, title: 'Re-run from a node…' }]);
    assert.deepEqual(rerunLenses(parseWorkflow(many(1)), 0), [{ offset: 0, title: 'Re-run from a node…' }]);
    // A setting that is not a whole number ≥ 0 is the default.
    for (const bad of [-1, 2.5, '10', null, undefined]) assert.equal(readNodeLimit(bad), NODE_LENS_LIMIT);
    assert.equal(readNodeLimit(0), 0);
    assert.equal(readNodeLimit(5000), 5000);
  });

  it('marks node ids, node types, ports and templates', () => {
    const doc = featureDoc(FILE);
    const data = semanticTokens(doc).data;
    const tokens: [string, string][] = [];
    let line = 0;
    let char = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i]!;
      char = data[i]! === 0 ? char + data[i + 1]! : data[i + 1]!;
      const type = TOKEN_LEGEND.tokenTypes[data[i + 3]!]!;
      tokens.push([doc.lines.lineText(line).slice(char, char + data[i + 2]!), `${type}${data[i + 4] ? '.declaration' : ''}`]);
    }
    assert.deepEqual(tokens.slice(0, 6), [
      ['fetch', 'variable.declaration'],
      ['HTTPRequestNode', 'class'],
      ['${env:', 'macro'],
      ['HOST', 'parameter'],
      ['}', 'macro'],
      ['save', 'variable.declaration'],
    ]);
    assert.ok(tokens.some(([t, k]) => t === 'response.content' && k === 'property'));
    assert.ok(tokens.some(([t, k]) => t === 'save' && k === 'variable'));
    assert.ok(!tokens.some(([t]) => t.includes('result = 1')), 'code is not scanned for templates');
    const part = semanticTokens(doc, { start: { line: 10, character: 0 }, end: { line: 20, character: 0 } }).data;
    assert.ok(part.length > 0 && part.length < data.length);
  });

  it('answers a new version of the tokens with the one edit that turns the last into it', () => {
    const apply = (data: number[], edits: ReturnType<typeof tokenEdits>) => {
      const out = [...data];
      for (const e of [...edits].reverse()) out.splice(e.start, e.deleteCount, ...(e.data ?? []));
      return out;
    };
    const before = semanticTokens(featureDoc(FILE)).data;
    for (const after of [
      FILE.replace('id: save', 'id: store').replace('to_node: save', 'to_node: store'),
      FILE.replace('    type: PythonCodeNode\n', '    type: PythonCodeNode\n    retry: {max_attempts: 2}\n'),
      FILE.replace('  - from: "save"\n    to: log\n', ''),
      `# a comment\n${FILE}`,
      FILE,
    ]) {
      const next = semanticTokens(featureDoc(after)).data;
      const edits = tokenEdits(before, next);
      assert.deepEqual(apply(before, edits), next);
      for (const e of edits) assert.equal(e.start % 5, 0);
      assert.ok(edits.reduce((n, e) => n + (e.data?.length ?? 0), 0) < next.length || next.length === 0);
    }
    assert.deepEqual(tokenEdits(before, before), []);
    assert.deepEqual(apply([], tokenEdits([], before)), before);
    assert.deepEqual(apply(before, tokenEdits(before, [])), []);
  });
});
