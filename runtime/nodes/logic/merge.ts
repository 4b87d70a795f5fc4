import type { NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { pyEquals } from './python';
import { PyTuple, isDict, tuple } from '../../values/py';

/** Python's `isinstance(v, list)`: a tuple is not one. */
const isList = (v: unknown): v is unknown[] => Array.isArray(v) && !(v instanceof PyTuple);

const absent = (v: unknown) => v === null || v === undefined;

/**
 * Kailash's MergeNode (`nodes/logic/operations.py`), step for step: None inputs are always left
 * out (`skip_none` only matters when all five are None), one input is passed through, and
 * merge_dict on lists joins later lists into the first by `key`, appending their unmatched items.
 */
export const runMerge: NodeRun = async (inputs) => {
  const all = [inputs.data1, inputs.data2, inputs.data3, inputs.data4, inputs.data5];
  if (all.every(absent) && inputs.skip_none !== false) return { merged_data: null };
  if (!('data1' in inputs)) throw new NodeFailure('ValueError', "Required parameter 'data1' not provided at execution time");
  const values = all.filter((v) => !absent(v));
  if (values.length === 0) return { merged_data: null };
  if (values.length === 1) return { merged_data: values[0] };
  const type = String(inputs.merge_type ?? 'concat');
  switch (type) {
    case 'concat':
      return { merged_data: values.every(isList) ? (values as unknown[][]).flat(1) : values };
    case 'zip': {
      const lists = values.map((v) => (isList(v) ? v : [v]));
      const n = Math.min(...lists.map((l) => l.length));
      // `list(zip(...))`: a list of tuples.
      return { merged_data: Array.from({ length: n }, (_, i) => tuple(lists.map((l) => l[i]))) };
    }
    case 'merge_dict': {
      if (values.every(isDict)) return { merged_data: Object.assign({}, ...values) };
      const key = inputs.key as string | undefined | null;
      if (key && values.every(isList)) return { merged_data: joinOn(values as unknown[][], key) };
      throw new NodeFailure('ValueError', 'merge_dict requires dict inputs or lists of dicts with a key');
    }
    default:
      throw new NodeFailure('ValueError', `Unknown merge type: ${type}`);
  }
};

/** Items of later lists update the first list's items with an equal `key` value; the rest are appended. */
function joinOn(lists: unknown[][], key: string): unknown[] {
  const result = [...lists[0]!];
  const has = (item: unknown): item is Record<string, unknown> => isDict(item) && Object.prototype.hasOwnProperty.call(item, key);
  for (const list of lists.slice(1)) {
    // Python's dict comprehension: the last item with a given key value wins; items without the key index as None.
    const indexed: [unknown, Record<string, unknown>][] = [];
    for (const item of list) {
      if (!isDict(item)) continue;
      const k = item[key] ?? null;
      const at = indexed.findIndex(([x]) => pyEquals(x, k));
      if (at >= 0) indexed[at] = [indexed[at]![0], item];
      else indexed.push([k, item]);
    }
    for (let i = 0; i < result.length; i++) {
      const item = result[i];
      if (!has(item)) continue;
      const match = indexed.find(([x]) => pyEquals(x, item[key] ?? null));
      if (match) result[i] = { ...item, ...match[1] };
    }
    const keys = result.filter(has).map((item) => item[key] ?? null);
    for (const item of list) if (has(item) && !keys.some((k) => pyEquals(k, item[key] ?? null))) result.push(item);
  }
  return result;
}
