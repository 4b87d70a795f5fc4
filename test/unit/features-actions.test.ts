import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CodeAction, TextEdit } from 'vscode-languageserver';
import { parseWorkflow } from '../../runtime/model/parse';
import { validateText } from '../../runtime/validate';
import { codeActions } from '../../server/features/actions';
import { applyEdits, featureDoc, lspDiagnostics, URI } from '../support/features';

/** The code actions offered at the first diagnostic with a code (with every diagnostic at that range, as editors send). */
function actionsFor(text: string, code: string): CodeAction[] {
  const doc = featureDoc(text);
  const diags = lspDiagnostics(doc).filter((d) => d.code === code);
  assert.ok(diags.length > 0, `no ${code} in:\n${text}`);
  const range = diags[0]!.range;
  return codeActions(
    doc,
    range,
    lspDiagnostics(doc).filter((d) => JSON.stringify(d.range) === JSON.stringify(range)),
  );
}

function applyAction(text: string, action: CodeAction): string {
  return applyEdits(text, action.edit!.changes![URI] as TextEdit[]);
}

/** Applies the action with this title (or the preferred one) and returns the new text. */
function fix(text: string, code: string, title?: string | RegExp): string {
  const actions = actionsFor(text, code);
  const action = actions.find((a) =>
    title === undefined ? a.isPreferred : typeof title === 'string' ? a.title === title : title.test(a.title),
  );
  assert.ok(action, `no action ${title ?? '(preferred)'} among: ${actions.map((a) => a.title).join(' | ')}`);
  return applyAction(text, action);
}

const codes = (text: string) => validateText(text).diagnostics.map((d) => d.code);

const TWO = (a: string, b = 'config: {file_path: out.json}') => `nodes:
  - id: fetch
    type: HTTPRequestNode
    ${a}
  - id: save
    type: JSONWriterNode
    ${b}
`;

describe('code actions: did-you-mean', () => {
  const cases: [string, string, string, string][] = [
    [
      'unknown-node-type',
      TWO('config: {url: x}').replace('type: HTTPRequestNode', 'type: HTTPRequestNod'),
      "Change to 'HTTPRequestNode'",
      'type: HTTPRequestNode\n',
    ],
    ['unknown-param', TWO('config: {url: x, timeuot: 3}'), "Change to 'timeout'", 'timeout: 3'],
    ['invalid-enum-value', TWO('config: {url: x, method: GTE}'), "Change to 'GET'", 'method: GET'],
    [
      'unknown-output',
      `${TWO('config: {url: x}')}connections:\n  - {from_node: fetch, from_output: response.contnet, to_node: save, to_input: data}\n`,
      "Change to 'content'",
      'from_output: response.content,',
    ],
    ['unknown-connection-node', `${TWO('config: {url: x}')}connections:\n  - {from: fetch, to: sav}\n`, "Change to 'save'", 'to: save}'],
    [
      'unknown-template-variable',
      `${TWO('config: {url: "https://x/${tokn}"}')}connections:\n  - {from_node: save, from_output: file_path, to_node: fetch, to_input: token}\n`,
      "Change to '${token}'",
      'https://x/${token}',
    ],
    ['schema', `${TWO('config: {url: x}')}conections: []\n`, "Change to 'connections'", '\nconnections: []'],
  ];
  for (const [code, text, title, expect] of cases) {
    it(`fixes ${code}`, () => {
      const fixed = fix(text, code, title);
      assert.ok(fixed.includes(expect), fixed);
      assert.ok(!codes(fixed).includes(code as never) || code === 'schema', `${code} is gone: ${codes(fixed).join()}`);
      assert.equal(actionsFor(text, code).find((a) => a.title === title)!.isPreferred, true);
    });
  }

  it('does not rewrite a port the file never wrote', () => {
    const text = `${TWO('config: {url: x}')}connections:\n  - {from: fetch, to: save}\n`;
    assert.ok(!actionsFor(text, 'unknown-output').some((a) => a.title.startsWith('Change to')));
  });
});

describe('code actions: missing required params', () => {
  it('adds them to a block config, a flow config, or a new config', () => {
    const block = fix('nodes:\n  - id: db\n    type: S3WriterNode\n    config:\n      bucket_name: b   # keep\n', 'missing-required-param');
    assert.equal(
      block,
      'nodes:\n  - id: db\n    type: S3WriterNode\n    config:\n      bucket_name: b   # keep\n      object_key: ""\n      content: ""\n',
    );
    const flow = fix('nodes:\n  - {id: w, type: JSONWriterNode, config: {indent: 2}}\n', 'missing-required-param');
    assert.equal(flow, 'nodes:\n  - {id: w, type: JSONWriterNode, config: {indent: 2, file_path: "", data: ""}}\n');
    const none = fix('nodes:\n  - id: r\n    type: JSONReaderNode\n    retry: {max_attempts: 2}\n', 'missing-required-param');
    assert.equal(none, 'nodes:\n  - id: r\n    type: JSONReaderNode\n    retry: {max_attempts: 2}\n    config:\n      file_path: ""\n');
    const empty = fix('nodes:\n  - id: r\n    type: JSONReaderNode\n    config:\n', 'missing-required-param');
    assert.equal(empty, 'nodes:\n  - id: r\n    type: JSONReaderNode\n    config:\n      file_path: ""\n');
    for (const t of [block, flow, none, empty]) assert.ok(!codes(t).includes('missing-required-param'), t);
  });

  it('offers each alternative of a one-of group', () => {
    const text = 'nodes:\n  - id: db\n    type: SQLDatabaseNode\n    config: {connection_string: "sqlite:///x.db"}\n';
    const titles = actionsFor(text, 'missing-required-param').map((a) => a.title);
    assert.ok(titles.includes("Add 'query'") && titles.includes("Add 'operations'"), titles.join());
    assert.ok(!codes(fix(text, 'missing-required-param', "Add 'query'")).includes('missing-required-param'));
  });
});

describe('code actions: secrets, disable comments, connection form', () => {
  it('moves a literal secret into ${secret:NAME}', () => {
    const block = fix(TWO('config:\n      url: x\n      auth_token: literal-token-value'), 'plaintext-secret');
    assert.match(block, /auth_token: \$\{secret:FETCH_AUTH_TOKEN\}\n/);
    const bearer = fix(TWO('config: {url: x, headers: {Authorization: Bearer abcdefghijkl}}'), 'plaintext-secret');
    assert.match(bearer, /headers: \{Authorization: "Bearer \$\{secret:FETCH_AUTHORIZATION\}"\}/);
    const url = fix(
      'nodes:\n  - id: db\n    type: SQLDatabaseNode\n    config:\n      connection_string: postgresql://app:hunter2@db/app\n      query: SELECT 1\n',
      'plaintext-secret',
    );
    assert.match(url, /connection_string: postgresql:\/\/app:\$\{secret:DB_CONNECTION_STRING\}@db\/app\n/);
    for (const t of [block, bearer, url]) {
      assert.ok(!codes(t).includes('plaintext-secret') && !codes(t).includes('yaml-syntax'), `${codes(t).join()}\n${t}`);
    }
  });

  it('silences a diagnostic with a disable comment, or adds the code to one above', () => {
    const text = TWO('config: {url: x, timeout: soon}');
    const silenced = fix(text, 'param-type', 'Disable param-type for this line');
    assert.match(silenced, /\n    # kailash-disable-next-line param-type\n    config: \{url: x, timeout: soon\}/);
    assert.ok(!codes(silenced).includes('param-type'));
    const both = fix(
      silenced.replace('timeout: soon', 'timeout: soon, methd: GET'),
      'unknown-param',
      'Disable unknown-param for this line',
    );
    assert.match(both, /# kailash-disable-next-line param-type unknown-param\n/);
    assert.ok(!codes(both).includes('param-type') && !codes(both).includes('unknown-param'));
  });

  it('converts a short connection to the full form (flow and block)', () => {
    const base = TWO('config: {url: x}', 'config: {file_path: out.json}');
    const flowText = `${base.replace('JSONWriterNode', 'PythonCodeNode').replace('{file_path: out.json}', '{code: "result = input"}')}connections:\n  - {from: fetch, to: save}\n`;
    const doc = featureDoc(flowText);
    const action = codeActions(doc, { start: { line: 8, character: 6 }, end: { line: 8, character: 6 } }, []).find(
      (a) => a.kind === 'refactor.rewrite',
    )!;
    assert.equal(action.title, 'Convert to the full connection form');
    const flow = applyAction(flowText, action);
    assert.match(flow, /- \{from_node: fetch, from_output: result, to_node: save, to_input: input\}/);
    const blockText = flowText.replace('  - {from: fetch, to: save}\n', '  - from: fetch\n    to: save\n    cycle: false\n');
    const bdoc = featureDoc(blockText);
    const block = applyAction(
      blockText,
      codeActions(bdoc, { start: { line: 9, character: 5 }, end: { line: 9, character: 5 } }, []).find(
        (a) => a.kind === 'refactor.rewrite',
      )!,
    );
    assert.match(block, /  - from_node: fetch\n    from_output: result\n    to_node: save\n    to_input: input\n    cycle: false\n/);
    for (const t of [flow, block]) {
      assert.equal(parseWorkflow(t).connections[0]!.form, 'full');
      assert.deepEqual(codes(t), codes(flowText));
    }
  });
});

describe('code actions: ranges come from the server’s own diagnostics', () => {
  // `name` holds non-ASCII text before the typo, so UTF-16 and byte columns differ on its line.
  const text = `name: "Café"\nnodes:\n  - {id: café, type: HTTPRequestNod, config: {url: x}}\n`;
  const unicode = `nodes:\n  - {id: fetch, name: "🚀 é", type: HTTPRequestNod, config: {url: x}}\n`;

  /** What Neovim 0.7 sends back: the diagnostic with byte columns, as it stores them. */
  function asBytes(doc: ReturnType<typeof featureDoc>, d: ReturnType<typeof lspDiagnostics>[number], keepData: boolean) {
    const col = (p: { line: number; character: number }) => ({
      line: p.line,
      character: Buffer.byteLength(doc.lines.lineText(p.line).slice(0, p.character)),
    });
    const { data, ...rest } = d;
    return { ...rest, ...(keepData ? { data } : {}), range: { start: col(d.range.start), end: col(d.range.end) } };
  }

  for (const keepData of [true, false]) {
    it(`applies a did-you-mean over the right characters when the client sends byte columns${keepData ? '' : ' and drops data'}`, () => {
      for (const source of [text, unicode]) {
        const doc = featureDoc(source);
        const d = lspDiagnostics(doc).find((x) => x.code === 'unknown-node-type')!;
        const sent = asBytes(doc, d, keepData);
        assert.notDeepEqual(sent.range, d.range, 'the fixture must put non-ASCII text before the diagnostic');
        const action = codeActions(doc, sent.range, [sent]).find((a) => a.title === "Change to 'HTTPRequestNode'")!;
        assert.ok(action, 'the fix is offered');
        const fixed = applyAction(source, action);
        assert.equal(fixed, source.replace('HTTPRequestNod', 'HTTPRequestNode'));
      }
    });
  }

  it('offers nothing for a diagnostic the server no longer has', () => {
    const doc = featureDoc(unicode);
    const d = lspDiagnostics(doc).find((x) => x.code === 'unknown-node-type')!;
    const stale = { ...d, data: { span: [d.range.start.character + 100, d.range.end.character + 100] } };
    assert.deepEqual(
      codeActions(doc, d.range, [stale]).filter((a) => a.kind === 'quickfix'),
      [],
    );
  });
});
