import type { WorkflowModel } from '../model/types';
import { buildGraph, topologicalOrder } from './graph';

/** Mermaid flowchart of a workflow, in the style of Kailash's `WorkflowVisualizer.to_mermaid`. */
export function toMermaid(model: WorkflowModel, direction: 'TB' | 'LR' = 'TB'): string {
  const ids = mermaidIds(model);
  const lines = [`flowchart ${direction}`];
  for (const n of model.nodesById.values()) {
    const type = n.type?.value ?? '?';
    lines.push(`    ${ids.get(n.id)}${shape(type, `${mermaidText(n.id)}<br/>(${mermaidText(type)})`)}`);
  }
  for (const c of model.connections) {
    const a = c.from && ids.get(c.from.value);
    const b = c.to && ids.get(c.to.value);
    if (!a || !b) continue;
    const label = mermaidText(`${c.fromOutput.value} → ${c.toInput.value}`);
    lines.push(`    ${a} ${c.cycle ? '-.->' : '-->'}|"${label}"| ${b}`);
  }
  return lines.join('\n') + '\n';
}

function mermaidIds(model: WorkflowModel): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  for (const id of model.nodesById.keys()) {
    out.set(id, /^[A-Za-z_][A-Za-z0-9_]*$/.test(id) && !RESERVED.has(id.toLowerCase()) ? id : `n${i}`);
    i++;
  }
  return out;
}

const RESERVED = new Set(['end', 'graph', 'flowchart', 'subgraph', 'style', 'class', 'click', 'linkstyle', 'classdef']);

function shape(type: string, label: string): string {
  const q = `"${label}"`;
  if (/Reader|Writer/.test(type)) return `[(${q})]`;
  if (/Switch|Merge/.test(type)) return `{${q}}`;
  if (/LLM|AI/.test(type)) return `[[${q}]]`;
  if (/Code/.test(type)) return `[/${q}/]`;
  return `[${q}]`;
}

function mermaidText(s: string): string {
  return s.replace(/[&"<>#]/g, (ch) => `#${ch.charCodeAt(0)};`);
}

/** Graphviz DOT of a workflow. */
export function toDot(model: WorkflowModel): string {
  const lines = [`digraph ${dotString(model.name?.value ?? 'workflow')} {`, '  rankdir=TB;', '  node [shape=box, style=rounded];'];
  for (const n of model.nodesById.values()) {
    lines.push(`  ${dotString(n.id)} [label=${dotString(`${n.id}\n(${n.type?.value ?? '?'})`)}];`);
  }
  for (const c of model.connections) {
    if (!c.from || !c.to || !model.nodesById.has(c.from.value) || !model.nodesById.has(c.to.value)) continue;
    const attrs = [`label=${dotString(`${c.fromOutput.value} → ${c.toInput.value}`)}`];
    if (c.cycle) attrs.push('style=dashed');
    lines.push(`  ${dotString(c.from.value)} -> ${dotString(c.to.value)} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** The workflow as plain text: nodes in Kailash's execution order, each with what it feeds. */
export function toText(model: WorkflowModel): string {
  const { order, leftover } = topologicalOrder(buildGraph(model));
  const lines: string[] = [];
  for (const id of [...order, ...leftover]) {
    const n = model.nodesById.get(id);
    lines.push(`${id} (${n?.type?.value ?? '?'})${leftover.includes(id) ? ' [on a cycle]' : ''}`);
    for (const c of model.connections) {
      if (c.from?.value !== id || !c.to || !model.nodesById.has(c.to.value)) continue;
      lines.push(`  ${c.fromOutput.value} → ${c.to.value}.${c.toInput.value}${c.cycle ? ' (cycle)' : ''}`);
    }
  }
  return lines.join('\n') + '\n';
}
