import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allSpecs, getSpec } from '../../runtime/catalog';
import { POLICIES } from '../../runtime/catalog/policies';
import type { ParamSpec, TypeSpec } from '../../runtime/catalog/types';
import { checkLiteral } from '../../runtime/catalog/typing';
import { validateText } from '../../runtime/validate';

const KAILASH = [
  'HTTPRequestNode',
  'AsyncHTTPRequestNode',
  'RESTClientNode',
  'GraphQLClientNode',
  'OAuth2Node',
  'SQLDatabaseNode',
  'AsyncSQLDatabaseNode',
  'DirectoryReaderNode',
  'CSVReaderNode',
  'CSVWriterNode',
  'JSONReaderNode',
  'JSONWriterNode',
  'TextReaderNode',
  'TextWriterNode',
  'PythonCodeNode',
  'SwitchNode',
  'MergeNode',
  'WorkflowNode',
  'LLMAgentNode',
];
const OURS = [
  'JWTAuthNode',
  'WebhookVerifyNode',
  'WebSocketNode',
  'SlackNotificationNode',
  'EmailSenderNode',
  'ServiceDiscoveryNode',
  'KafkaProducerNode',
  'KafkaConsumerNode',
  'S3ReaderNode',
  'S3WriterNode',
  'LDAPAuthNode',
  'JavaScriptCodeNode',
];

function checkType(where: string, t: TypeSpec): void {
  assert.ok(['str', 'int', 'float', 'bool', 'list', 'dict', 'Any'].includes(t.type), `${where}: type ${t.type}`);
  if (t.fields) {
    assert.equal(t.type, 'dict', `${where}: fields on a non-dict`);
    for (const [k, f] of Object.entries(t.fields)) checkType(`${where}.${k}`, f);
  }
  if (t.items) {
    assert.equal(t.type, 'list', `${where}: items on a non-list`);
    checkType(`${where}[]`, t.items);
  }
}

function checkParam(where: string, p: ParamSpec): void {
  checkType(where, p);
  assert.ok(p.description.length > 0, `${where}: no description`);
  if (p.default !== undefined && p.default !== null) {
    assert.equal(checkLiteral(p.default, p).verdict, 'ok', `${where}: default ${JSON.stringify(p.default)} is not a ${p.type}`);
    if (p.enum) assert.ok(p.enum.includes(p.default as string), `${where}: default not in enum`);
  }
  assert.ok(!(p.required && p.default !== undefined), `${where}: required with a default is not required`);
}

describe('node catalog', () => {
  it('has every node type the issue names, with the right origin', () => {
    for (const t of KAILASH) assert.equal(getSpec(t)?.origin, 'kailash', t);
    for (const t of OURS) assert.equal(getSpec(t)?.origin, 'ours', t);
    assert.equal(new Set(allSpecs.map((s) => s.type)).size, allSpecs.length, 'duplicate type');
  });

  it('mirrors Kailash facts exactly (spot checks against the SDK get_parameters() tables)', () => {
    const http = getSpec('HTTPRequestNode')!;
    assert.deepEqual(Object.keys(http.outputs).slice(0, 3), ['response', 'status_code', 'success']);
    assert.equal(http.params.method!.default, 'GET');
    assert.equal(http.params.timeout!.default, 30);
    assert.equal(http.params.retry_backoff!.default, 0.5);
    assert.equal(http.params.api_key_header!.default, 'X-API-Key');
    assert.deepEqual(Object.keys(http.outputs.response!.fields!), [
      'status_code',
      'headers',
      'content_type',
      'content',
      'response_time_ms',
      'url',
    ]);
    assert.deepEqual(Object.keys(getSpec('CSVReaderNode')!.params), ['file_path', 'headers', 'delimiter', 'index_column']);
    assert.deepEqual(Object.keys(getSpec('SQLDatabaseNode')!.outputs).slice(0, 4), ['data', 'row_count', 'columns', 'execution_time']);
    assert.deepEqual(Object.keys(getSpec('AsyncSQLDatabaseNode')!.outputs), ['result']);
    assert.equal(getSpec('AsyncSQLDatabaseNode')!.params.fetch_mode!.default, 'all');
    assert.deepEqual(Object.keys(getSpec('MergeNode')!.outputs), ['merged_data']);
    assert.equal(getSpec('SwitchNode')!.params.case_prefix!.default, 'case_');
    assert.deepEqual(Object.keys(getSpec('TextReaderNode')!.outputs), ['text']);
  });

  it('declares well-formed params, outputs and policies', () => {
    for (const s of allSpecs) {
      assert.ok(s.summary && !s.summary.includes('\n'), `${s.type}: summary`);
      for (const [k, p] of Object.entries(s.params)) checkParam(`${s.type}.${k}`, p);
      for (const [k, o] of Object.entries(s.outputs)) checkType(`${s.type} output ${k}`, o);
      for (const group of s.requireOneOf ?? [])
        for (const k of group) assert.ok(s.params[k], `${s.type}: requireOneOf names unknown '${k}'`);
    }
    for (const [k, policy] of Object.entries(POLICIES)) {
      if (policy.value) checkParam(k, policy.value);
      for (const [f, p] of Object.entries(policy.fields ?? {})) checkParam(`${k}.${f}`, p);
    }
  });

  it('SwitchNode outputs follow its cases', () => {
    const outs = getSpec('SwitchNode')!.outputsFor!({ cases: ['a b', 'x-y.z', 3], case_prefix: 'is_', default_field: 'other' });
    assert.deepEqual(Object.keys(outs).sort(), ['is_3', 'is_a_b', 'is_x_y_z', 'other']);
    assert.deepEqual(getSpec('SwitchNode')!.outputsFor!({ cases: 'nope' }), {});
  });

  it("each node's docs example uses only real params with well-typed values", () => {
    for (const s of allSpecs) {
      const m = /```yaml\n([\s\S]*?)```/.exec(s.docs);
      assert.ok(m, `${s.type}: docs have no yaml example`);
      const { diagnostics } = validateText(m[1]!);
      const bad = diagnostics.filter((d) =>
        ['yaml-syntax', 'schema', 'unknown-node-type', 'unknown-param', 'param-type', 'invalid-enum-value', 'plaintext-secret'].includes(
          d.code,
        ),
      );
      assert.deepEqual(
        bad.map((d) => `${d.code}: ${d.message}`),
        [],
        s.type,
      );
    }
  });
});
