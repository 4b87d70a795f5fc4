import { isMarker } from './schema';
import { valueJson } from './value-text';

export interface RecordTable {
  /** Where the list sits in the value (`data`), empty for the value itself. */
  key: string;
  columns: string[];
  rows: string[][];
  /** Rows the preview left out (its "… N more items" mark). */
  moreRows: number;
}

const MAX_COLUMNS = 30;
const MAX_CELL = 120;

/** A list of records as a table: columns from the keys in first-seen order, each cell one line of text. */
export function recordTable(list: unknown, key = ''): RecordTable | undefined {
  if (!Array.isArray(list)) return undefined;
  const records = list.filter((x) => !isMarker(x));
  if (records.length === 0 || !records.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r))) return undefined;
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of records as Record<string, unknown>[])
    for (const k of Object.keys(r))
      if (!seen.has(k) && columns.length < MAX_COLUMNS) {
        seen.add(k);
        columns.push(k);
      }
  const rows = (records as Record<string, unknown>[]).map((r) => columns.map((c) => cell(r, c)));
  const mark = list.find(isMarker) as string | undefined;
  return { key, columns, rows, moreRows: mark ? Number(/\d+/.exec(mark)![0]) : 0 };
}

/** The table a value offers: itself when a list of records, or its first key holding one (`data`, `rows`). */
export function tableOf(value: unknown): RecordTable | undefined {
  const direct = recordTable(value);
  if (direct || value === null || typeof value !== 'object' || Array.isArray(value)) return direct;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const t = recordTable(v, k);
    if (t) return t;
  }
  return undefined;
}

function cell(r: Record<string, unknown>, c: string): string {
  if (!Object.prototype.hasOwnProperty.call(r, c)) return '';
  const v = r[c];
  const text = typeof v === 'string' ? v : v === undefined ? '' : valueJson(v);
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}
