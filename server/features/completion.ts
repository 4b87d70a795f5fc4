import {
  CompletionItemKind,
  InsertTextFormat,
  InsertTextMode,
  type CompletionItem,
  type CompletionList,
  type Position,
  type Range,
} from 'vscode-languageserver';
import type { Category, NodeSpec, ParamSpec, TypeSpec } from '../../runtime/catalog/types';
import { connectionVerdict, describeType, outputsOf, resolveOutputPath, type Verdict } from '../../runtime/catalog/typing';
import type { NodeModel } from '../../runtime/model/types';
import { getLocation } from 'jsonc-parser';
import { cursorContext, presentKeys, type CursorContext } from './cursor';
import { paramDocs, specDocs } from '../../runtime/catalog/reference';
import { CONNECTION_KEYS, FULL_FORM, NODE_KEYS, SHORT_FORM, TOP_LEVEL_KEYS } from './keys';
import { connectionAtPath, nodeAtPath, type PathSegment } from './locate';
import { plainConfig, sourcePort, typeWithin } from './typing';
import { CATALOG, toOffset, toRange, type Catalog, type FeatureDoc } from './types';

const RETRIGGER = { title: 'Suggest', command: 'editor.action.triggerSuggest' };
const VERDICT_ORDER: Record<Verdict, string> = { ok: '0', coercion: '1', mismatch: '2' };

/** Completion at a position: what may be written there, each item with its type and docs. */
export function complete(doc: FeatureDoc, position: Position, catalog: Catalog = CATALOG): CompletionList {
  const offset = toOffset(doc.lines, position);
  const json = doc.model.format === 'json';
  const jsonKey = json ? jsonKeyContext(doc, offset) : undefined;
  const ctx = jsonKey ?? cursorContext(doc, offset);
  const items = ctx ? itemsFor(doc, ctx, catalog) : [];
  return { isIncomplete: false, items: ctx && json ? asJson(doc, ctx, items, jsonKey !== undefined) : items };
}

/** In a JSON file, the key being typed (inside its quotes or where one may start), from the JSON scanner. */
function jsonKeyContext(doc: FeatureDoc, offset: number): CursorContext | undefined {
  const loc = getLocation(doc.text, offset);
  if (!loc.isAtPropertyKey) return undefined;
  // Inside a quoted key, the scanner's previous node is that string (`property` when no colon follows yet).
  const prev = loc.previousNode;
  const key = prev && (prev.type === 'string' || prev.type === 'property') && prev.offset < offset ? prev : undefined;
  // Outside a quoted key, only where nothing follows in the object (before another key, the pair would need a comma too).
  if (!key && !/^\s*(\}|$)/.test(doc.text.slice(offset, offset + 200))) return undefined;
  const start = key ? key.offset : offset;
  const end = key ? key.offset + key.length : offset;
  const partial = key ? doc.text.slice(key.offset + 1, Math.max(key.offset + 1, offset)) : '';
  return { kind: 'key', path: loc.path.slice(0, -1), item: 'none', partial, start, end, indent: 0, flow: true };
}

const JSON_LITERAL = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)$/;

/**
 * Items for a `.workflow.json` file, each inserting valid JSON: a value typed outside quotes
 * becomes a JSON string (numbers and booleans stay bare); inside quotes it is inserted as is.
 * Key items become `"name": ` (the value is left to type: a snippet's YAML layout would not fit).
 */
function asJson(doc: FeatureDoc, ctx: CursorContext, items: CompletionItem[], scannedKey: boolean): CompletionItem[] {
  if (ctx.kind === 'key') {
    // Keys as `"name": `, replacing the whole quoted key; whole-node snippets are YAML.
    if (!scannedKey) return [];
    const range = toRange(doc.lines, [ctx.start, ctx.end]);
    return items
      .filter((i) => i.kind !== CompletionItemKind.Snippet)
      .map(({ insertTextFormat: _f, insertTextMode: _m, command: _c, ...item }) => ({
        ...item,
        // Clients filter by the text the range covers, here from the opening quote.
        ...(doc.text[ctx.start] === '"' ? { filterText: `"${item.label}` } : {}),
        textEdit: { range, newText: `${JSON.stringify(item.label)}: ` },
      }));
  }
  if (ctx.kind === 'template' || doc.text[ctx.start - 1] === '"') return items;
  return items.map((item) => {
    const edit = item.textEdit;
    if (!edit || !('range' in edit) || JSON_LITERAL.test(edit.newText)) return item;
    const { command: _retrigger, ...rest } = item;
    return { ...rest, textEdit: { ...edit, newText: JSON.stringify(edit.newText) } };
  });
}

function itemsFor(doc: FeatureDoc, ctx: CursorContext, catalog: Catalog): CompletionItem[] {
  const range = toRange(doc.lines, [ctx.start, ctx.end]);
  const path = ctx.path;
  if (ctx.kind === 'template') return templateItems(doc, ctx, range);
  if (ctx.kind === 'value') return valueItems(doc, ctx, range, catalog);

  // Keys.
  if (ctx.item !== 'none') {
    if (path.length === 1 && path[0] === 'nodes') return nodeSnippets(doc, ctx, range, catalog);
    if (path.length === 1 && path[0] === 'connections') return connectionSnippets(doc, ctx, range);
    return [];
  }
  const present = presentKeys(doc, path);
  const key = (
    name: string,
    description: string | undefined,
    insert: string,
    kind: CompletionItemKind = CompletionItemKind.Property,
    sort = '1',
  ): CompletionItem =>
    snippetItem(
      { label: name, kind, sortText: `${sort}${name}`, ...(description ? { documentation: md(description) } : {}) },
      insert,
      range,
    );
  const nested = (name: string) => (ctx.flow ? `${name}: {$0}` : `${name}:\n${' '.repeat(ctx.indent + 2)}$0`);

  if (path.length === 0) {
    return TOP_LEVEL_KEYS.filter((k) => !present.has(k.name)).map((k) => {
      const collection = ['nodes', 'connections'].includes(k.name);
      const insert = collection
        ? `${k.name}:\n${' '.repeat(ctx.indent + 2)}- $0`
        : ['parameters', 'metadata'].includes(k.name)
          ? nested(k.name)
          : `${k.name}: $0`;
      return key(k.name, k.description, insert, CompletionItemKind.Module);
    });
  }
  if (path[0] === 'nodes' && path.length === 2) {
    const node = nodeAtPath(doc.model, path);
    return NODE_KEYS.filter((k) => !present.has(k.name) && !(k.name === 'id' && doc.model.nodesForm === 'map')).map((k) => {
      const policy = catalog.policies[k.name as keyof Catalog['policies']];
      if (k.name === 'type') return { ...key('type', k.description, 'type: ', CompletionItemKind.Property, '0'), command: RETRIGGER };
      if (k.name === 'config' || k.name === 'parameters') {
        const spec = node?.type ? catalog.get(node.type.value) : undefined;
        return key(
          k.name,
          k.description,
          spec ? configSnippet(k.name, spec, ctx.indent, ctx.flow) : nested(k.name),
          CompletionItemKind.Property,
          '0',
        );
      }
      if (policy?.value)
        return key(k.name, policy.description, `${k.name}: ${placeholder(policy.value, 1)}`, CompletionItemKind.Event, '2');
      if (policy?.fields) return key(k.name, policy.description, nested(k.name), CompletionItemKind.Event, '2');
      return key(k.name, k.description, `${k.name}: $0`, CompletionItemKind.Property, '0');
    });
  }
  if (path[0] === 'nodes' && path.length >= 3) {
    const node = nodeAtPath(doc.model, path);
    const section = path[2];
    if (section === 'config' || section === 'parameters') {
      const spec = node?.type ? catalog.get(node.type.value) : undefined;
      if (!spec) return [];
      if (path.length === 3) return paramItems(spec.params, present, range, ctx.indent, ctx.flow, spec.acceptsAnyInput !== true);
      const t = typeWithin(spec.params[String(path[3])], path.slice(4));
      return t?.type === 'dict' && t.fields ? fieldItems(t, present, range, ctx.indent, ctx.flow) : [];
    }
    const policy = catalog.policies[section as keyof Catalog['policies']];
    if (policy?.fields && path.length === 3) return paramItems(policy.fields, present, range, ctx.indent, ctx.flow, false);
    return [];
  }
  if (path[0] === 'connections' && path.length === 2) {
    const c = connectionAtPath(doc.model, path);
    const form = c ? (c.form === 'full' ? FULL_FORM : SHORT_FORM) : [...new Set([...FULL_FORM, ...SHORT_FORM])];
    return CONNECTION_KEYS.filter((k) => !present.has(k.name)).map((k) => {
      const sort = (form as readonly string[]).includes(k.name) ? '0' : '1';
      return { ...key(k.name, k.description, `${k.name}: `, CompletionItemKind.Property, sort), command: RETRIGGER };
    });
  }
  if (path[0] === 'parameters' && path.length === 1) {
    return [...doc.model.nodesById.values()]
      .filter((n) => !present.has(n.id))
      .map((n) =>
        key(n.id, n.type ? `Run parameters of \`${n.id}\` (${n.type.value})` : undefined, nested(n.id), CompletionItemKind.Variable),
      );
  }
  if (path[0] === 'parameters' && path.length === 2) {
    const node = doc.model.nodesById.get(String(path[1]));
    const spec = node?.type ? catalog.get(node.type.value) : undefined;
    if (!spec) return [];
    const runtime = Object.fromEntries(Object.entries(spec.params).filter(([, p]) => !p.configOnly));
    return paramItems(runtime, present, range, ctx.indent, ctx.flow, true);
  }
  return [];
}

function md(value: string) {
  return { kind: 'markdown' as const, value };
}

function snippetItem(item: CompletionItem, snippet: string, range: Range): CompletionItem {
  return {
    ...item,
    textEdit: { range, newText: snippet },
    insertTextFormat: InsertTextFormat.Snippet,
    insertTextMode: InsertTextMode.asIs,
  };
}

/** A snippet placeholder suited to a type: choices for enums and booleans. */
function placeholder(t: TypeSpec & { enum?: ParamSpec['enum'] }, n: number): string {
  if (t.enum?.length) return `\${${n}|${t.enum.map((v) => String(v).replace(/[|,$}\\]/g, '\\$&')).join(',')}|}`;
  if (t.type === 'bool') return `\${${n}|true,false|}`;
  if (t.type === 'list') return `[\$${n}]`;
  if (t.type === 'dict') return `{\$${n}}`;
  return `\$${n}`;
}

function paramItems(
  params: Record<string, ParamSpec>,
  present: Set<string>,
  range: Range,
  indent: number,
  flow: boolean,
  requiredFirst: boolean,
): CompletionItem[] {
  return Object.entries(params)
    .filter(([name, p]) => !present.has(name) && !p.aliases?.some((a) => present.has(a)))
    .map(([name, p]) => {
      const insert = p.type === 'dict' && p.fields && !flow ? `${name}:\n${' '.repeat(indent + 2)}$0` : `${name}: ${placeholder(p, 1)}`;
      return snippetItem(
        {
          label: name,
          kind: CompletionItemKind.Property,
          detail: `${describeType(p)}${p.required ? ' (required)' : ''}${p.default !== undefined ? ` = ${JSON.stringify(p.default)}` : ''}`,
          documentation: md(paramDocs(name, p)),
          sortText: `${requiredFirst && p.required ? '0' : '1'}${name}`,
        },
        insert,
        range,
      );
    });
}

function fieldItems(t: TypeSpec, present: Set<string>, range: Range, indent: number, flow: boolean): CompletionItem[] {
  return Object.entries(t.fields ?? {})
    .filter(([name]) => !present.has(name))
    .map(([name, f]) =>
      snippetItem(
        {
          label: name,
          kind: CompletionItemKind.Field,
          detail: describeType(f),
          ...(f.description ? { documentation: md(f.description) } : {}),
        },
        f.type === 'dict' && f.fields && !flow ? `${name}:\n${' '.repeat(indent + 2)}$0` : `${name}: ${placeholder(f, 1)}`,
        range,
      ),
    );
}

/** `config:` with the type's required params (and the first of each one-of group) to fill in. */
function configSnippet(key: string, spec: NodeSpec, indent: number, flow: boolean): string {
  const names = requiredParams(spec);
  if (flow) return `${key}: {${names.map((n, i) => `${n}: ${placeholder(spec.params[n]!, i + 1)}`).join(', ')}}`;
  if (names.length === 0) return `${key}:\n${' '.repeat(indent + 2)}$0`;
  return `${key}:${names.map((n, i) => `\n${' '.repeat(indent + 2)}${n}: ${placeholder(spec.params[n]!, i + 1)}`).join('')}`;
}

function requiredParams(spec: NodeSpec): string[] {
  const names = Object.entries(spec.params)
    .filter(([, p]) => p.required)
    .map(([n]) => n);
  for (const group of spec.requireOneOf ?? []) if (!group.some((g) => names.includes(g))) names.push(group[0]!);
  return names;
}

const CATEGORY_ORDER: Category[] = ['api', 'auth', 'data', 'database', 'files', 'cloud', 'messaging', 'code', 'logic', 'ai'];

function typeItem(spec: NodeSpec): CompletionItem {
  return {
    label: spec.type,
    kind: CompletionItemKind.Class,
    labelDetails: { description: spec.category },
    detail: `${spec.category}: ${spec.summary}`,
    documentation: md(specDocs(spec)),
    sortText: `${String(CATEGORY_ORDER.indexOf(spec.category)).padStart(2, '0')}${spec.type}`,
  };
}

/** A fresh id for a new node of a type: `http_request_1` for HTTPRequestNode. */
function freshId(doc: FeatureDoc, spec: NodeSpec): string {
  const stem = spec.type
    .replace(/Node$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
  let i = 1;
  while (doc.model.nodesById.has(`${stem}_${i}`)) i++;
  return `${stem}_${i}`;
}

/** A whole new node per type, by category, with its required params to fill in. */
function nodeSnippets(doc: FeatureDoc, ctx: CursorContext & { kind: 'key' }, range: Range, catalog: Catalog): CompletionItem[] {
  const mapForm = doc.model.nodesForm === 'map' && ctx.item === 'bare';
  // Lines after the first line up with the item's content (`- ` included for a bare item).
  const inner = ' '.repeat(mapForm ? ctx.indent + 2 : ctx.item === 'bare' ? ctx.indent + 2 : ctx.indent);
  return catalog.specs.map((spec) => {
    const names = requiredParams(spec);
    const params = names.map((n, i) => `\n${inner}  ${n}: ${placeholder(spec.params[n]!, i + 2)}`).join('');
    const config = `\n${inner}config:${params || `\n${inner}  $0`}`;
    const id = freshId(doc, spec);
    const head = mapForm
      ? `\${1:${id}}:\n${inner}type: ${spec.type}`
      : `${ctx.item === 'bare' ? '- ' : ''}id: \${1:${id}}\n${inner}type: ${spec.type}`;
    return snippetItem({ ...typeItem(spec), kind: CompletionItemKind.Snippet, filterText: spec.type }, `${head}${config}`, range);
  });
}

function connectionSnippets(doc: FeatureDoc, ctx: CursorContext & { kind: 'key' }, range: Range): CompletionItem[] {
  const inner = ' '.repeat(ctx.item === 'bare' ? ctx.indent + 2 : ctx.indent);
  const dash = ctx.item === 'bare' ? '- ' : '';
  const ids = [...doc.model.nodesById.keys()];
  // A choice list is handy for a few ids; thousands would only get in the way.
  const node = (n: number) => (ids.length > 0 && ids.length <= 20 ? `\${${n}|${ids.join(',')}|}` : `\$${n}`);
  return [
    snippetItem(
      {
        label: 'from_node … to_input',
        kind: CompletionItemKind.Snippet,
        detail: 'Connection (full form)',
        filterText: 'from_node',
        sortText: '0',
      },
      `${dash}from_node: ${node(1)}\n${inner}from_output: \${2:result}\n${inner}to_node: ${node(3)}\n${inner}to_input: \${4:input}`,
      range,
    ),
    snippetItem(
      {
        label: 'from … to',
        kind: CompletionItemKind.Snippet,
        detail: 'Connection (short form: `result` → `input`)',
        filterText: 'from',
        sortText: '1',
      },
      `${dash}from: ${node(1)}\n${inner}to: ${node(2)}`,
      range,
    ),
  ];
}

function valueItems(doc: FeatureDoc, ctx: CursorContext & { kind: 'value' }, range: Range, catalog: Catalog): CompletionItem[] {
  const { model } = doc;
  const { path, key } = ctx;
  const literal = (values: readonly (string | number | boolean)[], detail: string): CompletionItem[] =>
    values.map((v, i) => ({
      label: String(v),
      kind: CompletionItemKind.EnumMember,
      detail,
      sortText: String(i).padStart(3, '0'),
      textEdit: { range, newText: String(v) },
    }));
  const forType = (t: (TypeSpec & { enum?: ParamSpec['enum'] }) | undefined): CompletionItem[] => {
    if (!t) return [];
    if (t.enum?.length) return literal(t.enum, describeType(t));
    if (t.type === 'bool') return literal([true, false], 'bool');
    return [];
  };

  if (path[0] === 'nodes' && path.length === 2) {
    if (key === 'type') return catalog.specs.map((s) => ({ ...typeItem(s), textEdit: { range, newText: s.type } }));
    return forType(catalog.policies[key as keyof Catalog['policies']]?.value);
  }
  if (path[0] === 'nodes' && path.length >= 3) {
    const node = nodeAtPath(model, path);
    const section = path[2];
    if (section === 'config' || section === 'parameters') {
      const spec = node?.type ? catalog.get(node.type.value) : undefined;
      if (!spec) return [];
      const rest = [...path.slice(3), key];
      return forType(typeWithin(spec.params[String(rest[0])], rest.slice(1)));
    }
    const policy = catalog.policies[section as keyof Catalog['policies']];
    return path.length === 3 ? forType(policy?.fields?.[key]) : [];
  }
  if (path[0] === 'connections' && path.length === 2) {
    const c = connectionAtPath(model, path);
    if (['from_node', 'to_node', 'from', 'to'].includes(key)) {
      return [...model.nodesById.values()].map((n) => ({
        label: n.id,
        kind: CompletionItemKind.Variable,
        ...(n.type ? { detail: n.type.value } : {}),
        textEdit: { range, newText: n.id },
      }));
    }
    if (key === 'from_output') return outputItems(doc, c?.from && model.nodesById.get(c.from.value), ctx, catalog);
    if (key === 'to_input') return inputItems(doc, path, range, catalog);
    if (key === 'cycle') return literal([true, false], 'bool');
    return [];
  }
  if (path[0] === 'parameters' && path.length === 2) {
    const node = model.nodesById.get(String(path[1]));
    const spec = node?.type ? catalog.get(node.type.value) : undefined;
    return forType(spec?.params[key]);
  }
  return [];
}

/**
 * Outputs of the source node; after `a.b.`, the declared fields of `a.b`. Each item is one path
 * segment and replaces exactly the segment under the cursor (after the last dot before it, up to
 * the next dot), so clients that filter by the word at the cursor (Neovim, Emacs) match and insert
 * it as VS Code does.
 */
function outputItems(
  doc: FeatureDoc,
  node: NodeModel | undefined,
  ctx: CursorContext & { kind: 'value' },
  catalog: Catalog,
): CompletionItem[] {
  const spec = node?.type ? catalog.get(node.type.value) : undefined;
  if (!node || !spec) return [];
  const config = plainConfig(node);
  const cursorAt = ctx.start + ctx.partial.length;
  const dot = ctx.partial.lastIndexOf('.');
  const segStart = ctx.start + dot + 1;
  let segEnd = cursorAt;
  while (segEnd < ctx.end && doc.text[segEnd] !== '.') segEnd++;
  const range = toRange(doc.lines, [segStart, segEnd]);
  const item = (name: string, t: TypeSpec & { description?: string }, docs: string | undefined): CompletionItem => ({
    label: name,
    kind: CompletionItemKind.Field,
    detail: describeType(t),
    ...(docs ? { documentation: md(docs) } : {}),
    textEdit: { range, newText: name },
    ...(t.type === 'dict' && t.fields ? { command: RETRIGGER } : {}),
  });
  if (dot === -1)
    return Object.entries(outputsOf(spec, config)).map(([name, o]) => item(name, o, `${o.description}${o.when ? ` (${o.when})` : ''}`));
  const r = resolveOutputPath(spec, config, ctx.partial.slice(0, dot));
  if (!r.ok || r.type.type !== 'dict' || !r.type.fields) return [];
  return Object.entries(r.type.fields).map(([name, f]) => item(name, f, f.description));
}

/** Inputs of the target node: those the source's type fits first, incompatible ones marked. */
function inputItems(doc: FeatureDoc, path: PathSegment[], range: Range, catalog: Catalog): CompletionItem[] {
  const { model } = doc;
  const c = connectionAtPath(model, path);
  const to = c?.to && model.nodesById.get(c.to.value);
  const spec = to?.type ? catalog.get(to.type.value) : undefined;
  if (!c || !spec) return [];
  const source = sourcePort(model, c, catalog);
  return Object.entries(spec.params)
    .filter(([, p]) => !p.configOnly || spec.acceptsAnyInput)
    .map(([name, p]) => {
      const verdict: Verdict = source ? connectionVerdict(source.type, p) : 'ok';
      const note = !source
        ? ''
        : verdict === 'ok'
          ? ''
          : verdict === 'coercion'
            ? 'converted at run time'
            : `incompatible: ${describeType(source.type)} → ${describeType(p)}`;
      return {
        label: name,
        kind: CompletionItemKind.Property,
        detail: `${describeType(p)}${p.required ? ' (required)' : ''}${note ? ` — ${note}` : ''}`,
        ...(note ? { labelDetails: { description: verdict === 'mismatch' ? `⚠ ${note}` : note } } : {}),
        documentation: md(paramDocs(name, p)),
        sortText: `${VERDICT_ORDER[verdict]}${p.required ? '0' : '1'}${name}`,
        textEdit: { range, newText: name },
      };
    });
}

const TEMPLATE_NAMES = /\$\{(env|secret):([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** `${env:`, `${secret:` and `${name}`: names used elsewhere in the file, the node's inputs. */
function templateItems(doc: FeatureDoc, ctx: CursorContext & { kind: 'template' }, range: Range): CompletionItem[] {
  const closeAfter = doc.text[ctx.end] === '}' ? '' : '}';
  if (ctx.prefix) {
    const names = new Set<string>();
    for (const m of doc.text.matchAll(TEMPLATE_NAMES)) {
      // Not the one being typed.
      if (m[1] === ctx.prefix && (m.index! + m[0].length < ctx.start || m.index! > ctx.end)) names.add(m[2]!);
    }
    return [...names].map((n) => ({
      label: n,
      kind: ctx.prefix === 'env' ? CompletionItemKind.Constant : CompletionItemKind.Reference,
      detail: ctx.prefix === 'env' ? 'environment variable' : 'secret',
      textEdit: { range, newText: `${ctx.prefix}:${n}${closeAfter}` },
      filterText: `${ctx.prefix}:${n}`,
    }));
  }
  const items: CompletionItem[] = [
    {
      label: 'env:',
      kind: CompletionItemKind.Keyword,
      detail: '${env:NAME}: an environment variable',
      textEdit: { range, newText: 'env:' },
      command: RETRIGGER,
      sortText: '0',
    },
    {
      label: 'secret:',
      kind: CompletionItemKind.Keyword,
      detail: '${secret:NAME}: a secret, never shown in outputs or logs',
      textEdit: { range, newText: 'secret:' },
      command: RETRIGGER,
      sortText: '0',
    },
  ];
  const node = nodeAtPath(doc.model, ctx.path);
  if (node && ctx.path[2] !== undefined && ctx.path[0] === 'nodes') {
    const names = new Set<string>();
    for (const c of doc.model.connections) if (c.to?.value === node.id) names.add(c.toInput.value);
    const own = doc.model.parameters?.entries.find((e) => e.key === node.id);
    if (own?.value.kind === 'map') for (const e of own.value.entries) names.add(e.key);
    for (const n of names) {
      items.push({
        label: n,
        kind: CompletionItemKind.Variable,
        detail: `\${${n}}: input of '${node.id}'`,
        textEdit: { range, newText: `${n}${closeAfter}` },
        sortText: '1',
      });
    }
  }
  return items;
}
