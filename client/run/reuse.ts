import type { NodeOutput } from '../../runtime/catalog/types';
import type { RunOptions } from '../../runtime/engine/types';
import { buildGraph } from '../../runtime/graph/graph';
import { parseWorkflowFile } from '../../runtime/model/load';

interface Kept {
  outputs: Record<string, NodeOutput | null>;
  /** Every secret value the kept outputs may hold, from whichever run produced them. */
  secrets: Set<string>;
}

/**
 * The real outputs of each file's runs, for "re-run from here", with the secret values they may
 * hold: a re-run does not run the reused nodes, so its redactor learns their secrets from here
 * or the panel, hover and inline results would show them. Lives in the run host only.
 */
export class ReuseCache {
  private readonly files = new Map<string, Kept>();

  /** The `keepOutputs` option for a run of `file`. */
  keeper(file: string): NonNullable<RunOptions['keepOutputs']> {
    return (outputs, secrets) => {
      const kept = this.files.get(file) ?? { outputs: {}, secrets: new Set<string>() };
      Object.assign(kept.outputs, outputs);
      for (const s of secrets) kept.secrets.add(s);
      this.files.set(file, kept);
    };
  }

  /** Options to re-run `text` from node `from`: everything not downstream of it reused, with the secrets to redact. */
  rerun(file: string, text: string, from: string): Pick<RunOptions, 'reuse' | 'reuseSecrets'> {
    const kept = this.files.get(file);
    if (!kept) return {};
    const g = buildGraph(parseWorkflowFile(text, file));
    const rerun = new Set([from]);
    const stack = [from];
    while (stack.length) for (const s of g.successors.get(stack.pop()!) ?? []) if (!rerun.has(s)) (rerun.add(s), stack.push(s));
    const reuse = Object.fromEntries(Object.entries(kept.outputs).filter(([id]) => !rerun.has(id)));
    return { reuse, reuseSecrets: [...kept.secrets] };
  }
}
