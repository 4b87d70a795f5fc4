import { createHash } from 'node:crypto';
import { getSpec } from '../../runtime/catalog';
import { caseKey } from '../../runtime/catalog/switch-cases';
import { toPlain } from '../../runtime/model/values';
import type { NodeModel, WorkflowModel } from '../../runtime/model/types';
import type { PanelEdge, PanelGraph } from '../common/panel';

/**
 * The workflow as the panel draws it: each node with its spec's category (for its icon), each
 * edge with its ports and, out of a SwitchNode, the case it carries. Bundled with the editor
 * model (client/model.ts), since it reads the catalog.
 */
export function panelGraph(wf: WorkflowModel, file: string, fallbackName: string): PanelGraph {
  const g: PanelGraph = {
    file,
    name: wf.name?.value ?? fallbackName,
    nodes: [...wf.nodesById.values()].map((n) => {
      const type = n.type?.value ?? '?';
      const category = getSpec(type)?.category;
      return { id: n.id, type, ...(category ? { category } : {}) };
    }),
    edges: wf.connections
      .filter((c) => c.from && c.to)
      .map((c) => {
        const from = wf.nodesById.get(c.from!.value);
        const name = from?.type?.value === 'SwitchNode' ? caseName(from, c.fromOutput.value) : undefined;
        const edge: PanelEdge = {
          from: c.from!.value,
          to: c.to!.value,
          fromOutput: c.fromOutput.value,
          toInput: c.toInput.value,
          label: `${c.fromOutput.value} → ${c.toInput.value}`,
          cycle: c.cycle,
        };
        if (name !== undefined) edge.case = name;
        return edge;
      }),
  };
  // A run keeps the key of the graph it ran: an unchanged graph has the same key, so it is kept (and sent) once.
  g.key = createHash('sha1').update(JSON.stringify(g)).digest('base64url').slice(0, 16);
  return g;
}

/** The case a SwitchNode port stands for: `case_gold` is "gold", `true_output` is "true". */
export function caseName(node: NodeModel, port: string): string | undefined {
  const head = port.split('.')[0]!;
  if (head === 'true_output') return 'true';
  if (head === 'false_output') return 'false';
  const config = (toPlain(node.config) ?? {}) as Record<string, unknown>;
  const prefix = typeof config.case_prefix === 'string' ? config.case_prefix : 'case_';
  if (Array.isArray(config.cases)) for (const v of config.cases) if (caseKey(prefix, v) === head) return String(v);
  if (head === (typeof config.default_field === 'string' ? config.default_field : 'default')) return 'default';
  return undefined;
}
