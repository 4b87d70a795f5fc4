// Fuzzing: mutations of the examples (byte flips, deleted, duplicated and swapped lines, keys
// named like Object.prototype members, huge numbers, deep nesting, alias bombs) through validate,
// the language server over stdio and the engine. No input may crash any of them or keep one
// busy for more than 5 s. `KWF_FUZZ_SCALE=10 npm run fuzz` runs ten times as many.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { WorkflowInvalid } from '../../runtime/engine/errors';
import { LocalRuntime } from '../../runtime/engine/local';
import { parseWorkflow } from '../../runtime/model/parse';
import { validateText } from '../../runtime/validate';
import { startLsp } from '../support/lsp-client';
import { mutated, seeds } from '../support/mutate';

const SCALE = Math.max(1, Number(process.env.KWF_FUZZ_SCALE ?? 1));
const HANG_MS = 5000;
const SEED = process.env.KWF_FUZZ_SEED === undefined ? undefined : Number(process.env.KWF_FUZZ_SEED);
const texts = seeds().map((s) => s.text);

/** Nodes that need no network or external program: what the engine fuzz may run. */
const OFFLINE = new Set([
  'MergeNode',
  'SwitchNode',
  'CSVReaderNode',
  'CSVWriterNode',
  'JSONReaderNode',
  'JSONWriterNode',
  'TextReaderNode',
  'TextWriterNode',
  'DirectoryReaderNode',
  'JavaScriptCodeNode',
]);

const runnable = [
  ...texts.filter((t) => {
    const m = parseWorkflow(t);
    return m.nodes.length > 0 && m.nodes.every((n) => OFFLINE.has(n.type?.value ?? ''));
  }),
  `nodes:
  - {id: text, type: TextReaderNode, config: {file_path: data/orders.csv}}
  - {id: js, type: JavaScriptCodeNode, config: {code: "result = {n: String(text).length, k: Object.keys({a: 1})}"}}
  - {id: pick, type: SwitchNode, config: {condition_field: n, operator: ">", value: 10}}
  - {id: out, type: JSONWriterNode, config: {file_path: out/js.json}}
connections:
  - {from_node: text, from_output: text, to_node: js, to_input: text}
  - {from_node: js, from_output: result, to_node: pick, to_input: input_data}
  - {from_node: pick, from_output: true_output, to_node: out, to_input: data}
`,
  `nodes:
  - {id: a, type: MergeNode, config: {data1: [1, 2], data2: [3], merge_type: concat}}
  - {id: w, type: TextWriterNode, config: {file_path: out/a.txt, text: "\${a}"}}
  - {id: ls, type: DirectoryReaderNode, config: {directory_path: ., recursive: true}}
connections:
  - {from_node: a, from_output: merged_data, to_node: w, to_input: text}
`,
];

/** Fails if `work` takes longer than HANG_MS; returns how long it took. */
async function noHang<T>(what: string, work: () => Promise<T> | T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(work),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took more than ${HANG_MS} ms`)), HANG_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe('fuzzing the examples', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kwf-fuzz-'));
  cpSync(join(__dirname, '..', '..', 'examples', 'data'), join(dir, 'data'), { recursive: true });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`validate: ${1500 * SCALE} mutations, no crash, none over ${HANG_MS / 1000} s`, () => {
    fc.assert(
      fc.property(mutated(texts), (text) => {
        const started = performance.now();
        const { diagnostics } = validateText(text);
        const ms = performance.now() - started;
        assert.ok(ms < HANG_MS, `validate took ${Math.round(ms)} ms`);
        for (const d of diagnostics) assert.ok(d.span[0] <= d.span[1] && d.span[1] <= text.length, `span ${d.span} outside the text`);
      }),
      { numRuns: 1500 * SCALE, seed: SEED },
    );
    assert.equal(({} as Record<string, unknown>).x, undefined, 'Object.prototype was polluted');
  });

  it(`run: ${120 * SCALE} mutations of offline workflows, each finishes or is refused within ${HANG_MS / 1000} s`, async () => {
    const runtime = new LocalRuntime({ env: {} });
    try {
      await fc.assert(
        fc.asyncProperty(mutated(runnable), async (text) => {
          const model = parseWorkflow(text);
          // Only what stays offline: a mutation may turn a node into any type.
          if (!model.nodes.every((n) => OFFLINE.has(n.type?.value ?? ''))) return;
          const signal = AbortSignal.timeout(HANG_MS - 1000);
          try {
            const result = await noHang('run', () => runtime.execute(model, { baseDir: dir, signal }));
            assert.ok(['succeeded', 'failed', 'cancelled'].includes(result.status));
            for (const n of Object.values(result.nodes))
              if (n.error) assert.ok(typeof n.error.message === 'string' && n.error.message.length > 0);
          } catch (err) {
            if (!(err instanceof WorkflowInvalid)) throw err;
          }
        }),
        { numRuns: 120 * SCALE, seed: SEED },
      );
    } finally {
      await runtime.dispose();
    }
    assert.equal(({} as Record<string, unknown>).x, undefined, 'Object.prototype was polluted');
  });

  it(
    `language server over stdio: ${300 * SCALE} changes, then it still answers within ${HANG_MS / 1000} s`,
    { timeout: 300_000 },
    async () => {
      const lsp = await startLsp();
      try {
        const uri = 'file:///fuzz.workflow.yaml';
        await lsp.open(uri, texts[0]!);
        const changes = fc.sample(mutated(texts), { numRuns: 300 * SCALE, seed: SEED ?? 42 });
        let version = 1;
        for (const [i, text] of changes.entries()) {
          await lsp.change(uri, ++version, [{ text }]);
          // Now and then a request at a random place, as an editor sends them while typing.
          if (i % 25 === 24) {
            const line = i % Math.max(1, text.split('\n').length);
            await noHang('hover', () => lsp.request('textDocument/hover', { textDocument: { uri }, position: { line, character: 4 } }));
            await noHang('completion', () =>
              lsp.request('textDocument/completion', { textDocument: { uri }, position: { line, character: 6 } }),
            );
          }
        }
        const last = ++version;
        const published = lsp.diagnostics(uri, (p) => p.version === last);
        await lsp.change(uri, last, [{ text: texts[0]! }]);
        await noHang('the diagnostics of the last change', () => published);
        const symbols = await noHang('documentSymbol', () =>
          lsp.request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri } }),
        );
        assert.ok(Array.isArray(symbols) && symbols.length > 0);
        assert.equal(lsp.process.exitCode, null, 'the server exited');
        assert.doesNotMatch(lsp.stderr(), /TypeError|RangeError|Maximum call stack|Unhandled/);
      } finally {
        await lsp.close();
      }
    },
  );
});
