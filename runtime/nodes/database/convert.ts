/**
 * Database values → JSON, as Kailash's SQL nodes convert them: Decimal → float, date and datetime
 * → ISO text, timedelta → seconds, UUID → text, bytes → base64. Drivers are told to hand over
 * text where their own parsing would lose something (microseconds, time zones, big integers).
 */
import { jsonText } from '../../values/print';
import { PyFloat, pyInt, toJs } from '../../values/py';

/** An integer column: a number, or a bigint beyond 2^53 (a Python int either way, runtime/values). */
export function bigToJson(v: bigint | string): number | bigint {
  return pyInt(typeof v === 'bigint' ? v : BigInt(v));
}

export function toJson(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'bigint':
      return bigToJson(v);
    case 'object':
      if (v instanceof PyFloat) return v;
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
      if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
      if (Array.isArray(v)) return v.map(toJson);
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toJson(x)]));
    default:
      return String(v);
  }
}

/** `2024-05-01 12:00:00.5+02` → `2024-05-01T12:00:00.5+02:00`, Python's isoformat. */
export function isoFromSql(text: string): string {
  const t = text.replace(' ', 'T');
  return t.replace(/([+-]\d{2})$/, '$1:00').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
}

/** `HH:MM:SS[.ffffff]` (MySQL TIME, possibly negative or over 24 h) → seconds, as timedelta.total_seconds(). */
export function secondsFromTime(text: string): number {
  const m = /^(-)?(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(text.trim());
  if (!m) return Number.NaN;
  const s = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  return m[1] ? -s : s;
}

/** node-postgres interval object → seconds (a month counts 30 days and a year 365, as psycopg does). */
export function secondsFromInterval(i: Record<string, number | undefined>): number {
  const days = (i.years ?? 0) * 365 + (i.months ?? 0) * 30 + (i.days ?? 0);
  return days * 86400 + (i.hours ?? 0) * 3600 + (i.minutes ?? 0) * 60 + (i.seconds ?? 0) + (i.milliseconds ?? 0) / 1000;
}

/** Values bound to drivers without native JSON or boolean types get text and 0/1. */
export function bindValue(v: unknown, dialect: 'postgresql' | 'mysql' | 'sqlite'): unknown {
  if (v === undefined) return null;
  if (v instanceof PyFloat) return v.value;
  if (v !== null && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array)) v = toJs(v);
  if (v === null || typeof v === 'string' || typeof v === 'number' || v instanceof Uint8Array) return v;
  if (typeof v === 'boolean') return dialect === 'sqlite' ? (v ? 1 : 0) : v;
  if (typeof v === 'bigint') return dialect === 'sqlite' ? v : v.toString();
  if (v instanceof Date) return dialect === 'postgresql' ? v : v.toISOString().replace('T', ' ').replace('Z', '');
  // node-postgres turns JS arrays into PostgreSQL arrays itself; objects become JSON text as Python writes it.
  if (dialect === 'postgresql' && Array.isArray(v)) return v;
  return jsonText(v, { separators: 'compact' });
}
