import { pyStr } from '../values/print';

/**
 * Kailash's SwitchNode case output key: the prefix plus `str(case)` with space `-` `.` `:` `/`
 * as `_`. Validation needs it for the ports a config creates, the node for the keys it returns.
 */
export function caseKey(prefix: string, value: unknown): string {
  return `${prefix}${pyStr(value).replace(/[ \-.:/]/g, '_')}`;
}
