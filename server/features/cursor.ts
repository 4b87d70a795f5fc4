import type { MapValue } from '../../runtime/model/types';
import { locate, valueAt, type PathSegment } from './locate';
import { lineStartOf, type FeatureDoc } from './types';

/**
 * Where a completion is asked, read from the text around the cursor (the model often lacks the
 * half-typed line: `      met` under a mapping is still the previous value's continuation).
 *
 * - `key`: a key is being typed in the mapping at `path` (`item` when it starts a new list item
 *   of the list at `path`: `dash` if `- ` is already typed, `bare` if not);
 * - `value`: the value of `key` in the mapping at `path` is being typed;
 * - `template`: inside `${…}` in a string under `path`.
 */
export type CursorContext =
  | {
      kind: 'key';
      path: PathSegment[];
      item: 'none' | 'dash' | 'bare';
      partial: string;
      start: number;
      end: number;
      indent: number;
      flow: boolean;
    }
  | { kind: 'value'; path: PathSegment[]; key: string; partial: string; start: number; end: number; indent: number }
  | { kind: 'template'; path: PathSegment[]; prefix: '' | 'env' | 'secret'; partial: string; start: number; end: number };

const WORD = /[A-Za-z0-9_.\-]/;
const TEMPLATE = /\$\{(?:(env|secret):)?([A-Za-z0-9_]*)$/;
const BLOCK_VALUE = /^( *)(?:(-) +)?([A-Za-z_][\w.-]*|"[^"]*"|'[^']*') *:[ \t]+(["']?)([^\s"',{}[\]#]*)$/;
const FLOW_VALUE = /[{,] *(["']?)([A-Za-z_][\w.-]*)\1 *:[ \t]*(["']?)([^\s"',{}[\]#]*)$/;
const BLOCK_KEY = /^( *)(?:(-)( +))?([A-Za-z_][\w.-]*)?$/;
const FLOW_KEY = /[{,] *([A-Za-z_][\w.-]*)?$/;
const EMPTY_KEY_LINE = /^( *)(?:- +)?([A-Za-z_][\w.-]*|"[^"]*"|'[^']*') *:[ \t]*(?:#.*)?$/;

export function cursorContext(doc: FeatureDoc, offset: number): CursorContext | undefined {
  const { text } = doc;
  const lineStart = lineStartOf(text, offset);
  const before = text.slice(lineStart, offset);
  let end = offset;
  while (end < text.length && WORD.test(text[end]!)) end++;

  const t = TEMPLATE.exec(before);
  if (t && !before.trimStart().startsWith('#')) {
    const hit = locate(doc.model.root, offset);
    const start = offset - t[2]!.length - (t[1] ? t[1].length + 1 : 0);
    return { kind: 'template', path: hit?.path ?? [], prefix: (t[1] ?? '') as '' | 'env' | 'secret', partial: t[2]!, start, end };
  }

  const flowOpen = isInFlow(before);
  if (flowOpen) {
    const v = FLOW_VALUE.exec(before);
    if (v) {
      const keyOffset = lineStart + v.index + v[0].indexOf(v[2]!);
      const hit = locate(doc.model.root, keyOffset);
      if (hit?.on !== 'key') return undefined;
      return {
        kind: 'value',
        path: hit.path.slice(0, -1),
        key: v[2]!,
        partial: v[4]!,
        start: offset - v[4]!.length,
        end,
        indent: indentOf(before),
      };
    }
    const k = FLOW_KEY.exec(before);
    if (k) {
      const partial = k[1] ?? '';
      const hit = locate(doc.model.root, offset - partial.length);
      let path = hit?.path ?? [];
      // The deepest mapping that holds the cursor: a key hit names an entry of it.
      if (hit && (hit.on === 'key' || hit.value.kind !== 'map')) path = path.slice(0, -1);
      return { kind: 'key', path, item: 'none', partial, start: offset - partial.length, end, indent: indentOf(before), flow: true };
    }
    return undefined;
  }

  const v = BLOCK_VALUE.exec(before);
  if (v) {
    const key = unquote(v[3]!);
    const keyOffset = lineStart + v[1]!.length + (v[2] ? before.slice(v[1]!.length).indexOf(v[3]!) : 0);
    const hit = locate(doc.model.root, keyOffset);
    let path: PathSegment[] | undefined;
    if (hit?.on === 'key' && hit.entry?.key === key) path = hit.path.slice(0, -1);
    else {
      const keyIndent = keyOffset - lineStart;
      const outer = enclosing(doc, lineStart, v[2] ? v[1]!.length : keyIndent);
      if (!outer) return undefined;
      path = v[2] ? [...outer.path, itemCount(doc, outer.path)] : outer.path;
    }
    return { kind: 'value', path, key, partial: v[5]!, start: offset - v[5]!.length, end, indent: v[1]!.length + (v[2] ? 2 : 0) };
  }

  const k = BLOCK_KEY.exec(before);
  if (!k) return undefined;
  const partial = k[4] ?? '';
  const dash = k[2] !== undefined;
  const indent = k[1]!.length;
  const outer = enclosing(doc, lineStart, indent);
  if (!outer) return undefined;
  const start = offset - partial.length;
  const contentIndent = indent + (dash ? 1 + k[3]!.length : 0);
  if (dash) return { kind: 'key', path: outer.path, item: 'dash', partial, start, end, indent: contentIndent, flow: false };
  const container = valueAt(doc.model.root, outer.path);
  const item = outer.seqLevel || container?.kind === 'seq' ? 'bare' : 'none';
  return { kind: 'key', path: outer.path, item, partial, start, end, indent, flow: false };
}

/** Whether the text before the cursor on its line is inside an unclosed `{`. */
function isInFlow(before: string): boolean {
  let depth = 0;
  let quote = '';
  for (const ch of before) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth = Math.max(0, depth - 1);
    else if (ch === '#' && depth === 0) return false;
  }
  return depth > 0;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function unquote(s: string): string {
  return /^["'].*["']$/.test(s) ? s.slice(1, -1) : s;
}

/**
 * The collection a line at `indent` belongs to, found from the lines above: the nearest line that
 * is less indented and ends with `key:` opens it (its path, from the model); a `- key:` line
 * whose content starts at `indent` makes the cursor a sibling key of that list item.
 * `seqLevel`: list items sit at this indentation (a new line here starts another item).
 */
function enclosing(doc: FeatureDoc, lineStart: number, indent: number): { path: PathSegment[]; seqLevel: boolean } | undefined {
  const { text } = doc;
  let seqLevel = false;
  let pos = lineStart;
  while (pos > 0) {
    const lineEnd = pos - 1;
    const start = lineStartOf(text, lineEnd);
    pos = start;
    const line = text.slice(start, lineEnd).replace(/\r$/, '');
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const ind = line.length - trimmed.length;
    const dash = /^( *)- +/.exec(line);
    if (dash && dash[0].length === indent) {
      const key = /^([A-Za-z_][\w.-]*|"[^"]*"|'[^']*') *:/.exec(line.slice(indent));
      if (!key) return undefined;
      const hit = locate(doc.model.root, start + indent);
      return hit?.on === 'key' ? { path: hit.path.slice(0, -1), seqLevel: false } : undefined;
    }
    if (dash && ind === indent) {
      seqLevel = true;
      continue;
    }
    if (ind < indent) {
      const m = EMPTY_KEY_LINE.exec(line);
      if (!m) return undefined;
      const keyAt = start + line.indexOf(m[2]!, m[1]!.length);
      const hit = locate(doc.model.root, keyAt);
      return hit?.on === 'key' ? { path: hit.path, seqLevel } : undefined;
    }
  }
  return indent === 0 ? { path: [], seqLevel: false } : undefined;
}

/** How many items the list at a path holds (the index a new item there gets). */
function itemCount(doc: FeatureDoc, path: PathSegment[]): number {
  const v = valueAt(doc.model.root, path);
  return v?.kind === 'seq' ? v.items.length : 0;
}

/** Keys already written in the mapping at a path. */
export function presentKeys(doc: FeatureDoc, path: readonly PathSegment[]): Set<string> {
  const v = valueAt(doc.model.root, path);
  return new Set(v?.kind === 'map' ? (v as MapValue).entries.map((e) => e.key) : []);
}
