import { PyFloat } from '../values/py';

/**
 * What Python reads from a number's text where a JS number cannot say it (`ScalarValue.exact`):
 * a float written as a whole number (`2.0`, `1.0e+3`, `-0.0`) or an int beyond 2^53. `value` is
 * what the YAML or JSON reader already made of the text, which decides that it is a number.
 */
export function exactNumber(source: string, value: number): bigint | PyFloat | undefined {
  const s = source.trim().replace(/_/g, '');
  const negative = s.startsWith('-');
  const body = s.replace(/^[-+]/, '');
  if (/^0[xXbBoO]/.test(body) || !/[.eE]/.test(body)) {
    if (Number.isSafeInteger(value)) return undefined;
    let digits: string | undefined;
    if (/^0[xX][0-9a-fA-F]+$|^0[bB][01]+$|^0[oO][0-7]+$/.test(body)) digits = body;
    else if (/^0[0-7]+$/.test(body)) digits = `0o${body.slice(1)}`;
    else if (/^\d+$/.test(body)) digits = body;
    if (digits === undefined) return undefined;
    const n = BigInt(digits);
    return negative ? -n : n;
  }
  if (/inf|nan/i.test(body)) return undefined;
  const parsed = Number(s);
  const f = Number.isNaN(parsed) ? value : parsed;
  return Number.isInteger(f) ? new PyFloat(f) : undefined;
}
