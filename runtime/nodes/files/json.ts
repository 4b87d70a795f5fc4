import type { NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { readWithin, writeWithin } from './paths';

export const readJson: NodeRun = async (inputs, ctx) => {
  const text = await readWithin(inputs.file_path, ctx);
  try {
    return { data: JSON.parse(text) };
  } catch (err) {
    throw new NodeFailure('JSONDecodeError', `${String(inputs.file_path)} is not valid JSON: ${(err as Error).message}`);
  }
};

export const writeJson: NodeRun = async (inputs, ctx) => {
  const indent = typeof inputs.indent === 'number' ? inputs.indent : 2;
  await writeWithin(inputs.file_path, JSON.stringify(inputs.data ?? null, null, indent), ctx);
  // Kailash returns the path as the workflow gave it, not resolved.
  return { file_path: inputs.file_path };
};
