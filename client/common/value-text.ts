import { jsonText, numberRepr } from '../../runtime/values/print';
import { fromTagged } from '../../runtime/values/wire';

/**
 * The panel's text of a value, as Python prints it. Values reach the panel in the tagged form of
 * runtime/values/wire.ts (a big int or a whole float as `{"$int"|"$float": text}`); the rest are
 * JSON numbers, which JavaScript would print its own way (`1e-7`, `1e+21` for an int): these use
 * runtime/values' one printer (pure code, so the webview bundle may hold it).
 */

/** A plain JSON number of a panel value: a float as `repr` gives it (`1e-07`), an int with every digit. */
export function numberText(n: number): string {
  return numberRepr(n);
}

/**
 * A panel value as `json.dumps` writes it (`indent` as Python's; NaN as `NaN`). The value is not
 * changed: the panel keeps it to render again.
 */
export function valueJson(v: unknown, indent?: number): string {
  const value = fromTagged(v !== null && typeof v === 'object' ? structuredClone(v) : v);
  return jsonText(value, indent === undefined ? { nonFinite: 'python' } : { indent, nonFinite: 'python' });
}
