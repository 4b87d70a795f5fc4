import type { NodeSpec, ParamSpec } from '../catalog/types';
import type { NodeModel } from '../model/types';

/** A required parameter (or a one-of group) that nothing gives a value. */
export interface RequiredGap {
  /** The parameter, or every name of a `requireOneOf` group. */
  names: string[];
  group: boolean;
  /** Only config can give it (a constructor argument): no run parameter or connection helps. */
  configOnly: boolean;
  param?: ParamSpec;
}

/**
 * The required parameters of a node that neither its config nor `provided` (connections and run
 * parameters, as the caller knows them) gives a value. The validator and the run-time check both
 * read this, so "required" means the same thing in the editor and when a run starts.
 */
export function requiredGaps(node: NodeModel, spec: NodeSpec, provided: (names: readonly string[]) => boolean): RequiredGap[] {
  const has = (name: string, p: ParamSpec | undefined): boolean => {
    const e = node.config?.entries.find((x) => x.key === name || (p?.aliases?.includes(x.key) ?? false));
    if (e && !(e.value.kind === 'scalar' && e.value.value === null)) return true;
    if (p?.configOnly) return false;
    return provided([name, ...(p?.aliases ?? [])]);
  };
  const gaps: RequiredGap[] = [];
  const required = requiredOf(spec);
  for (let i = 0; i < required.length; i++) {
    const name = required[i]![0];
    const p = required[i]![1];
    if (!has(name, p)) gaps.push({ names: [name], group: false, configOnly: p.configOnly === true, param: p });
  }
  if (!spec.requireOneOf) return gaps;
  for (const group of spec.requireOneOf) {
    if (group.some((name) => has(name, spec.params[name]))) continue;
    gaps.push({ names: [...group], group: true, configOnly: group.every((name) => spec.params[name]?.configOnly === true) });
  }
  return gaps;
}

const required = new WeakMap<NodeSpec, [string, ParamSpec][]>();

/** A spec's required parameters, listed once: every node of every run and validation asks. */
function requiredOf(spec: NodeSpec): [string, ParamSpec][] {
  let list = required.get(spec);
  if (!list) required.set(spec, (list = Object.entries(spec.params).filter(([, p]) => p.required)));
  return list;
}
