import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { fsFailure, safePath } from './paths';

function encodingOf(v: unknown): BufferEncoding {
  const e = String(v ?? 'utf-8').toLowerCase().replace('_', '-');
  const map: Record<string, BufferEncoding> = { 'utf-8': 'utf8', utf8: 'utf8', ascii: 'ascii', 'latin-1': 'latin1', latin1: 'latin1', 'iso-8859-1': 'latin1', 'utf-16le': 'utf16le' };
  const enc = map[e];
  if (!enc) throw new NodeFailure('LookupError', `unknown encoding: ${String(v)}`);
  return enc;
}

export const readText: NodeRun = async (inputs, ctx) => {
  const path = safePath(inputs.file_path, ctx);
  try {
    return { text: await readFile(path, { encoding: encodingOf(inputs.encoding), signal: ctx.signal }) };
  } catch (err) {
    if (err instanceof NodeFailure) throw err;
    throw fsFailure(err, String(inputs.file_path));
  }
};

export const writeText: NodeRun = async (inputs, ctx) => {
  const path = safePath(inputs.file_path, ctx);
  const encoding = encodingOf(inputs.encoding);
  const text = String(inputs.text ?? '');
  try {
    await mkdir(dirname(path), { recursive: true });
    if (inputs.append) await appendFile(path, text, { encoding });
    else await writeFile(path, text, { encoding, signal: ctx.signal });
  } catch (err) {
    throw fsFailure(err, String(inputs.file_path));
  }
  return { file_path: path, bytes_written: Buffer.byteLength(text, encoding) };
};
