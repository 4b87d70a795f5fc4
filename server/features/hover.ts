import type { Hover, Position } from 'vscode-languageserver';
import { paramDocs, paramTable, specDocs } from '../../runtime/catalog/reference';
import { describeType } from '../../runtime/catalog/typing';
import type { NodeSpec } from '../../runtime/catalog/types';
import type { Span } from '../../runtime/model/types';
import { CONNECTION_KEYS, NODE_KEYS, TOP_LEVEL_KEYS, type KeyDoc } from './keys';
import { connectionAtPath, locate, nodeAtPath } from './locate';
import { refAt } from './references';
import { connectionSummary, plainConfig, sourcePort, targetPort, typeWithin, VERDICT_TEXT } from './typing';
import { CATALOG, toOffset, toRange, type Catalog, type FeatureDoc } from './types';

/** Hover: node type docs, a param's type/default/description, a connection's types and verdict. */
export function hover(doc: FeatureDoc, position: Position, catalog: Catalog = CATALOG): Hover | undefined {
  const offset = toOffset(doc.lines, position);
  const { model } = doc;
  const answer = (md: string, span: Span): Hover => ({ contents: { kind: 'markdown', value: md }, range: toRange(doc.lines, span) });

  const hit = locate(model.root, offset);
  if (!hit) return undefined;
  const { path } = hit;
  const span = hit.on === 'key' ? hit.entry!.keySpan : hit.value.span;

  if (path.length === 1 && hit.on === 'key') {
    const k: KeyDoc | undefined = TOP_LEVEL_KEYS.find((x) => x.name === path[0]);
    return k?.description ? answer(`**${k.name}** — ${k.description}`, span) : undefined;
  }

  if (path[0] === 'connections') {
    const c = connectionAtPath(model, path);
    if (!c) return undefined;
    const parts: string[] = [];
    const key = path[2];
    if (key === 'from_output' && hit.on === 'value') {
      // `response.content`: the segment under the cursor and the path up to it, not the first output.
      const seg = segmentAt(doc.text, c.fromOutput.span, offset);
      const s = sourcePort(model, c, catalog, seg?.path);
      if (s) parts.push(`**${s.label}**: \`${describeType(s.type)}\`${s.description ? ` — ${s.description}` : ''}`);
      const summary = connectionSummary(model, c, catalog);
      if (summary) parts.push(`\`${summary.text}\`: ${VERDICT_TEXT[summary.verdict]}`);
      return parts.length ? answer(parts.join('\n\n'), seg?.span ?? span) : undefined;
    } else if (key === 'to_input' && hit.on === 'value') {
      const t = targetPort(model, c, catalog);
      if (t) parts.push(`**${t.label}**: \`${describeType(t.type)}\`${t.description ? ` — ${t.description}` : ''}`);
    } else if (hit.on === 'value' && typeof key === 'string' && ['from_node', 'to_node', 'from', 'to'].includes(key)) {
      const node = model.nodesById.get(String((hit.value.kind === 'scalar' && hit.value.value) ?? ''));
      const spec = node?.type && catalog.get(node.type.value);
      if (node) parts.push(`Node **${node.id}**${node.type ? `: \`${node.type.value}\`` : ''}${spec ? ` — ${spec.summary}` : ''}`);
    } else if (hit.on === 'key' && typeof key === 'string') {
      const k = CONNECTION_KEYS.find((x) => x.name === key);
      if (k?.description) parts.push(`\`${key}\` — ${k.description}`);
    }
    const summary = connectionSummary(model, c, catalog);
    if (summary) parts.push(`\`${summary.text}\`: ${VERDICT_TEXT[summary.verdict]}`);
    return parts.length ? answer(parts.join('\n\n'), span) : undefined;
  }

  if (path[0] === 'nodes') {
    const node = nodeAtPath(model, path);
    if (!node) return undefined;
    const spec = node.type ? catalog.get(node.type.value) : undefined;
    if (path.length === 2 && hit.on === 'key' && model.nodesForm === 'map') return answer(nodeLine(node.id, node.type?.value, spec), span);
    const key = path[2];
    if (path.length === 3 && hit.on === 'value' && key === 'type' && spec) return answer(specDocs(spec, plainConfig(node)), span);
    if (path.length === 3 && hit.on === 'value' && key === 'id') return answer(nodeLine(node.id, node.type?.value, spec), span);
    if (path.length === 3 && hit.on === 'key' && typeof key === 'string') {
      const policy = catalog.policies[key as keyof Catalog['policies']];
      if (policy) return answer(`**${key}** — ${policy.description}${policy.fields ? `\n\n${paramTable(policy.fields)}` : ''}`, span);
      const k = NODE_KEYS.find((x) => x.name === key);
      return k?.description ? answer(`**${key}** — ${k.description}`, span) : undefined;
    }
    if (path.length >= 4 && hit.on === 'key' && (key === 'config' || key === 'parameters') && spec) {
      const param = spec.params[String(path[3])];
      const t = param ? typeWithin(param, path.slice(4)) : undefined;
      if (path.length === 4 && param) return answer(paramDocs(String(path[3]), param), span);
      if (t) return answer(`**${path.slice(3).join('.')}**: \`${describeType(t)}\`${t.description ? ` — ${t.description}` : ''}`, span);
      if (path.length === 4 && catalog.metadataKeys.includes(String(path[3])))
        return answer(`**${path[3]}** — node metadata, which every Kailash node accepts.`, span);
      return undefined;
    }
    if (path.length === 4 && hit.on === 'key' && typeof key === 'string') {
      const field = catalog.policies[key as keyof Catalog['policies']]?.fields?.[String(path[3])];
      if (field) return answer(paramDocs(`${key}.${path[3]}`, field), span);
    }
    return undefined;
  }

  if (path[0] === 'parameters' && path.length >= 2) {
    const ref = refAt(model, offset);
    const node = ref && model.nodesById.get(ref.id);
    if (node && ref.kind === 'parameters')
      return answer(nodeLine(node.id, node.type?.value, node.type && catalog.get(node.type.value)), ref.span);
    const owner = model.nodesById.get(String(path[1]));
    const spec = owner?.type && catalog.get(owner.type.value);
    const param = spec && path.length === 3 && hit.on === 'key' ? spec.params[String(path[2])] : undefined;
    return param ? answer(paramDocs(String(path[2]), param), span) : undefined;
  }

  return undefined;
}

/** The dotted-path segment of a scalar (quotes excluded) under an offset, and the path up to its end. */
function segmentAt(text: string, span: Span, offset: number): { path: string; span: Span } | undefined {
  let [start, end] = span;
  if (text[start] === '"' || text[start] === "'") {
    start++;
    if (end > start && text[end - 1] === text[span[0]]) end--;
  }
  if (offset < start || offset > end) return undefined;
  let a = offset;
  while (a > start && text[a - 1] !== '.') a--;
  let b = offset;
  while (b < end && text[b] !== '.') b++;
  return { path: text.slice(start, b), span: [a, b] };
}

function nodeLine(id: string, type: string | undefined, spec: NodeSpec | undefined): string {
  return `Node **${id}**${type ? `: \`${type}\`` : ''}${spec ? ` — ${spec.summary}` : ''}`;
}
