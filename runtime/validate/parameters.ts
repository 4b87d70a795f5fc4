import { getSpec, METADATA_KEYS } from '../catalog';
import { findParam } from '../catalog/typing';
import { didYouMean, type Context } from './context';
import { isCredentialName, unknownCredentialAdvice } from './credentials';
import { checkParamValue, sqlModeOf, walkStrings } from './nodes';

/** The top-level `parameters` block: default run parameters per node. */
export function checkParameters(ctx: Context): void {
  for (const [nodeId, block] of ctx.nodeParameters) {
    const node = ctx.model.nodesById.get(nodeId)!;
    const spec = node.type ? getSpec(node.type.value) : undefined;
    if (!spec) continue;
    for (const e of block.entries) {
      const found = findParam(spec, e.key);
      walkStrings(ctx, { node, inputTemplates: false }, e.key, e.value, found?.[1], sqlModeOf(found?.[1]));
      if (!found) {
        if (spec.acceptsAnyInput || METADATA_KEYS.includes(e.key) || ctx.templateInputs(nodeId).has(e.key)) continue;
        const near = ctx.closest(e.key, Object.keys(spec.params));
        if (isCredentialName(e.key)) {
          ctx.report('credential-dropped', 'error', `${spec.type} has no parameter '${e.key}', so this credential is never sent (Kailash drops unknown run parameters).${unknownCredentialAdvice(spec, e.key, 'input') || didYouMean(near)}`, e.keySpan, near);
        } else {
          ctx.report('unknown-param', 'warning', `${spec.type} has no parameter '${e.key}'; Kailash ignores it.${didYouMean(near)}`, e.keySpan, near);
        }
        continue;
      }
      const [key, p] = found;
      if (p.configOnly) {
        ctx.report('unknown-param', 'warning', `'${key}' of ${spec.type} is fixed when the node is built; run parameters cannot change it.`, e.keySpan);
        continue;
      }
      checkParamValue(ctx, e, p, e.key);
    }
  }
}
