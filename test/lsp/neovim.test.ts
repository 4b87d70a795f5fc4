import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

/**
 * The server driven by a client nobody here wrote: Neovim's built-in LSP client (Debian's 0.7),
 * headless, one Lua script per scenario in test/lsp/neovim/. Needs `nvim` and the built
 * dist/server.js (what editors run); skips, saying why, without them.
 */
const ROOT = join(__dirname, '..', '..');
const SERVER = join(ROOT, 'dist', 'server.js');
const SCRIPTS = join(__dirname, 'neovim');
const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const version = nvim.status === 0 ? /NVIM v(\S+)/.exec(nvim.stdout)?.[1] : undefined;
const skip = !version
  ? 'nvim is not installed (apt-get install neovim)'
  : !existsSync(SERVER)
    ? 'dist/server.js is missing (npm run build)'
    : false;
const dir = mkdtempSync(join(tmpdir(), 'kailash-nvim-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs one scenario on a file holding `text`; resolves with what the script wrote, bounded. */
function scenario(
  name: string,
  file: string,
  text: string,
  env: Record<string, string> = {},
): Promise<{ result: Record<string, unknown>; text: string }> {
  const path = join(dir, file);
  const resultPath = join(dir, `${name}.json`);
  writeFileSync(path, text);
  rmSync(resultPath, { force: true });
  const child = spawn('nvim', ['--headless', '--clean', '-n', '-c', `luafile ${join(SCRIPTS, `${name}.lua`)}`], {
    cwd: dir,
    env: {
      ...process.env,
      ...env,
      KAILASH_SERVER: SERVER,
      KAILASH_FILE: path,
      KAILASH_RESULT: resultPath,
      KAILASH_PRELUDE: join(SCRIPTS, 'prelude.lua'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  return new Promise((resolve, reject) => {
    // The scripts bound each wait to 10 s; this bounds the whole run.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nvim ${name}: still running after 45 s\n${output}`));
    }, 45_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!existsSync(resultPath)) return reject(new Error(`nvim ${name} exited ${code} without a result\n${output}`));
      const result = JSON.parse(readFileSync(resultPath, 'utf8')) as Record<string, unknown>;
      if (result.error) return reject(new Error(`nvim ${name}: ${String(result.error)}\n${output}`));
      resolve({ result, text: readFileSync(path, 'utf8') });
    });
  });
}

const NODES = `nodes:
  - id: fetch
    type: HTTPRequestNode
    config: {url: https://example.com}
  - id: save
    type: JSONWriterNode
    config: {file_path: out.json}
`;
const CONNECTED = `${NODES}connections:\n  - {from_node: fetch, from_output: response.content, to_node: save, to_input: data}\n`;

describe(`Neovim ${version ?? ''} as the client (headless)`, { skip }, () => {
  it('shows diagnostics on open, one next to an emoji escape included, and follows edits', { timeout: 60_000 }, async () => {
    const text = `name: "a\\🚀b"\n${CONNECTED.replace('    type: HTTPRequestNode', '    type: HTTPRequestNod')}`;
    // Line 3 is the first node's type, as the script expects.
    assert.equal(text.split('\n')[3], '    type: HTTPRequestNod');
    const { result } = await scenario('diagnostics', 'edits.workflow.yaml', text);
    assert.deepEqual((result.opened as string[]).sort(), ['unknown-node-type', 'yaml-syntax']);
    assert.equal(result.escape_message, 'Invalid escape sequence \\🚀');
    assert.deepEqual(result.edited, []);
  });

  it('completes the segment after a dot, and after a partial segment', { timeout: 60_000 }, async () => {
    const text = `${NODES}connections:\n  - from_node: fetch\n    to_node: save\n    to_input: data\n    from_output: response.\n`;
    const { result } = await scenario('completion', 'complete.workflow.yaml', text, { KAILASH_LINE: String(text.split('\n').length - 2) });
    assert.equal(result.after_dot, '    from_output: response.content');
    assert.equal(result.after_partial, '    from_output: response.content');
  });

  it('applies a quick fix after non-ASCII text on the line to the right characters', { timeout: 60_000 }, async () => {
    const text = `nodes:\n  - {id: café, config: {url: "https://example.com/🚀 données"}, type: HTTPRequestNod}\n`;
    const { result } = await scenario('quickfix', 'fix.workflow.yaml', text);
    assert.equal(result.fixed, '  - {id: café, config: {url: "https://example.com/🚀 données"}, type: HTTPRequestNode}');
    assert.deepEqual(result.after, []);
  });

  it('fixes a JSON workflow as JSON: the replacement keeps its quotes', { timeout: 60_000 }, async () => {
    const text = `{"nodes": [\n  {"id": "café", "config": {"url": "https://example.com/🚀"}, "type": "HTTPRequestNod"}\n]}\n`;
    const { result } = await scenario('quickfix', 'fix.workflow.json', text);
    assert.equal(result.fixed, '  {"id": "café", "config": {"url": "https://example.com/🚀"}, "type": "HTTPRequestNode"}');
    assert.deepEqual(result.after, []);
  });

  it('reads a CRLF file: diagnostics on the right columns, fixed by an edit, written back with CRLF', { timeout: 60_000 }, async () => {
    const text = CONNECTED.replace('    type: HTTPRequestNode', '    type: HTTPRequestNod').replace(/\n/g, '\r\n');
    const { result, text: written } = await scenario('crlf', 'crlf.workflow.yaml', text);
    assert.equal(result.fileformat, 'dos');
    assert.deepEqual(result.at, [2, 10, 2, 24]);
    assert.deepEqual(result.after, []);
    assert.equal(written, CONNECTED.replace(/\n/g, '\r\n'));
  });

  it('renames a node id from a connection: prepareRename names it, the node and every connection follow', { timeout: 60_000 }, async () => {
    const text = `${CONNECTED}  - {from: fetch, to: save, from_output: status_code, to_input: indent}\n`;
    const line = text.split('\n').findIndex((l) => l.startsWith('  - {from: fetch'));
    const { result } = await scenario('rename', 'rename.workflow.yaml', text, { KAILASH_LINE: String(line) });
    assert.equal(result.prepared, 'fetch');
    assert.equal(result.text, text.replace(/\bfetch\b/g, 'fetch_api'));
    assert.deepEqual(result.after, []);
  });
});
