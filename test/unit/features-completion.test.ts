import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CompletionItem, TextEdit } from 'vscode-languageserver';
import { allSpecs, getSpec } from '../../runtime/catalog';
import { POLICIES } from '../../runtime/catalog/policies';
import { validateText } from '../../runtime/validate';
import { complete } from '../../server/features/completion';
import { applyEdits, at, expandSnippet } from '../support/features';

function items(fixture: string): CompletionItem[] {
  const { doc, position } = at(fixture);
  return complete(doc, position).items;
}
const labels = (fixture: string) => items(fixture).map((i) => i.label);
const byLabel = (list: CompletionItem[], label: string) => list.find((i) => i.label === label)!;
const newText = (i: CompletionItem) => (i.textEdit && 'newText' in i.textEdit ? i.textEdit.newText : i.insertText);
const sorted = (list: CompletionItem[]) =>
  [...list].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label)).map((i) => i.label);

/** Two connected nodes; fixtures put the cursor somewhere in a variant of this. */
const BASE = `nodes:
  - id: fetch
    type: HTTPRequestNode
    config:
      url: https://api.example.com/users
  - id: save
    type: JSONWriterNode
    config: {file_path: out.json}
`;

describe('completion: node types', () => {
  it('offers every node type at `type:`, by category, each with its summary and docs', () => {
    const list = items('nodes:\n  - id: a\n    type: |\n');
    assert.equal(list.length, allSpecs.length);
    const http = byLabel(list, 'HTTPRequestNode');
    assert.equal(newText(http), 'HTTPRequestNode');
    assert.match(http.detail!, /^api: /);
    assert.match((http.documentation as { value: string }).value, /\*\*Parameters\*\*[\s\S]*`url` \*/);
    const order = sorted(list).map((l) => getSpec(String(l))!.category);
    assert.deepEqual(
      order,
      [...order].sort((a, b) => order.indexOf(a) - order.indexOf(b)),
      'grouped by category',
    );
    assert.equal(order[0], 'api');
  });

  it('replaces the partial type name under the cursor', () => {
    const { doc, position } = at('nodes:\n  - id: a\n    type: HTTPReq|uestNod\n');
    const http = complete(doc, position).items.find((i) => i.label === 'HTTPRequestNode')!;
    assert.equal(applyEdits(doc.text, [http.textEdit as never]), 'nodes:\n  - id: a\n    type: HTTPRequestNode\n');
  });

  it('inserts a whole node with its required params as a new list item', () => {
    const fixture = `${BASE}  - |\n`;
    const { doc, position } = at(fixture);
    const item = complete(doc, position).items.find((i) => i.label === 'SQLDatabaseNode')!;
    assert.equal(item.insertTextFormat, 2);
    const text = applyEdits(doc.text, [{ range: (item.textEdit as TextEdit).range, newText: expandSnippet(newText(item)!) }]);
    assert.match(text, /  - id: sql_database_1\n    type: SQLDatabaseNode\n    config:\n      connection_string: \n/);
    const codes = validateText(text).diagnostics.map((d) => d.code);
    assert.ok(!codes.includes('yaml-syntax') && !codes.includes('schema'), codes.join());
  });

  it('adds the `- ` of a new item when the cursor sits at the list indentation', () => {
    const { doc, position } = at(`${BASE}  |\n`);
    const item = complete(doc, position).items.find((i) => i.label === 'JSONReaderNode')!;
    assert.match(newText(item)!, /^- id: \$\{1:json_reader_1\}\n    type: JSONReaderNode\n    config:\n      file_path: /);
  });
});

describe('completion: keys', () => {
  it('offers config keys of the node type not yet present, required first, with type and docs', () => {
    const list = items(BASE.replace('      url: https://api.example.com/users\n', '      url: https://api.example.com/users\n      |\n'));
    const names = list.map((i) => i.label);
    assert.ok(!names.includes('url'), 'url is already there');
    assert.ok(names.includes('method') && names.includes('headers'));
    const method = byLabel(list, 'method');
    assert.match(method.detail!, /^str = "GET"/);
    assert.match(newText(method)!, /^method: \$\{1\|GET,POST/);
    const spec = getSpec('HTTPRequestNode')!;
    assert.equal(names.length, Object.keys(spec.params).length - 1);
  });

  it('offers node keys and policies on a node, top-level keys at the top', () => {
    const nodeKeys = labels('nodes:\n  - id: a\n    type: HTTPRequestNode\n    |\n');
    assert.deepEqual(nodeKeys.sort(), ['circuit_breaker', 'config', 'on_error', 'parameters', 'rate_limit', 'retry', 'timeout']);
    const top = labels(`${BASE}|`);
    assert.deepEqual(top.sort(), ['author', 'connections', 'description', 'metadata', 'name', 'parameters', 'version']);
  });

  it('fills `config:` with the type’s required params', () => {
    const config = byLabel(items('nodes:\n  - id: a\n    type: S3WriterNode\n    |\n'), 'config');
    assert.equal(expandSnippet(newText(config)!), 'config:\n      bucket_name: \n      object_key: \n      content: ');
  });

  it('offers policy settings and their values', () => {
    assert.deepEqual(
      labels('nodes:\n  - id: a\n    type: HTTPRequestNode\n    retry:\n      |\n').sort(),
      Object.keys(POLICIES.retry.fields!).sort(),
    );
    assert.deepEqual(labels('nodes:\n  - id: a\n    type: HTTPRequestNode\n    retry:\n      strategy: |\n'), [
      'exponential',
      'linear',
      'fixed',
    ]);
    assert.deepEqual(labels('nodes:\n  - id: a\n    type: HTTPRequestNode\n    on_error: |\n'), ['stop', 'continue']);
    assert.deepEqual(labels('nodes:\n  - id: a\n    type: HTTPRequestNode\n    retry: {max_attempts: 2, |}\n').sort(), [
      'base_delay',
      'jitter',
      'max_delay',
      'strategy',
    ]);
  });

  it('offers connection keys of the connection’s form first', () => {
    const list = items(`${BASE}connections:\n  - from_node: fetch\n    |\n`);
    const first = sorted(list).slice(0, 3);
    assert.deepEqual(first.sort(), ['from_output', 'to_input', 'to_node']);
    assert.ok(!list.some((i) => i.label === 'from_node'));
  });

  it('offers node ids and then their params in the top-level `parameters` block', () => {
    assert.deepEqual(labels(`${BASE}parameters:\n  |\n`).sort(), ['fetch', 'save']);
    const params = labels(`${BASE}parameters:\n  fetch:\n    |\n`);
    assert.ok(params.includes('url') && params.includes('timeout'));
  });

  it('works in the mapping form of `nodes`', () => {
    const list = labels('nodes:\n  fetch:\n    type: HTTPRequestNode\n    config:\n      |\n');
    assert.ok(list.includes('url') && list.includes('method'));
    assert.ok(labels('nodes:\n  fetch:\n    type: |\n').includes('HTTPRequestNode'));
  });
});

describe('completion: values', () => {
  it('offers enum values and booleans of a param', () => {
    assert.deepEqual(labels(BASE.replace('      url:', '      method: |\n      url:')), [
      'GET',
      'POST',
      'PUT',
      'PATCH',
      'DELETE',
      'HEAD',
      'OPTIONS',
    ]);
    assert.deepEqual(labels(BASE.replace('      url:', '      verify_ssl: |\n      url:')), ['true', 'false']);
    assert.deepEqual(labels(`${BASE}connections:\n  - {from: fetch, to: save, cycle: |}\n`), ['true', 'false']);
  });

  it('offers node ids in from_node, to_node, from and to (block and flow)', () => {
    for (const fixture of [
      `${BASE}connections:\n  - from_node: |\n`,
      `${BASE}connections:\n  - from_node: fetch\n    to_node: |\n`,
      `${BASE}connections:\n  - {from: |}\n`,
      `${BASE}connections:\n  - {from: fetch, to: s|}\n`,
    ]) {
      const list = items(fixture);
      assert.deepEqual(
        list.map((i) => i.label),
        ['fetch', 'save'],
        fixture,
      );
      assert.equal(byLabel(list, 'fetch').detail, 'HTTPRequestNode');
    }
  });

  it('offers the source node’s outputs in from_output, walking declared nested fields', () => {
    const top = items(`${BASE}connections:\n  - {from_node: fetch, from_output: |, to_node: save, to_input: data}\n`);
    assert.deepEqual(
      top.map((i) => i.label),
      Object.keys(getSpec('HTTPRequestNode')!.outputs),
    );
    const nested = labels(`${BASE}connections:\n  - {from_node: fetch, from_output: response.|, to_node: save, to_input: data}\n`);
    assert.ok(nested.includes('content') && nested.includes('status_code'), nested.join());
  });

  /** The text after accepting `label` at the cursor, as a client that applies the textEdit does. */
  function accept(fixture: string, label: string): string {
    const { doc, position } = at(fixture);
    const item = complete(doc, position).items.find((i) => i.label === label);
    assert.ok(item, `no ${label}`);
    assert.equal(item.filterText, undefined, 'the label is what the segment is filtered by');
    const edit = item.textEdit as TextEdit;
    // What Neovim and Emacs filter by: the text the edit replaces, up to the cursor, must prefix the label.
    const typed = doc.text.slice(
      doc.lines.offset(edit.range.start.line, edit.range.start.character),
      doc.lines.offset(position.line, position.character),
    );
    assert.ok(label.startsWith(typed), `'${typed}' does not prefix '${label}'`);
    return applyEdits(doc.text, [edit]);
  }

  it('completes the segment after the last dot over exactly that segment', () => {
    const block = (v: string) =>
      `${BASE}connections:\n  - from_node: fetch\n    from_output: ${v}\n    to_node: save\n    to_input: data\n`;
    const flow = (v: string) => `${BASE}connections:\n  - {from_node: fetch, from_output: ${v}, to_node: save, to_input: data}\n`;
    for (const wrap of [block, flow]) {
      assert.equal(accept(wrap('response.|'), 'content'), wrap('response.content').replace('|', ''));
      assert.equal(accept(wrap('response.con|'), 'content'), wrap('response.content'));
      assert.equal(accept(wrap('response.con|tnet'), 'content'), wrap('response.content'));
      assert.equal(accept(wrap('resp|.content'), 'response'), wrap('response.content'));
      assert.equal(accept(wrap('|'), 'response'), wrap('response'));
    }
    assert.equal(accept(block('"response.|"'), 'content'), block('"response.content"'));
    const crlf = block('response.|').replace(/\n/g, '\r\n');
    assert.equal(accept(crlf, 'content'), block('response.content').replace(/\n/g, '\r\n'));
    const { doc, position } = at(block('response.|'));
    const edit = complete(doc, position).items[0]!.textEdit as TextEdit;
    assert.deepEqual(edit.range, { start: position, end: position }, 'zero-width at the cursor after a trailing dot');
  });

  it('offers a SwitchNode’s case outputs from its config', () => {
    const text = `nodes:
  - id: route
    type: SwitchNode
    config: {condition_field: status, cases: [active, on-hold]}
  - id: save
    type: JSONWriterNode
    config: {file_path: out.json}
connections:
  - {from_node: route, from_output: |, to_node: save, to_input: data}
`;
    const names = labels(text);
    assert.ok(names.includes('case_active') && names.includes('case_on_hold'), names.join());
  });

  it('offers the target’s inputs in to_input, type-compatible first and incompatible marked', () => {
    const list = items(
      `${BASE}connections:\n  - from_node: fetch\n    from_output: response.status_code\n    to_node: save\n    to_input: |\n`,
    );
    const data = byLabel(list, 'data');
    const path = byLabel(list, 'file_path');
    assert.equal(data.labelDetails, undefined, 'int → Any is fine');
    assert.match(path.labelDetails!.description!, /converted/);
    const dict = items(
      `${BASE}connections:\n  - from_node: fetch\n    from_output: response.headers\n    to_node: save\n    to_input: |\n`,
    );
    const indent = byLabel(dict, 'indent');
    assert.match(indent.labelDetails!.description!, /⚠ incompatible: dict → int/);
    assert.equal(sorted(dict)[sorted(dict).length - 1], 'indent', 'incompatible last');
    assert.equal(sorted(dict)[0], 'data');
  });
});

describe('completion: JSON files', () => {
  it('completes values after quoted keys, on one line or many', () => {
    const oneLine = '{"nodes": [{"id": "a", "type": "HTTPRequestNode", "config": {"url": "x", "method": "|"}}]}';
    assert.deepEqual(labels(oneLine).slice(0, 2), ['GET', 'POST']);
    const many = '{\n  "nodes": [\n    {\n      "id": "a",\n      "type": "JSONRead|"\n    }\n  ]\n}\n';
    const item = items(many).find((i) => i.label === 'JSONReaderNode')!;
    assert.equal(newText(item), 'JSONReaderNode');
  });
});

describe('completion: templates', () => {
  const fixture = (value: string) =>
    `nodes:
  - id: login
    type: HTTPRequestNode
    config: {url: "\${env:AUTH_URL}/login", headers: {Authorization: "Bearer \${secret:API_TOKEN}"}}
  - id: fetch
    type: HTTPRequestNode
    config:
      url: ${value}
connections:
  - {from_node: login, from_output: response.content, to_node: fetch, to_input: token}
`;

  it('offers env:, secret: and the node’s inputs after `${`', () => {
    const list = items(fixture('"https://x/${|}"'));
    assert.deepEqual(
      list.map((i) => i.label),
      ['env:', 'secret:', 'token'],
    );
    assert.equal(newText(byLabel(list, 'token')), 'token', 'the closing brace is already there');
  });

  it('offers names already used with the same prefix, closing the template', () => {
    assert.deepEqual(
      items(fixture('"https://x/${env:|"')).map((i) => [i.label, newText(i)]),
      [['AUTH_URL', 'env:AUTH_URL}']],
    );
    assert.deepEqual(labels(fixture('"${secret:A|}"')), ['API_TOKEN']);
  });
});
