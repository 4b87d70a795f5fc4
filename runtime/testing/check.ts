import Ajv from 'ajv';
import { getSpec } from '../catalog';
import type { NodeSpec, TypeSpec } from '../catalog/types';
import { describeType, outputsOf, resolveOutputPath } from '../catalog/typing';
import type { Diagnostic } from '../diagnostics';
import { ExpressionError, parseExpression } from '../model/expression';
import { diag } from '../model/parse';
import type { NodeModel, Span, Spanned, Value, WorkflowModel } from '../model/types';
import { kailashTypeOf, toPlain } from '../model/values';
import { closest } from '../util/suggest';
import type { Pin, TestFileModel } from './format';

/** How a test file's checks reach the files it names (paths relative to the test file). */
export interface TestFiles {
  /** The workflow named by `workflow:`, parsed; `undefined` when it cannot be read. */
  workflow(path: string): WorkflowModel | undefined;
  /** Whether another file it names (`params_file`, `env_file`) exists. */
  exists(path: string): boolean;
}

/**
 * What is wrong with a test file beyond its shape: files it names that do not exist, node ids the
 * workflow lacks, pinned outputs that do not match the node's declared output types, expressions
 * that do not parse and schemas that do not compile. Pure: the files come through `files`.
 */
export function checkTestFile(test: TestFileModel, files: TestFiles): { diagnostics: Diagnostic[]; workflow?: WorkflowModel } {
  const out: Diagnostic[] = [...test.diagnostics];
  let workflow: WorkflowModel | undefined;
  if (test.workflow) {
    workflow = files.workflow(test.workflow.value);
    if (!workflow)
      out.push(
        diag(
          'unknown-workflow-file',
          'error',
          `No workflow file '${test.workflow.value}' (the path is relative to this test file).`,
          test.workflow.span,
        ),
      );
  }
  for (const f of [test.paramsFile, test.envFile])
    if (f && !files.exists(f.value)) out.push(diag('test-file', 'error', `Cannot read '${f.value}' (relative to this test file).`, f.span));
  const nodeId = (n: Spanned<string>, what: string): NodeModel | undefined => {
    if (!workflow) return undefined;
    const node = workflow.nodesById.get(n.value);
    if (!node) {
      const near = closest(n.value, workflow.nodesById.keys());
      out.push(
        diag(
          'unknown-test-node',
          'error',
          `${what}: the workflow has no node '${n.value}'${near.length ? ` (did you mean '${near[0]}'?)` : ''}.`,
          n.span,
          near,
        ),
      );
    }
    return node;
  };
  const checkPins = (pins: Pin[]) => {
    for (const p of pins) {
      const node = nodeId(p.node, 'Pinned output');
      const spec = node?.type ? getSpec(node.type.value) : undefined;
      if (node && spec) out.push(...checkPin(p, node, spec));
    }
  };
  checkPins(test.pins);
  for (const c of test.cases) {
    checkPins(c.pins);
    for (const x of c.expect) {
      const node = nodeId(x.node, 'Expectation');
      const spec = node?.type ? getSpec(node.type.value) : undefined;
      if (x.path && node && spec) {
        const r = resolveOutputPath(spec, (toPlain(node.config) as Record<string, unknown>) ?? {}, x.path.value);
        if (!r.ok && r.reason === 'unknown-key') {
          const segment = x.path.value.split('.')[r.segment]!;
          const near = closest(segment, r.known);
          out.push(
            diag(
              'unknown-test-node',
              'warning',
              `${spec.type} declares no output '${x.path.value}'${near.length ? ` (did you mean '${near[0]}'?)` : ''}.`,
              x.path.span,
              near,
            ),
          );
        }
      }
      for (const e of x.expressions) {
        try {
          parseExpression(e.value);
        } catch (err) {
          if (!(err instanceof ExpressionError)) throw err;
          out.push(diag('invalid-assertion', 'error', `This expression does not parse: ${err.message}.`, e.span));
        }
      }
      if (x.schema) {
        const problem = schemaProblem(toPlain(x.schema));
        if (problem) out.push(diag('invalid-assertion', 'error', `This JSON Schema does not compile: ${problem}`, x.schema.span));
      }
    }
  }
  out.sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1]);
  return { diagnostics: out, ...(workflow ? { workflow } : {}) };
}

let ajv: Ajv | undefined;

/** One validator for every test assertion (draft-07, formats off: no network, no surprises). */
export function schemaValidator(): Ajv {
  return (ajv ??= new Ajv({ allErrors: true, strict: false, validateFormats: false }));
}

function schemaProblem(schema: unknown): string | undefined {
  try {
    schemaValidator().compile(schema as object);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * A pin against the outputs its node declares: each key's value must have the declared type,
 * all the way into declared dict fields and list items, so a test never feeds downstream nodes
 * something the real node could not return. Keys the node does not declare are warnings (Kailash
 * passes any key on). `null` is allowed anywhere: real nodes return it for a missing value.
 */
export function checkPin(pin: Pin, node: NodeModel, spec: NodeSpec): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (pin.value.kind !== 'map') return out;
  const outputs = outputsOf(spec, (toPlain(node.config) as Record<string, unknown>) ?? {});
  for (const e of pin.value.entries) {
    const declared = outputs[e.key];
    if (!declared) {
      if (spec.dynamicOutputs) continue;
      const near = closest(e.key, Object.keys(outputs));
      out.push(
        diag(
          'pin-output-type',
          'warning',
          `${spec.type} declares no output '${e.key}'${near.length ? ` (did you mean '${near[0]}'?)` : ''}; downstream nodes read only what it declares.`,
          e.keySpan,
          near,
        ),
      );
      continue;
    }
    typeMismatches(e.value, declared, `${node.id}.${e.key}`, out);
  }
  return out;
}

function typeMismatches(v: Value, t: TypeSpec, where: string, out: Diagnostic[]): void {
  if (t.type === 'Any' || (v.kind === 'scalar' && v.value === null)) return;
  const got = v.kind === 'map' ? 'dict' : v.kind === 'seq' ? 'list' : kailashTypeOf(v.value);
  const ok =
    t.type === got ||
    (t.type === 'float' && got === 'int') ||
    // YAML reads 2.0 as the number 2: a float output written as a whole number is still a float.
    (t.type === 'float' && v.kind === 'scalar' && typeof v.value === 'number');
  if (!ok) {
    out.push(mismatch(v.span, `${where} is declared ${describeType(t)}, but the pin gives ${got}.`));
    return;
  }
  if (v.kind === 'seq' && t.type === 'list' && t.items) v.items.forEach((item, i) => typeMismatches(item, t.items!, `${where}[${i}]`, out));
  if (v.kind === 'map' && t.type === 'dict' && t.fields) {
    for (const e of v.entries) {
      const f = t.fields[e.key];
      if (f) typeMismatches(e.value, f, `${where}.${e.key}`, out);
      else if (!t.open)
        out.push(
          diag(
            'pin-output-type',
            'warning',
            `${where} declares no key '${e.key}' (it has ${Object.keys(t.fields).join(', ')}).`,
            e.keySpan,
          ),
        );
    }
  }
}

function mismatch(span: Span, message: string): Diagnostic {
  return diag('pin-output-type', 'error', message, span);
}
