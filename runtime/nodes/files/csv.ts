import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { readWithin, safePath, writeWithin } from './paths';

/** Kailash's CSVReaderNode: values stay strings; `index_column` adds `data_indexed`. */
export const readCsv: NodeRun = async (inputs, ctx) => {
  const text = await readWithin(inputs.file_path, ctx);
  const headers = inputs.headers !== false;
  let data: unknown[];
  try {
    data = parse(text, { columns: headers, delimiter: String(inputs.delimiter ?? ','), bom: true, skip_empty_lines: true, relax_column_count: true });
  } catch (err) {
    throw new NodeFailure('CSVError', `${String(inputs.file_path)}: ${(err as Error).message}`);
  }
  const out: Record<string, unknown> = { data };
  if (inputs.index_column) {
    const key = String(inputs.index_column);
    const indexed: Record<string, unknown> = {};
    for (const row of data as Record<string, unknown>[]) {
      if (!(key in row)) throw new NodeFailure('KeyError', `index_column '${key}' is not a column of ${String(inputs.file_path)}`);
      indexed[String(row[key])] = row;
    }
    out.data_indexed = indexed;
  }
  return out;
};

export const writeCsv: NodeRun = async (inputs, ctx) => {
  const rows = (inputs.data as unknown[] | undefined) ?? [];
  if (rows.length === 0) return { rows_written: 0, file_path: safePath(inputs.file_path, ctx) };
  const delimiter = String(inputs.delimiter ?? ',');
  const dicts = rows.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r));
  const text = dicts
    ? stringify(rows as Record<string, unknown>[], { header: true, columns: Object.keys(rows[0] as object), delimiter })
    : stringify(rows.map((r) => (Array.isArray(r) ? r : [r])), { delimiter });
  return { rows_written: rows.length, file_path: await writeWithin(inputs.file_path, text, ctx) };
};
