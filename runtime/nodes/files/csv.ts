import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import type { NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { fsFailure, readablePath, writeAtomically } from './paths';

/** Python's csv module takes exactly one character. */
function delimiterOf(v: unknown): string {
  const d = String(v ?? ',');
  if (d.length !== 1) throw new NodeFailure('TypeError', `"delimiter" must be a 1-character string, got ${JSON.stringify(d)}`);
  return d;
}

/**
 * Kailash's CSVReaderNode: values stay strings; with headers, rows are dicts as csv.DictReader
 * makes them (a short row gets null for the missing columns, extra fields go under `null`).
 * The file is parsed as it streams in, so memory holds the rows, never a second copy of the text.
 */
export const readCsv: NodeRun = async (inputs, ctx) => {
  const full = await readablePath(inputs.file_path, ctx);
  const headers = inputs.headers !== false;
  const key = inputs.index_column === undefined || inputs.index_column === null ? undefined : String(inputs.index_column);
  const parser = parse({ delimiter: delimiterOf(inputs.delimiter), bom: true, skip_empty_lines: true, relax_column_count: true });
  const data: unknown[] = [];
  let names: string[] | undefined;
  parser.on('data', (row: string[]) => {
    if (!headers) {
      data.push(row);
      return;
    }
    if (!names) {
      names = row;
      return;
    }
    const o: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) o[names[i]!] = i < row.length ? row[i] : null;
    if (row.length > names.length) o.null = row.slice(names.length);
    data.push(o);
  });
  try {
    await pipeline(createReadStream(full), parser, { signal: ctx.signal });
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if ((err as NodeJS.ErrnoException).syscall) throw fsFailure(err, String(inputs.file_path));
    throw new NodeFailure('CSVError', `${String(inputs.file_path)}: ${(err as Error).message}`);
  }
  const out: Record<string, unknown> = { data };
  if (key !== undefined) {
    if (!headers || !names?.includes(key)) throw new NodeFailure('KeyError', `index_column '${key}' is not a column of ${String(inputs.file_path)}`);
    const indexed: Record<string, unknown> = {};
    for (const row of data as Record<string, unknown>[]) indexed[String(row[key])] = row;
    out.data_indexed = indexed;
  }
  return out;
};

const isDict = (r: unknown): r is Record<string, unknown> => r !== null && typeof r === 'object' && !Array.isArray(r);

/**
 * Kailash's CSVWriterNode. Dict rows take their columns from the keys, in first-seen order (Python's
 * DictWriter would refuse a key missing from the first row; here it becomes a column). Rows are
 * streamed to a temporary file renamed into place, so a failure leaves the old file whole.
 */
export const writeCsv: NodeRun = async (inputs, ctx) => {
  const rows = (inputs.data as unknown[] | undefined) ?? [];
  if (rows.length === 0) return { rows_written: 0 };
  const delimiter = delimiterOf(inputs.delimiter);
  const dicts = rows.every(isDict);
  let columns: string[] | undefined;
  if (dicts) {
    const seen = new Set<string>();
    for (const r of rows as Record<string, unknown>[]) for (const k of Object.keys(r)) seen.add(k);
    columns = [...seen];
  }
  const stringifier = stringify({
    delimiter,
    header: dicts && inputs.headers !== false,
    columns,
    // Python's csv writes True/False; nested values are written as JSON rather than Python reprs.
    cast: { boolean: (v) => (v ? 'True' : 'False'), object: (v) => JSON.stringify(v), date: (v) => v.toISOString() },
  });
  const source = Readable.from(dicts ? rows : rows.map((r) => (Array.isArray(r) ? r : [r])), { objectMode: true });
  const file_path = await writeAtomically(inputs.file_path, ctx, (tmp) => pipeline(source, stringifier, createWriteStream(tmp), { signal: ctx.signal }));
  return { rows_written: rows.length, file_path };
};
