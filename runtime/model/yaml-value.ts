import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { setOwn } from '../util/own';
import { exactNumber } from './numbers';

/**
 * A YAML (or JSON) text that is data, not a workflow (`--params`, `--param`), read as the `yaml`
 * library's default (YAML 1.2) reads it, with the value model's numbers (`2.0` a float, big ints
 * exact). Throws on a syntax error.
 */
export function readYamlValue(text: string): unknown {
  const doc = parseDocument(text);
  if (doc.errors.length) throw doc.errors[0];
  const walk = (n: unknown, depth: number): unknown => {
    if (n === null || n === undefined || depth > 200) return null;
    if (isAlias(n)) return walk(n.resolve(doc), depth + 1);
    if (isScalar(n)) {
      const v = n.value;
      if (typeof v === 'number' && n.source !== undefined && n.type === 'PLAIN') return exactNumber(String(n.source), v) ?? v;
      if (typeof v === 'bigint') return v;
      return v instanceof Date ? v.toISOString() : v;
    }
    if (isSeq(n)) return n.items.map((x) => walk(x, depth + 1));
    if (isMap(n)) {
      const out: Record<string, unknown> = {};
      for (const p of n.items) {
        if (!isPair(p)) continue;
        const k = isScalar(p.key) ? p.key.value : p.key;
        setOwn(out, String(k), walk(p.value as YamlNode, depth + 1));
      }
      return out;
    }
    return null;
  };
  return walk(doc.contents, 0);
}
