import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CodeAction, TextEdit } from 'vscode-languageserver';
import { toPlain } from '../../runtime/model/values';
import { parseWorkflow } from '../../runtime/model/parse';
import { validateText } from '../../runtime/validate';
import { codeActions } from '../../server/features/actions';
import { complete } from '../../server/features/completion';
import { applyEdits, featureDoc, lspDiagnostics } from '../support/features';
import { cursor } from '../support/markers';

const JSON_URI = 'file:///project/demo.workflow.json';
const FILE = `{
  "nodes": [
    {"id": "fetch", "type": "HTTPRequestNode", "config": {"url": "https://example.com"}},
    {"id": "save", "type": "JSONWriterNode", "config": {"file_path": "out.json"}}
  ],
  "connections": [{"from_node": "fetch", "from_output": "response.content", "to_node": "save", "to_input": "data"}]
}
`;
const codes = (text: string) => validateText(text, {}, 'json').diagnostics.map((d) => d.code);

function actions(text: string, code: string): CodeAction[] {
  const doc = featureDoc(text, JSON_URI);
  const d = lspDiagnostics(doc).find((x) => x.code === code);
  assert.ok(d, `no ${code}: ${codes(text).join()}`);
  return codeActions(doc, d.range, [d]);
}
const apply = (text: string, a: CodeAction) => applyEdits(text, a.edit!.changes![JSON_URI] as TextEdit[]);

describe('.workflow.json: strict JSON into the same model', () => {
  it('reads valid JSON as the YAML reader reads it', () => {
    assert.deepEqual(codes(FILE), []);
    const json = parseWorkflow(FILE, 'json');
    const yaml = parseWorkflow(FILE, 'yaml');
    assert.deepEqual(toPlain(json.root), toPlain(yaml.root));
    assert.deepEqual([...json.nodesById.keys()], ['fetch', 'save']);
    assert.deepEqual(
      json.connections.map((c) => [c.from?.value, c.fromOutput.value, c.to?.value, c.toInput.value]),
      [['fetch', 'response.content', 'save', 'data']],
    );
    assert.equal(json.format, 'json');
  });

  const broken: [string, string][] = [
    ['a comment', FILE.replace('"nodes"', '// the nodes\n  "nodes"')],
    ['single quotes', FILE.replace('"save",', "'save',")],
    ['an unquoted key', FILE.replace('"nodes"', 'nodes')],
    ['a trailing comma in an array', FILE.replace('}}\n  ],', '}},\n  ],')],
    ['a trailing comma in an object', FILE.replace('"to_input": "data"}', '"to_input": "data",}')],
  ];
  for (const [what, text] of broken) {
    it(`reports ${what} as a yaml-syntax error that says JSON (YAML would accept it)`, () => {
      assert.ok(!validateText(text, {}, 'yaml').diagnostics.some((d) => d.code === 'yaml-syntax'), 'YAML reads it');
      const syntax = validateText(text, {}, 'json').diagnostics.filter((d) => d.code === 'yaml-syntax');
      assert.ok(syntax.length > 0, what);
      for (const d of syntax) assert.match(d.message, /^JSON: /);
    });
  }
});

describe('.workflow.json: fixes and completion write valid JSON', () => {
  it('keeps the quotes of a did-you-mean replacement', () => {
    const text = FILE.replace('"HTTPRequestNode"', '"HTTPRequestNod"');
    const fixed = apply(
      text,
      actions(text, 'unknown-node-type').find((a) => a.isPreferred)!,
    );
    assert.equal(fixed, FILE);
    JSON.parse(fixed);
  });

  it('offers no comment directive (JSON has no comments)', () => {
    const text = FILE.replace('"HTTPRequestNode"', '"HTTPRequestNod"');
    assert.deepEqual(
      actions(text, 'unknown-node-type').filter((a) => /^Disable/.test(a.title)),
      [],
    );
    // A directive inside a string silences nothing.
    const inString = text.replace('"id": "fetch",', '"id": "fetch", "description": "# kailash-disable-next-line",');
    assert.ok(codes(inString).includes('unknown-node-type'));
  });

  it('adds missing required params as JSON', () => {
    const text = FILE.replace('"config": {"url": "https://example.com"}', '"config": {}');
    const fixed = apply(
      text,
      actions(text, 'missing-required-param').find((a) => a.isPreferred)!,
    );
    assert.deepEqual(JSON.parse(fixed).nodes[0].config, { url: '' });
    const none = FILE.replace(', "config": {"url": "https://example.com"}', '');
    const added = apply(
      none,
      actions(none, 'missing-required-param').find((a) => a.isPreferred)!,
    );
    assert.deepEqual(JSON.parse(added).nodes[0].config, { url: '' });
  });

  it('rewrites a short connection in the full form as JSON', () => {
    const text = FILE.replace(
      '{"from_node": "fetch", "from_output": "response.content", "to_node": "save", "to_input": "data"}',
      '{"from": "fetch", "to": "save"}',
    );
    const doc = featureDoc(text, JSON_URI);
    const at = doc.lines.position(text.indexOf('"from"') + 2);
    const action = codeActions(doc, { start: at, end: at }, []).find((a) => a.kind === 'refactor.rewrite')!;
    assert.deepEqual(JSON.parse(apply(text, action)).connections[0], {
      from_node: 'fetch',
      from_output: 'result',
      to_node: 'save',
      to_input: 'input',
    });
  });

  function accept(fixture: string, label: string): string {
    const { text, offset } = cursor(fixture);
    const doc = featureDoc(text, JSON_URI);
    const item = complete(doc, doc.lines.position(offset)).items.find((i) => i.label === label);
    assert.ok(item, `no ${label}`);
    return applyEdits(text, [item.textEdit as TextEdit]);
  }

  it('completes keys as `"name": `, inside a half-typed quoted key or where a key may start', () => {
    const multi = `{
  "nodes": [
    {
      "id": "fetch",
      "type": "HTTPRequestNode",
      "config": {
        "url": "https://example.com",
        KEY
      }
    }
  ]
}
`;
    const typed = accept(multi.replace('KEY', '"met|"'), 'method');
    assert.equal(typed, multi.replace('KEY', '"method": '));
    JSON.parse(typed.replace('"method": ', '"method": "GET"'));
    const fresh = accept(multi.replace('KEY', '|'), 'timeout');
    assert.equal(fresh, multi.replace('KEY', '"timeout": '));
    const { text, offset } = cursor(multi.replace('KEY', '"|"'));
    const doc = featureDoc(text, JSON_URI);
    const labels = complete(doc, doc.lines.position(offset)).items.map((i) => i.label);
    assert.ok(labels.includes('method') && !labels.includes('url'), labels.join());
    const node = accept(FILE.replace('"id": "fetch",', '"id": "fetch", "ti|",'), 'timeout');
    assert.match(node, /"id": "fetch", "timeout": ,/);
  });

  it('completes values inside and outside quotes as JSON strings, and offers no YAML keys', () => {
    assert.equal(accept(FILE.replace('"HTTPRequestNode"', '"HTTPReq|"'), 'HTTPRequestNode'), FILE);
    assert.equal(accept(FILE.replace('"HTTPRequestNode"', '|'), 'HTTPRequestNode'), FILE);
    assert.equal(accept(FILE.replace('"response.content"', '"response.|"'), 'content'), FILE);
    const { text, offset } = cursor(FILE.replace('{"url"', '{|"url"'));
    const doc = featureDoc(text, JSON_URI);
    for (const item of complete(doc, doc.lines.position(offset)).items) JSON.parse(applyEdits(text, [item.textEdit as TextEdit]));
  });
});
