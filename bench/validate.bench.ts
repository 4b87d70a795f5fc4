// Validation time against the bare `yaml` parse of the same text, measured in the same run.
import { parseDocument } from 'yaml';
import { validateText } from '../runtime/validate';
import { generateWorkflow } from './generate';
import { median, report, time } from './measure';

/** The same workflow with a typo in every node type and every other connection target. */
function broken(n: number): string {
  return generateWorkflow(n)
    .replace(/to_node: save_/g, 'to_node: sav_')
    .replace(/type: HTTPRequestNode/g, 'type: HTTPRequestNod');
}

export function run(): void {
  const rows = [];
  const cases = [100, 1000, 2000, 5000].map((n) => ({ n, text: generateWorkflow(n), clean: true }));
  cases.push({ n: 5000, text: broken(5000), clean: false });
  for (const { n, text, clean } of cases) {
    const diagnostics = validateText(text).diagnostics;
    if (clean && diagnostics.length) throw new Error(`generated workflow is not clean: ${diagnostics[0]!.message}`);
    const runs = n >= 2000 ? 9 : 21;
    const parse: number[] = [];
    const validate: number[] = [];
    for (let i = 0; i < 3; i++) {
      parseDocument(text);
      validateText(text);
    }
    // Interleaved, so that machine noise hits both sides alike.
    for (let i = 0; i < runs; i++) {
      parse.push(time(() => parseDocument(text)));
      validate.push(time(() => validateText(text)));
    }
    const p = median(parse);
    const v = median(validate);
    rows.push({
      name: `validate ${n} nodes (${text.split('\n').length} lines)${clean ? '' : `, ${diagnostics.length} diagnostics`}`,
      value: v,
      baseline: p,
      baselineName: 'yaml parseDocument',
      ...(clean ? { goal: 1.5 } : {}),
    });
  }
  report('Validation vs bare YAML parse (ms, median)', rows);
}
