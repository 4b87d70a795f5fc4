import type { NodeOutput, NodeRun } from '../../catalog/types';
import { caseKey } from '../../catalog/switch-cases';
import { pyCompare, pyEquals, pyIn } from './python';

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

function isDict(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Kailash's SwitchNode (`nodes/logic/operations.py`): boolean mode or multi-case routing. */
export const runSwitch: NodeRun = async (inputs) => {
  const data = inputs.input_data ?? null;
  const field = inputs.condition_field as string | undefined;
  const operator = String(inputs.operator ?? '==');
  const cases = inputs.cases as unknown[] | undefined | null;
  const withResult = inputs.pass_condition_result !== false;
  const check = field && isDict(data) ? (data[field] ?? null) : data;
  if (!cases || cases.length === 0) {
    const ok = evaluate(check, operator, inputs.value);
    const out: NodeOutput = { true_output: ok ? data : null, false_output: ok ? null : data };
    if (withResult) out.condition_result = ok;
    return out;
  }
  const prefix = String(inputs.case_prefix ?? 'case_');
  const out: NodeOutput = { [String(inputs.default_field ?? 'default')]: data };
  if (Array.isArray(data) && field && data.every(isDict)) {
    // A list of records is grouped by the field's value.
    const matched: unknown[] = [];
    for (const c of cases) {
      const items = data.filter((item) => evaluate(item[field] ?? null, operator, c));
      out[caseKey(prefix, c)] = items;
      if (items.length) matched.push(c);
    }
    if (withResult) out.condition_result = matched;
    return out;
  }
  let matched: unknown = null;
  const breakFirst = inputs.break_after_first_match !== false;
  for (const c of cases) {
    const hit = (!breakFirst || matched === null) && evaluate(check, operator, c);
    out[caseKey(prefix, c)] = hit ? data : null;
    if (hit && matched === null) matched = c;
  }
  if (withResult) out.condition_result = matched;
  return out;
};
