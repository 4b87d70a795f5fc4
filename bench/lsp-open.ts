// Opening a generated workflow through built servers, alternating them round by round:
// time from didOpen to the first publishDiagnostics and the server's resident set.
//
//   node --import tsx bench/lsp-open.ts NODES ROUNDS SERVER.js [SERVER.js ...]
//
// `OPEN_REQUESTS=1` sends what an editor sends with an open (semantic tokens, symbols, lenses,
// links) right after didOpen, as VS Code does; `OPEN_EMPTY=1` opens an empty workflow instead;
// `NODE_ARGS` are given to node before the server (`--cpu-prof`, heap flags); `OPEN_EDITS=N` then
// types N characters into node N/2's `url` and gives edit → diagnostics p50 / p95. The resident set
// is read at the first diagnostics, 300 ms after the open or the last edit, and at rest (after the
// server's idle collection, `server/memory.ts`).
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { generateWorkflow } from './generate';
import { percentile, startSession } from './lsp-session';
import { QUIET_MS } from '../server/memory';

const [nodes = '10000', rounds = '3', ...servers] = process.argv.slice(2);
if (!servers.length) throw new Error('usage: lsp-open.ts NODES ROUNDS SERVER.js [SERVER.js ...]');
const text = process.env.OPEN_EMPTY ? 'nodes: []\n' : generateWorkflow(Number(nodes));
const uri = pathToFileURL(join(process.cwd(), '.bench', 'open.workflow.yaml')).href;
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * CPU time the server has used (ms): its main thread's (`schedstat`, in ns: what the open waits
 * for) and the whole process's (`stat`, in clock ticks of 10 ms, GC helper threads included).
 * Less disturbed than wall time on a shared machine, where other processes take turns.
 */
function cpuOf(pid: number): { main: number; all: number } {
  const main = Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { main, all: (Number(fields[11]) + Number(fields[12])) * 10 };
}

async function main(): Promise<void> {
  for (let r = 0; r < Number(rounds); r++) {
    for (const server of servers) {
      const session = await startSession([...(process.env.NODE_ARGS?.split(' ') ?? []), server, '--stdio'], {});
      await settle(300);
      const empty = session.memory().rss;
      const cpu0 = cpuOf(session.process.pid!);
      const opened = session.nextDiagnostics(uri);
      const load = loadavg()[0]!.toFixed(2);
      const t0 = performance.now();
      void session.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
      const asked = process.env.OPEN_REQUESTS
        ? ['textDocument/semanticTokens/full', 'textDocument/documentSymbol', 'textDocument/codeLens', 'textDocument/documentLink'].map(
            (m) => session.connection.sendRequest(m, { textDocument: { uri } }).then(() => performance.now() - t0),
          )
        : [];
      const first = await opened;
      const at = first.at - t0;
      const cpu1 = cpuOf(session.process.pid!);
      const rss = session.memory().rss;
      const answered = await Promise.all(asked);
      // `OPEN_EDITS=N`: then N one-character edits at the end of node N/2's `url` line, each to its diagnostics.
      const edits: number[] = [];
      if (process.env.OPEN_EDITS) {
        const lines = text.split('\n');
        const line = lines.indexOf(`      url: https://example.com/${Number(nodes) / 2}`);
        if (line < 0) throw new Error('no url line at node N/2');
        let character = lines[line]!.length;
        for (let k = 0; k < Number(process.env.OPEN_EDITS); k++) {
          const published = session.nextDiagnostics(uri);
          const start = performance.now();
          void session.connection.sendNotification('textDocument/didChange', {
            textDocument: { uri, version: k + 2 },
            contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text: 'x' }],
          });
          edits.push((await published).at - start);
          character++;
        }
      }
      await settle(300);
      const later = session.memory();
      // Then once the server has been quiet for longer than its idle collection waits.
      await settle(QUIET_MS + 700);
      const rest = session.memory();
      console.log(
        `${server}\topen ${at.toFixed(0)} ms (CPU: main thread ${(cpu1.main - cpu0.main).toFixed(0)}, process ${(cpu1.all - cpu0.all).toFixed(0)} ms)\tdiagnostics ${first.count}\tRSS empty ${empty.toFixed(0)} / at diagnostics ${rss.toFixed(0)} / +300 ms ${later.rss.toFixed(0)} / at rest ${rest.rss.toFixed(0)} MB (peak ${rest.peak.toFixed(0)})` +
          (answered.length ? `\trequests ${answered.map((t) => t.toFixed(0)).join(' ')} ms` : '') +
          (edits.length ? `\tedits p50 ${percentile(edits, 50).toFixed(1)} / p95 ${percentile(edits, 95).toFixed(1)} ms` : '') +
          `\tload ${load}`,
      );
      await session.close();
    }
  }
}

void main().then(() => process.exit(0));
