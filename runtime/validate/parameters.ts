import { getSpec, METADATA_KEYS } from '../catalog';
import { findParam, takesGlobal } from '../catalog/typing';
import type { Context } from './context';
import { reportUnknownParam } from './credentials';
import { checkParamValue, sqlModeOf, walkStrings } from './nodes';

/** The top-level `parameters` block: default run parameters per node, and global ones. */
export function checkParameters(ctx: Context): void {
  checkGlobals(ctx);
  for (const [nodeId, block] of ctx.nodeParameters) {
    const node = ctx.model.nodesById.get(nodeId)!;
    const spec = node.type ? getSpec(node.type.value) : undefined;
    if (!spec) continue;
    for (const e of block.entries) {
      const found = findParam(spec, e.key);
      walkStrings(ctx, { node, inputTemplates: false }, e.key, e.value, found?.[1], sqlModeOf(found?.[1]));
      if (!found) {
        if (spec.acceptsAnyInput || METADATA_KEYS.includes(e.key) || ctx.templateInputs(nodeId).has(e.key)) continue;
        reportUnknownParam(ctx, spec, e, 'input');
        continue;
      }
      const [key, p] = found;
      if (p.configOnly) {
        ctx.report(
          'unknown-param',
          'warning',
          `'${key}' of ${spec.type} is fixed when the node is built; run parameters cannot change it.`,
          e.keySpan,
        );
        continue;
      }
      checkParamValue(ctx, e, p, e.key);
    }
  }
}

/** A global parameter (a key that is not a node id) that no node takes goes nowhere: say so. */
function checkGlobals(ctx: Context): void {
  for (const e of ctx.model.parameters?.entries ?? []) {
    if (!ctx.flatParameters.has(e.key) || ctx.nodeParameters.has(e.key)) continue;
    const reached = ctx.model.nodes.some((n) => {
      const spec = n.type ? getSpec(n.type.value) : undefined;
      return spec !== undefined && takesGlobal(spec, e.key, ctx.templateInputs(n.id));
    });
    if (reached) continue;
    if (ctx.model.nodesById.has(e.key)) {
      ctx.report(
        'unknown-param',
        'warning',
        `'${e.key}' names a node, so its value must be a mapping of that node's parameters; Kailash treats it as a global parameter that no node takes.`,
        e.keySpan,
      );
      continue;
    }
    const near = ctx.closest(e.key, ctx.nodeIds());
    ctx.report(
      'unknown-param',
      'warning',
      `'${e.key}' is not a node id and no node takes a parameter '${e.key}'; Kailash ignores it.${near.length ? ` Did you mean node '${near[0]}'?` : ''}`,
      e.keySpan,
      near,
    );
  }
}
