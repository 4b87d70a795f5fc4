import type { NodeSpec, ParamSpec, TypeSpec } from './types';
import { describeType, outputsOf } from './typing';

/*
 * A node type's reference in Markdown, read from its spec: hover and completion show it, and
 * `kailash-wf nodes TYPE` and docs/nodes.md print it, so the four never disagree.
 */

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function defaultText(p: ParamSpec): string {
  return p.default === undefined ? '' : `\`${JSON.stringify(p.default)}\``;
}

export function paramDocs(name: string, p: ParamSpec): string {
  const flags = [p.required ? 'required' : '', p.configOnly ? 'config only' : '', p.secret ? 'credential' : ''].filter(Boolean).join(', ');
  const lines = [
    `**${name}**: \`${describeType(p)}\`${flags ? ` (${flags})` : ''}${p.default !== undefined ? ` — default ${defaultText(p)}` : ''}`,
    '',
    p.description,
  ];
  if (p.enum) lines.push('', `One of: ${p.enum.map((v) => `\`${String(v)}\``).join(', ')}`);
  if (p.aliases?.length) lines.push('', `Also accepted as: ${p.aliases.map((a) => `\`${a}\``).join(', ')}`);
  if (p.type === 'dict' && p.fields) lines.push('', fieldList(p));
  return lines.join('\n');
}

function fieldList(t: TypeSpec): string {
  return Object.entries(t.fields ?? {})
    .map(([k, f]) => `- \`${k}\`: \`${describeType(f)}\`${f.description ? ` — ${f.description}` : ''}`)
    .join('\n');
}

export function paramTable(params: Record<string, ParamSpec>): string {
  const rows = Object.entries(params).map(
    ([k, p]) => `| \`${k}\`${p.required ? ' *' : ''} | \`${describeType(p)}\` | ${defaultText(p)} | ${cell(p.description)} |`,
  );
  return ['| param | type | default | description |', '|---|---|---|---|', ...rows].join('\n');
}

/** A node type's docs: summary, docs, params (required marked `*`) and outputs for this config. */
export function specDocs(spec: NodeSpec, config: Record<string, unknown> = {}): string {
  const outputs = Object.entries(outputsOf(spec, config)).map(
    ([k, o]) => `| \`${k}\` | \`${describeType(o)}\` | ${cell(o.description)}${o.when ? ` (${cell(o.when)})` : ''} |`,
  );
  const parts = [
    `**${spec.type}** — ${spec.category}${spec.origin === 'ours' ? ' (Kailash Workflows)' : ''}`,
    spec.summary,
    spec.docs,
    '**Parameters**',
    paramTable(spec.params),
  ];
  parts.push(
    '**Outputs**',
    spec.dynamicOutputs && outputs.length === 0
      ? 'Any key the code returns.'
      : ['| output | type | description |', '|---|---|---|', ...outputs].join('\n'),
  );
  if (spec.dynamicOutputs && outputs.length) parts.push('Other keys the node returns are accepted too.');
  return parts.join('\n\n');
}

/** A value of the param's type to show in a skeleton: its default, first enum value, or a placeholder. */
function sampleValue(name: string, p: ParamSpec): unknown {
  if (p.default !== undefined && p.default !== null) return p.default;
  if (p.enum?.length) return p.enum[0];
  switch (p.type) {
    case 'int':
      return 1;
    case 'float':
      return 1.0;
    case 'bool':
      return true;
    case 'list':
      return [];
    case 'dict':
      return {};
    default:
      return p.secret ? `\${secret:${name.toUpperCase()}}` : `<${name}>`;
  }
}

/** A node entry a user can paste: the type and its required params (one of each `requireOneOf` group). */
export function skeleton(spec: NodeSpec): string {
  const required = Object.entries(spec.params).filter(([, p]) => p.required);
  for (const group of spec.requireOneOf ?? []) {
    const first = group[0];
    if (first && !required.some(([k]) => group.includes(k)) && spec.params[first]) required.push([first, spec.params[first]]);
  }
  const id = spec.type
    .replace(/Node$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
  const lines = [`- id: ${id}`, `  type: ${spec.type}`];
  if (required.length) {
    lines.push('  config:');
    for (const [k, p] of required) lines.push(`    ${k}: ${JSON.stringify(sampleValue(k, p))}`);
  }
  return lines.join('\n');
}

/** One node's full reference: what `kailash-wf nodes TYPE` prints and docs/nodes.md holds. */
export function nodeReference(spec: NodeSpec): string {
  return `${specDocs(spec)}\n\n**Skeleton** (the required params)\n\n\`\`\`yaml\n${skeleton(spec)}\n\`\`\``;
}

/** docs/nodes.md: every node type, by category. */
export function catalogReference(specs: readonly NodeSpec[]): string {
  const out = [
    '# Node reference',
    '',
    '<!-- Generated from the catalog (runtime/catalog/specs/) by `npm run docs`; a test fails when it is stale. -->',
    '',
    'Parameters marked `*` are required: in config, the `parameters:` block, a connection or the run parameters.',
    '',
  ];
  let category = '';
  for (const s of specs) {
    if (s.category !== category) {
      category = s.category;
      out.push(`## ${category}`, '');
    }
    out.push(`### ${s.type}`, '', nodeReference(s).replace(/^\*\*[^*]+\*\* — [^\n]*\n\n/, ''), '');
  }
  return out.join('\n');
}
