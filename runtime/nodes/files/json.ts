import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { fsFailure, safePath } from './paths';

export const readJson: NodeRun = async (inputs, ctx) => {
  const path = safePath(inputs.file_path, ctx);
  let text: string;
  try {
    text = await readFile(path, { encoding: 'utf8', signal: ctx.signal });
  } catch (err) {
    throw fsFailure(err, String(inputs.file_path));
  }
  try {
    return { data: JSON.parse(text) };
  } catch (err) {
    throw new NodeFailure('JSONDecodeError', `${String(inputs.file_path)} is not valid JSON: ${(err as Error).message}`);
  }
};

export const writeJson: NodeRun = async (inputs, ctx) => {
  const path = safePath(inputs.file_path, ctx);
  const indent = typeof inputs.indent === 'number' ? inputs.indent : 2;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, JSON.stringify(inputs.data ?? null, null, indent), { encoding: 'utf8', signal: ctx.signal });
  } catch (err) {
    throw fsFailure(err, String(inputs.file_path));
  }
  return { file_path: path };
};
