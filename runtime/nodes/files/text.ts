import type { NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { readWithin, writeWithin } from './paths';

function encodingOf(v: unknown): BufferEncoding {
  const e = String(v ?? 'utf-8')
    .toLowerCase()
    .replace('_', '-');
  const map: Record<string, BufferEncoding> = {
    'utf-8': 'utf8',
    utf8: 'utf8',
    ascii: 'ascii',
    'latin-1': 'latin1',
    latin1: 'latin1',
    'iso-8859-1': 'latin1',
    'utf-16le': 'utf16le',
  };
  const enc = map[e];
  if (!enc) throw new NodeFailure('LookupError', `unknown encoding: ${String(v)}`);
  return enc;
}

/** Kailash opens the file in text mode, so `\r\n` and a lone `\r` arrive as `\n` (universal newlines). */
export const readText: NodeRun = async (inputs, ctx) => ({
  text: (await readWithin(inputs.file_path, ctx, encodingOf(inputs.encoding))).replace(/\r\n?/g, '\n'),
});

export const writeText: NodeRun = async (inputs, ctx) => {
  const encoding = encodingOf(inputs.encoding);
  const text = String(inputs.text ?? '');
  await writeWithin(inputs.file_path, text, ctx, { encoding, append: inputs.append === true });
  // Kailash returns the path as the workflow gave it, not resolved.
  return { file_path: inputs.file_path, bytes_written: Buffer.byteLength(text, encoding) };
};
