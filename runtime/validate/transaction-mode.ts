import type { NodeSpec } from '../catalog/types';
import type { NodeModel } from '../model/types';
import type { Context } from './context';

/**
 * `transaction_mode: true|false`, as integration guides write it: here all-or-nothing (`auto`)
 * or none, but the Python SDK's str param turns it into 'True'/'False', modes it does not know,
 * and runs without a transaction either way.
 */
export function checkTransactionMode(ctx: Context, node: NodeModel, spec: NodeSpec): void {
  if (!spec.params.transaction_mode) return;
  const e = node.config?.entries.find((x) => x.key === 'transaction_mode');
  if (!e || e.value.kind !== 'scalar' || typeof e.value.value !== 'boolean') return;
  const mode = e.value.value ? 'auto' : 'none';
  ctx.report(
    'kailash-compat',
    'warning',
    `transaction_mode ${e.value.value} means '${mode}' here${e.value.value ? ' (all-or-nothing)' : ''}, but the Python SDK reads it as the string '${e.value.value ? 'True' : 'False'}' and runs without a transaction. Write \`transaction_mode: ${mode}\`.`,
    e.value.span,
  );
}
