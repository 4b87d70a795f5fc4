import { main } from '../../runtime/cli/main';

/**
 * `kailash-wf …` in this process, through the CLI's `main` with its output captured: the fast way
 * for tests of the CLI itself. test/support/cli-process.ts runs it in its own process instead.
 */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}
