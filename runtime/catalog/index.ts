import { table } from '../util/own';
import { POLICIES } from './policies';
import type { NodeSpec, TypeSpec } from './types';
import { specs as api } from './specs/api';
import { specs as auth } from './specs/auth';
import { specs as database } from './specs/database';
import { specs as files } from './specs/files';
import { specs as cloud } from './specs/cloud';
import { specs as messaging } from './specs/messaging';
import { specs as code } from './specs/code';
import { specs as logic } from './specs/logic';
import { specs as ai } from './specs/ai';

export type * from './types';

/** Every node type we know, in catalog order (by category). */
export const allSpecs: readonly NodeSpec[] = [...api, ...auth, ...database, ...files, ...cloud, ...messaging, ...code, ...logic, ...ai];

/**
 * Validation, completion and the engine look user-written keys up in these maps
 * (`spec.params[key]`): tables without a prototype, so `constructor` is an unknown param, not
 * Object's constructor.
 */
function tablesOf<T extends TypeSpec>(t: T): T {
  if (t.fields) t.fields = table(Object.fromEntries(Object.entries(t.fields).map(([k, f]) => [k, tablesOf(f)])));
  if (t.items) tablesOf(t.items);
  return t;
}
for (const spec of allSpecs) {
  spec.params = table(Object.fromEntries(Object.entries(spec.params).map(([k, p]) => [k, tablesOf(p)])));
  spec.outputs = table(Object.fromEntries(Object.entries(spec.outputs).map(([k, o]) => [k, tablesOf(o)])));
}
for (const policy of Object.values(POLICIES)) {
  if (policy.fields) policy.fields = table(Object.fromEntries(Object.entries(policy.fields).map(([k, f]) => [k, tablesOf(f)])));
  if (policy.value) tablesOf(policy.value);
}

const byType = new Map(allSpecs.map((s) => [s.type, s]));

export const nodeTypes: readonly string[] = allSpecs.map((s) => s.type);

export function getSpec(type: string): NodeSpec | undefined {
  return byType.get(type);
}

/** Config keys every Kailash node accepts as metadata, whatever its params. */
export const METADATA_KEYS: readonly string[] = ['name', 'description', 'version', 'author', 'tags'];
