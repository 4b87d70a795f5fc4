import { CompletionItemKind, type CompletionItem, type CompletionList, type Position } from 'vscode-languageserver';
import { getSpec } from '../../runtime/catalog';
import { outputsOf } from '../../runtime/catalog/typing';
import type { Diagnostic } from '../../runtime/diagnostics';
import { formatOf } from '../../runtime/model/json';
import { LineIndex } from '../../runtime/model/lines';
import type { WorkflowModel } from '../../runtime/model/types';
import { toPlain } from '../../runtime/model/values';
import { checkTestFile, type TestFiles } from '../../runtime/testing/check';
import {
  ASSERTION_KEYS,
  CASE_KEYS,
  FILE_KEYS,
  NODE_STATUSES,
  RUN_STATUSES,
  parseTestFile,
  type TestFileModel,
} from '../../runtime/testing/format';
import { cursorContext } from './cursor';
import type { PathSegment } from './locate';
import type { FeatureDoc } from './types';

/** One version of an open test file (`*.workflow.test.yaml`), as its features see it. */
export interface TestDoc {
  uri: string;
  text: string;
  model: TestFileModel;
  lines: LineIndex;
}

export function testDoc(uri: string, text: string): TestDoc {
  return { uri, text, model: parseTestFile(text, formatOf(uri)), lines: new LineIndex(text) };
}

/** The test file's diagnostics: its shape, then what it says about the workflow it names. */
export function testDiagnostics(doc: TestDoc, files: TestFiles): Diagnostic[] {
  return checkTestFile(doc.model, files).diagnostics;
}

/** The workflow a test file names, if it can be read (completion offers its node ids). */
export function testedWorkflow(doc: TestDoc, files: TestFiles): WorkflowModel | undefined {
  return doc.model.workflow ? files.workflow(doc.model.workflow.value) : undefined;
}

const EMPTY: CompletionList = { isIncomplete: false, items: [] };

/**
 * Completion in a test file: its keys, node ids under `pins` and `expect`, a node's declared
 * output keys inside its pin and in `path:`, and statuses.
 */
export function testCompletion(doc: TestDoc, position: Position, workflow: WorkflowModel | undefined): CompletionList {
  const offset = doc.lines.offset(position.line, position.character);
  // The cursor reader works on any span-carrying mapping: give it the test file's.
  const asFeature = { uri: doc.uri, text: doc.text, lines: doc.lines, model: { root: doc.model.root } as WorkflowModel } as FeatureDoc;
  const ctx = cursorContext(asFeature, offset);
  if (!ctx || ctx.kind === 'template') return EMPTY;
  const range = { start: doc.lines.position(ctx.start), end: doc.lines.position(ctx.end) };
  const item = (label: string, kind: CompletionItemKind, detail?: string, asKey = ctx.kind === 'key'): CompletionItem => ({
    label,
    kind,
    ...(detail ? { detail } : {}),
    textEdit: { range, newText: asKey ? `${label}: ` : label },
  });
  const list = (items: CompletionItem[]): CompletionList => ({ isIncomplete: false, items });
  const nodeIds = () => list([...(workflow?.nodesById.values() ?? [])].map((n) => item(n.id, CompletionItemKind.Reference, n.type?.value)));
  const outputKeys = (id: PathSegment | undefined, asKey: boolean) => {
    const node = typeof id === 'string' ? workflow?.nodesById.get(id) : undefined;
    const spec = node?.type ? getSpec(node.type.value) : undefined;
    if (!node || !spec) return EMPTY;
    const outputs = outputsOf(spec, (toPlain(node.config) as Record<string, unknown>) ?? {});
    return list(Object.entries(outputs).map(([k, o]) => item(k, CompletionItemKind.Field, `${o.type}: ${o.description}`, asKey)));
  };
  const p = ctx.path;
  const inCase = p[0] === 'cases' && typeof p[1] === 'number';
  if (ctx.kind === 'key') {
    if (p.length === 0) return list(FILE_KEYS.map((k) => item(k, CompletionItemKind.Property)));
    if (p.length === 1 && p[0] === 'pins') return nodeIds();
    if (p.length === 2 && p[0] === 'pins') return outputKeys(p[1], true);
    if (inCase && p.length === 2) return list(CASE_KEYS.map((k) => item(k, CompletionItemKind.Property)));
    if (inCase && p.length === 3 && (p[2] === 'pins' || p[2] === 'expect')) return nodeIds();
    if (inCase && p.length === 4 && p[2] === 'pins') return outputKeys(p[3], true);
    if (inCase && p.length === 4 && p[2] === 'expect') return list(ASSERTION_KEYS.map((k) => item(k, CompletionItemKind.Property)));
    return EMPTY;
  }
  if (p.length === 0 && ctx.key === 'workflow') return EMPTY;
  if (inCase && p.length === 2 && ctx.key === 'status') return list(RUN_STATUSES.map((s) => item(s, CompletionItemKind.EnumMember)));
  if (inCase && p.length === 4 && p[2] === 'expect') {
    if (ctx.key === 'status') return list(NODE_STATUSES.map((s) => item(s, CompletionItemKind.EnumMember)));
    if (ctx.key === 'path') return outputKeys(p[3], false);
  }
  return EMPTY;
}
