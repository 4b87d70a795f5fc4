import type { NodeOutput, NodeRun } from '../../catalog/types';
import { caseKey } from '../../catalog/switch-cases';
import { pyCompare, pyEquals, pyIn } from './python';
import { isDict } from '../../values/py';
import { inSchemaOrder } from '../output-order';

/** `check <operator> value` as SwitchNode evaluates it: unknown operators and errors are False. */
export function evaluate(check: unknown, operator: string, value: unknown): boolean {
  switch (operator) {
    case '==':
      return pyEquals(check, value);
    case '!=':
      return !pyEquals(check, value);
    case '>':
    case '<':
    case '>=':
    case '<=': {
      if (check === null || check === undefined || value === null || value === undefined) return false;
      const c = pyCompare(check, value);
      if (c === undefined) return false;
      return operator === '>' ? c > 0 : operator === '<' ? c < 0 : operator === '>=' ? c >= 0 : c <= 0;
    }
    case 'in':
      return pyIn(check, value) ?? false;
    case 'contains':
      return pyIn(value, check) ?? false;
    case 'is_null':
      return check === null || check === undefined;
    case 'is_not_null':
      return check !== null && check !== undefined;
    default:
      return false;
  }
}

/** SwitchNode's `get_output_schema` in Kailash; a case's output is not in it. */
const SCHEMA = ['true_output', 'false_output', 'default', 'condition_result'];

/** Kailash's SwitchNode (`nodes/logic/operations.py`): boolean mode or multi-case routing. */
export const runSwitch: NodeRun = async (inputs) => inSchemaOrder(route(inputs), SCHEMA);

function route(inputs: Record<string, unknown>): NodeOutput {
  const data = inputs.input_data ?? null;
  const field = inputs.condition_field as string | undefined;
  const operator = String(inputs.operator ?? '==');
  const cases = inputs.cases as unknown[] | undefined | null;
  const withResult = inputs.pass_condition_result !== false;
  const prefix = String(inputs.case_prefix ?? 'case_');
  const defaultField = String(inputs.default_field ?? 'default');
  if (field && Array.isArray(data) && data.length > 0 && isDict(data[0]))
    return groupByField(data, field, cases ?? [], prefix, defaultField, withResult);
  const check = field && isDict(data) ? (data[field] ?? null) : data;
  if (!cases || cases.length === 0) {
    const ok = evaluate(check, operator, inputs.value);
    const out: NodeOutput = { true_output: ok ? data : null, false_output: ok ? null : data };
    if (withResult) out.condition_result = ok;
    return out;
  }
  const out: NodeOutput = { [defaultField]: data };
  for (const c of cases) out[caseKey(prefix, c)] = null;
  let matched: unknown = null;
  const breakFirst = inputs.break_after_first_match !== false;
  for (const c of cases) {
    if (!evaluate(check, operator, c)) continue;
    out[caseKey(prefix, c)] = data;
    // Kailash keeps the last case that matched when it does not stop at the first.
    matched = c;
    if (breakFirst) break;
  }
  if (withResult) out.condition_result = matched;
  return out;
}

/**
 * A list of records (Kailash checks only the first item) is grouped by the field's value: each
 * case gets the items equal to it (the operator is not used), `default` every item, group by group.
 */
function groupByField(
  data: unknown[],
  field: string,
  cases: unknown[],
  prefix: string,
  defaultField: string,
  withResult: boolean,
): NodeOutput {
  const groups: [unknown, unknown[]][] = [];
  for (const item of data) {
    const k = isDict(item) ? (item[field] ?? null) : null;
    const g = groups.find(([x]) => pyEquals(x, k));
    if (g) g[1].push(item);
    else groups.push([k, [item]]);
  }
  const out: NodeOutput = { [defaultField]: groups.flatMap(([, items]) => items) };
  const matched: unknown[] = [];
  for (const c of cases) {
    const g = groups.find(([x]) => pyEquals(x, c));
    out[caseKey(prefix, c)] = g ? g[1] : [];
    if (g && !matched.some((m) => pyEquals(m, c))) matched.push(c);
  }
  // Kailash takes a set intersection here, so with several matches its order is the hash seed's.
  if (withResult) out.condition_result = matched;
  return out;
}
