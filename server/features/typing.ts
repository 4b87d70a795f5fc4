import type { FieldSpec, TypeSpec } from '../../runtime/catalog/types';
import { connectionVerdict, describeType, findParam, resolveOutputPath, type Verdict } from '../../runtime/catalog/typing';
import type { ConnectionModel, NodeModel, WorkflowModel } from '../../runtime/model/types';
import { toValue } from '../../runtime/model/values';
import type { PathSegment } from './locate';
import type { Catalog } from './types';

export interface Port {
  label: string;
  type: TypeSpec;
  description?: string;
}

export function plainConfig(node: NodeModel | undefined): Record<string, unknown> {
  return (toValue(node?.config) as Record<string, unknown> | undefined) ?? {};
}

/**
 * The declared type of a connection's source output, when both the node and the output are known
 * (`path`: a prefix of the output path, e.g. `response` of `response.content`). The description is
 * the last segment's own: a field's, else its output's.
 */
export function sourcePort(model: WorkflowModel, c: ConnectionModel, catalog: Catalog, path = c.fromOutput.value): Port | undefined {
  const from = c.from && model.nodesById.get(c.from.value);
  const spec = from?.type && catalog.get(from.type.value);
  if (!from || !spec) return undefined;
  const r = resolveOutputPath(spec, plainConfig(from), path);
  if (!r.ok) return undefined;
  const nested = r.type !== r.output;
  const description = nested ? (r.type as FieldSpec).description : r.output?.description;
  return { label: `${from.id}.${path}`, type: r.type, ...(description ? { description } : {}) };
}

/** The declared type of a connection's target input (`Any` for nodes that take any input). */
export function targetPort(model: WorkflowModel, c: ConnectionModel, catalog: Catalog): Port | undefined {
  const to = c.to && model.nodesById.get(c.to.value);
  const spec = to?.type && catalog.get(to.type.value);
  if (!to || !spec) return undefined;
  const found = findParam(spec, c.toInput.value);
  if (found) return { label: `${to.id}.${c.toInput.value}`, type: found[1], description: found[1].description };
  return spec.acceptsAnyInput ? { label: `${to.id}.${c.toInput.value}`, type: { type: 'Any' } } : undefined;
}

/** `source (type) → target (type)` and the verdict of the connection rules (docs/workflow-format.md), when both ends are known. */
export function connectionSummary(
  model: WorkflowModel,
  c: ConnectionModel,
  catalog: Catalog,
): { text: string; verdict: Verdict } | undefined {
  const s = sourcePort(model, c, catalog);
  const t = targetPort(model, c, catalog);
  if (!s || !t) return undefined;
  const verdict = connectionVerdict(s.type, t.type);
  return { text: `${s.label} (${describeType(s.type)}) → ${t.label} (${describeType(t.type)})`, verdict };
}

/** The declared type under a param at a path of dict keys and list indices (`smtp_config.port`). */
export function typeWithin(t: FieldSpec | undefined, path: readonly PathSegment[]): FieldSpec | undefined {
  for (const seg of path) {
    if (!t) return undefined;
    if (typeof seg === 'number') t = t.type === 'list' ? t.items : undefined;
    else t = t.type === 'dict' ? t.fields?.[seg] : undefined;
  }
  return t;
}

export const VERDICT_TEXT: Record<Verdict, string> = {
  ok: 'types match',
  coercion: 'Kailash converts the value at run time (warning)',
  mismatch: 'type mismatch (error)',
};
