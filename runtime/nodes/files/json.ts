import type { NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { parseJson } from '../../values/json';
import { jsonText } from '../../values/print';
import { toNumber, isNumeric } from '../../values/py';
import { readWithin, writeWithin } from './paths';

/** Kailash's `json.load`: `2.0` stays a float, big ints exact, `NaN` accepted. */
export const readJson: NodeRun = async (inputs, ctx) => {
  const text = await readWithin(inputs.file_path, ctx);
  try {
    return { data: parseJson(text) };
  } catch (err) {
    throw new NodeFailure('JSONDecodeError', `${String(inputs.file_path)} is not valid JSON: ${(err as Error).message}`);
  }
};

/** Kailash's `json.dump(data, f, indent=indent, ensure_ascii=False)`, numbers as Python writes them. */
export const writeJson: NodeRun = async (inputs, ctx) => {
  const indent = isNumeric(inputs.indent) ? toNumber(inputs.indent) : 2;
  await writeWithin(inputs.file_path, jsonText(inputs.data ?? null, { indent }), ctx);
  // Kailash returns the path as the workflow gave it, not resolved.
  return { file_path: inputs.file_path };
};
