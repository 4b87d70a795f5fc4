import { createReadStream, createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import type { NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { pyStr, typeOf } from '../../engine/values';
import { fsFailure, readablePath, writeAtomically } from './paths';

/** Python's csv module takes exactly one character. */
function delimiterOf(v: unknown): string {
  const d = String(v ?? ',');
  if (d.length !== 1) throw new NodeFailure('TypeError', `"delimiter" must be a 1-character string, got ${JSON.stringify(d)}`);
  return d;
}

/** Python's text mode: `\r\n` and a lone `\r` become `\n` before the csv module sees them. */
function universalNewlines(): Transform {
  const decoder = new StringDecoder('utf8');
  let pendingCR = false;
  const translate = (s: string, last: boolean) => {
    let text = (pendingCR ? '\r' : '') + s;
    pendingCR = !last && text.endsWith('\r');
    if (pendingCR) text = text.slice(0, -1);
    return text.replace(/\r\n?/g, '\n');
  };
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, translate(decoder.write(chunk), false));
    },
    flush(done) {
      done(null, translate(decoder.end(), true));
    },
  });
}

/**
 * Kailash's CSVReaderNode, as its csv.reader loop does it: values stay strings, a header row
 * zips with each row (a short row has fewer keys, extra fields are dropped), a blank line is an
 * empty row, and a byte-order mark stays part of the first header. The file is parsed as it
 * streams in, so memory holds the rows, never a second copy of the text.
 */
export const readCsv: NodeRun = async (inputs, ctx) => {
  const full = await readablePath(inputs.file_path, ctx);
  const headers = inputs.headers !== false;
  const key =
    inputs.index_column === undefined || inputs.index_column === null || inputs.index_column === ''
      ? undefined
      : String(inputs.index_column);
  const parser = parse({
    delimiter: delimiterOf(inputs.delimiter),
    bom: false,
    skip_empty_lines: false,
    relax_column_count: true,
    relax_quotes: true,
    record_delimiter: '\n',
  });
  const data: unknown[] = [];
  const indexed: Record<string, unknown> = {};
  let names: string[] | undefined;
  let at = -1;
  parser.on('data', (raw: string[]) => {
    // csv.reader gives [] for a blank line.
    const row = raw.length === 1 && raw[0] === '' ? [] : raw;
    if (!headers) {
      data.push(row);
      return;
    }
    if (!names) {
      names = row;
      if (key !== undefined && !names.includes(key)) {
        parser.destroy(new NodeFailure('KeyError', `Index column '${key}' not found in headers: ${pyStr(names)}`));
      }
      at = key === undefined ? -1 : names.indexOf(key);
      return;
    }
    const o: Record<string, unknown> = {};
    for (let i = 0; i < Math.min(names.length, row.length); i++) o[names[i]!] = row[i];
    data.push(o);
    if (at >= 0 && at < row.length) indexed[row[at]!] = o;
  });
  try {
    await pipeline(createReadStream(full), universalNewlines(), parser, { signal: ctx.signal });
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (err instanceof NodeFailure) throw err;
    if ((err as NodeJS.ErrnoException).syscall) throw fsFailure(err, String(inputs.file_path));
    throw new NodeFailure('CSVError', `${String(inputs.file_path)}: ${(err as Error).message}`);
  }
  if (headers && !names) throw new NodeFailure('StopIteration', `${String(inputs.file_path)} is empty: there is no header row`);
  const out: Record<string, unknown> = { data };
  if (key !== undefined) out.data_indexed = indexed;
  return out;
};

const isDict = (r: unknown): r is Record<string, unknown> => r !== null && typeof r === 'object' && !Array.isArray(r);

/** A cell as Python's csv module writes it: `str()` of the value, None as an empty field. */
function cell(v: unknown): string {
  return v === null || v === undefined ? '' : pyStr(v);
}

/**
 * Kailash's CSVWriterNode, as csv.DictWriter / csv.writer write: dict rows take their columns
 * from the first row (a later row with another key fails, a missing key is an empty field), cells
 * are `str()` of the value, lines end in `\r\n`. Rows are streamed to a temporary file renamed
 * into place, so a failure leaves the old file whole.
 */
export const writeCsv: NodeRun = async (inputs, ctx) => {
  const rows = (inputs.data as unknown[] | undefined) ?? [];
  if (rows.length === 0) return { rows_written: 0 };
  const delimiter = delimiterOf(inputs.delimiter);
  const given = Array.isArray(inputs.headers) ? (inputs.headers as unknown[]).map(String) : undefined;
  let records: string[][];
  if (isDict(rows[0])) {
    const columns = given ?? Object.keys(rows[0]);
    records = [columns];
    for (const r of rows) {
      if (!isDict(r)) throw new NodeFailure('AttributeError', `'${typeOf(r)}' object has no attribute 'keys'`);
      const extra = Object.keys(r).filter((k) => !columns.includes(k));
      if (extra.length)
        throw new NodeFailure(
          'ValueError',
          `dict contains fields not in fieldnames: ${extra.map((k) => pyStr([k]).slice(1, -1)).join(', ')}`,
        );
      records.push(columns.map((c) => (Object.prototype.hasOwnProperty.call(r, c) ? cell(r[c]) : '')));
    }
  } else {
    records = given ? [given] : [];
    for (const r of rows) records.push((Array.isArray(r) ? r : [r]).map(cell));
  }
  // QUOTE_MINIMAL: Python also quotes a field holding a lone \n or \r.
  const stringifier = stringify({ delimiter, record_delimiter: '\r\n', quoted_match: /[\r\n]/ });
  const source = Readable.from(records, { objectMode: true });
  await writeAtomically(inputs.file_path, ctx, (tmp) => pipeline(source, stringifier, createWriteStream(tmp), { signal: ctx.signal }));
  // Kailash returns the path as the workflow gave it, not resolved.
  return { rows_written: rows.length, file_path: inputs.file_path };
};
