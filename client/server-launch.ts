/**
 * Node flags the extension starts the language server with. A young generation of 8 MB
 * semi-spaces instead of V8's 16: V8 keeps those pages committed once grown, and with them the
 * server holds about 12 MB less with a 10,000-node file open (132 vs 144 MB), with no slower
 * open or edit (BENCHMARKS.md, issue 15). `bench/lsp.bench.ts` starts it the same way.
 */
export const SERVER_EXEC_ARGV: readonly string[] = ['--max-semi-space-size=8'];
