import type { FromPanel } from '../common/panel';
import { inferType, schemaLines } from '../common/schema';
import { tableOf, type RecordTable } from '../common/table';
import { valueJson } from '../common/value-text';
import { button, count, el } from './dom';
import { jsonTree } from './json-tree';

type Mode = 'table' | 'json' | 'schema';

/** The view each side (received, returned) was last switched to, kept across redraws. */
const chosen = new Map<string, Mode>();

/**
 * One value (what a node received, or returned) with its views a click away: a table when it is
 * (or holds) a list of records, its JSON tree, and its inferred schema.
 */
export function valueView(
  side: 'inputs' | 'output',
  title: string,
  value: unknown,
  truncated: boolean,
  post: (m: FromPanel) => void,
): HTMLElement {
  const box = el('section', `value ${side}`);
  box.setAttribute('aria-label', title);
  const bar = el('div', 'value-bar');
  bar.append(el('h3', 'value-title', title), el('span', 'value-size', size(value)));
  const table = tableOf(value);
  let mode: Mode = chosen.get(side) ?? (table ? 'table' : 'json');
  if (mode === 'table' && !table) mode = 'json';
  const body = el('div', 'value-body');
  const modes = el('div', 'modes');
  modes.setAttribute('role', 'group');
  modes.setAttribute('aria-label', `${title}: view as`);
  const buttons = new Map<Mode, HTMLButtonElement>();
  const show = (m: Mode) => {
    mode = m;
    chosen.set(side, m);
    for (const [k, b] of buttons) b.setAttribute('aria-pressed', String(k === m));
    body.replaceChildren(m === 'table' && table ? tableView(table) : m === 'schema' ? schemaView(value) : jsonTree(value));
  };
  for (const [m, label] of [
    ['table', 'Table'],
    ['json', 'JSON'],
    ['schema', 'Schema'],
  ] as [Mode, string][]) {
    if (m === 'table' && !table) continue;
    const b = button(label, `${title} as ${label}`, () => show(m), 'mode');
    b.dataset.mode = m;
    buttons.set(m, b);
    modes.append(b);
  }
  const copy = button('Copy', `Copy ${title.toLowerCase()} as JSON`, () => post({ type: 'copy', text: valueJson(value, 2) }), 'mode copy');
  bar.append(modes, copy);
  box.append(bar);
  if (truncated) box.append(el('div', 'note', 'Preview: large values are cut; the whole value is in the run record.'));
  box.append(body);
  show(mode);
  return box;
}

function size(v: unknown): string {
  if (Array.isArray(v)) return count(v.length, 'item');
  if (v !== null && typeof v === 'object') return count(Object.keys(v).length, 'key');
  return '';
}

function tableView(t: RecordTable): HTMLElement {
  const wrap = el('div', 'table-wrap');
  const table = el('table', 'records');
  const head = el('tr');
  head.append(el('th', 'rownum', '#'));
  for (const c of t.columns) {
    const th = el('th', undefined, c);
    th.scope = 'col';
    head.append(th);
  }
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  t.rows.forEach((r, i) => {
    const tr = el('tr');
    tr.append(el('td', 'rownum', String(i)));
    for (const c of r) tr.append(el('td', undefined, c));
    tbody.append(tr);
  });
  table.append(thead, tbody);
  if (t.key) wrap.append(el('div', 'table-caption', `${t.key}: ${count(t.rows.length + t.moreRows, 'row')}`));
  wrap.append(table);
  if (t.moreRows) wrap.append(el('div', 'note', `… ${count(t.moreRows, 'more row')} in the run record`));
  return wrap;
}

function schemaView(v: unknown): HTMLElement {
  const type = inferType(v);
  const lines = schemaLines(type);
  const list = el('ul', 'schema');
  if (lines.length === 0) list.append(el('li', undefined, `(${type.type})`));
  for (const l of lines) {
    const li = el('li');
    li.style.paddingLeft = `${l.depth * 14}px`;
    li.append(el('span', 'json-key', l.name), el('span', 'schema-type', l.type));
    list.append(li);
  }
  return list;
}
