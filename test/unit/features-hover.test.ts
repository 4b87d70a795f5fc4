import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hover } from '../../server/features/hover';
import { getSpec } from '../../runtime/catalog';
import { at } from '../support/features';

function hoverText(fixture: string): string | undefined {
  const { doc, position } = at(fixture);
  const h = hover(doc, position);
  return h ? (h.contents as { value: string }).value : undefined;
}

const FILE = `nodes:
  - id: fetch
    type: HTTP|RequestNode
    config:
      url: https://api.example.com/users
      timeout: 30
    retry: {max_attempts: 3}
  - id: save
    type: JSONWriterNode
    config: {file_path: out.json}
connections:
  - {from_node: fetch, from_output: response.headers, to_node: save, to_input: indent}
`;

/** FILE with the cursor at the `^` of a marker instead. */
function move(marker: string): string {
  const base = FILE.replace('|', '');
  const i = base.indexOf(marker.replace('^', '')) + marker.indexOf('^');
  return `${base.slice(0, i)}|${base.slice(i)}`;
}

describe('hover', () => {
  it('on a dotted output describes the segment under the cursor, over that segment', () => {
    const base = FILE.replace('|', '').replace('response.headers', 'response.content');
    const i = base.indexOf('response.content') + 'response.conte'.length;
    const { doc, position } = at(`${base.slice(0, i)}|${base.slice(i)}`);
    const h = hover(doc, position)!;
    const text = (h.contents as { value: string }).value;
    const content = (getSpec('HTTPRequestNode')!.outputs.response as { fields?: Record<string, { description?: string }> }).fields!
      .content!;
    assert.match(text, /^\*\*fetch.response.content\*\*: `/);
    assert.ok(content.description && text.includes(content.description), text);
    const start = doc.text.indexOf('response.content') + 'response.'.length;
    assert.deepEqual(h.range, doc.lines.range([start, start + 'content'.length]));
  });

  it('shows a node type’s docs with its params and outputs', () => {
    const text = hoverText(FILE)!;
    assert.match(text, /^\*\*HTTPRequestNode\*\* — api/);
    assert.match(text, /\| `url` \* \| `str` \|/);
    assert.match(text, /\*\*Outputs\*\*[\s\S]*\| `response` \| `dict` \|/);
  });

  it('shows a param’s type, default and description', () => {
    const text = hoverText(move('tim^eout: 30'))!;
    assert.match(text, /^\*\*timeout\*\*: `int` — default `30`\n\nRequest timeout in seconds/);
    assert.match(hoverText(move('u^rl:'))!, /^\*\*url\*\*: `str` \(required\)/);
  });

  it('shows a policy and its settings', () => {
    assert.match(hoverText(move('ret^ry:'))!, /^\*\*retry\*\* — Retry the node/);
    assert.match(hoverText(move('max_att^empts'))!, /^\*\*retry.max_attempts\*\*: `int` — default `3`/);
  });

  it('shows on a connection `source type → target type` and the verdict', () => {
    const text = hoverText(move('to_in^put'))!;
    assert.match(text, /`fetch.response.headers \(dict\) → save.indent \(int\)`: type mismatch \(error\)/);
    const output = hoverText(move('response.hea^ders'))!;
    assert.match(output, /^\*\*fetch.response.headers\*\*: `dict`/);
    const head = hoverText(move('respo^nse.headers'))!;
    assert.match(head, /^\*\*fetch.response\*\*: `dict`/);
    assert.notEqual(head.split('\n')[0], output.split('\n')[0], 'each segment describes itself');
    assert.match(hoverText(move('to_node: sa^ve'))!, /^Node \*\*save\*\*: `JSONWriterNode`/);
  });

  it('shows what a node id refers to and what top-level keys mean', () => {
    assert.match(hoverText(move('id: fe^tch'))!, /^Node \*\*fetch\*\*: `HTTPRequestNode` — /);
    assert.match(hoverText(move('no^des:'))!, /^\*\*nodes\*\* — A list of/);
    assert.equal(hoverText(FILE.replace('|', '') + '# a comm|ent\n'), undefined);
  });
});
