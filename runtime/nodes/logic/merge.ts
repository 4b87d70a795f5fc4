import type { NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';

function isDict(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Kailash's MergeNode (`nodes/logic/operations.py`): concat, zip or merge_dict of data1..data5. */
export const runMerge: NodeRun = async (inputs) => {
  if (!('data1' in inputs)) throw new NodeFailure('ValueError', "Required parameter 'data1' not provided at execution time");
  const all = [inputs.data1, inputs.data2, inputs.data3, inputs.data4, inputs.data5];
  const values = inputs.skip_none === false ? all.map((v) => v ?? null) : all.filter((v) => v !== null && v !== undefined);
  if (values.length === 0) return { merged_data: null };
  if (values.length === 1) return { merged_data: values[0] };
  const type = String(inputs.merge_type ?? 'concat');
  switch (type) {
    case 'concat':
      return { merged_data: values.every(Array.isArray) ? (values as unknown[][]).flat(1) : values };
    case 'zip': {
      const lists = values.map((v) => (Array.isArray(v) ? v : [v]));
      const n = Math.min(...lists.map((l) => l.length));
      return { merged_data: Array.from({ length: n }, (_, i) => lists.map((l) => l[i])) };
    }
    case 'merge_dict': {
      if (values.every(isDict)) return { merged_data: Object.assign({}, ...values) };
      const key = inputs.key as string | undefined;
      if (key && values.every((v) => Array.isArray(v) && v.every(isDict))) {
        const byKey = new Map<unknown, Record<string, unknown>>();
        for (const list of values as Record<string, unknown>[][]) {
          for (const item of list) byKey.set(item[key], { ...(byKey.get(item[key]) ?? {}), ...item });
        }
        return { merged_data: [...byKey.values()] };
      }
      throw new NodeFailure('ValueError', 'merge_dict needs dicts, or lists of dicts with a `key` to join on');
    }
    default:
      throw new NodeFailure('ValueError', `Unknown merge type: ${type}`);
  }
};
