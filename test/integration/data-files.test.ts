// File nodes on real temp folders: CSV (streamed), JSON, text, directory scans, and the path rules.
import { implementationOf } from '../../runtime/nodes/registry';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunContext } from '../../runtime/catalog/types';
import { LocalRuntime } from '../../runtime/engine/local';
import { runNode, tempDir } from '../support/data';

const rt = new LocalRuntime({ env: {} });
after(() => rt.dispose());

function folder(files: Record<string, string | Buffer>): string {
  const dir = tempDir('kwf-files-');
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  return dir;
}

describe('CSVReaderNode', () => {
  it("reads rows as Kailash's csv.reader loop does: BOM kept, quotes, newlines in fields, blank lines, short and long rows", async () => {
    const dir = folder({
      'in.csv': '\ufeffid,name,note\r\n1,"Doe, Jane","line one\r\nline two"\r\n\r\n2,Bob\r\n3,Eve,x,extra1,extra2\r\n',
    });
    const r = await runNode(rt, 'CSVReaderNode', { file_path: 'in.csv', index_column: 'name' }, { baseDir: dir });
    assert.equal(r.status, 'succeeded', JSON.stringify(r.error));
    assert.deepEqual(r.output!.data, [
      { '\ufeffid': '1', name: 'Doe, Jane', note: 'line one\nline two' },
      {},
      { '\ufeffid': '2', name: 'Bob' },
      { '\ufeffid': '3', name: 'Eve', note: 'x' },
    ]);
    assert.deepEqual(Object.keys(r.output!.data_indexed as object), ['Doe, Jane', 'Bob', 'Eve']);
  });

  it('takes other delimiters and reads lists without headers', async () => {
    const dir = folder({ 'semi.csv': 'a;b\n1;2\n', 'tab.tsv': 'x\ty\n' });
    const semi = await runNode(rt, 'CSVReaderNode', { file_path: 'semi.csv', delimiter: ';' }, { baseDir: dir });
    assert.deepEqual(semi.output!.data, [{ a: '1', b: '2' }]);
    const tab = await runNode(rt, 'CSVReaderNode', { file_path: 'tab.tsv', delimiter: '\t', headers: false }, { baseDir: dir });
    assert.deepEqual(tab.output!.data, [['x', 'y']]);
    const bad = await runNode(rt, 'CSVReaderNode', { file_path: 'semi.csv', delimiter: ';;' }, { baseDir: dir });
    assert.match(bad.error!.message, /1-character string/);
    const missing = await runNode(rt, 'CSVReaderNode', { file_path: 'semi.csv', delimiter: ';', index_column: 'zz' }, { baseDir: dir });
    assert.equal(missing.error!.type, 'KeyError');
    const absent = await runNode(rt, 'CSVReaderNode', { file_path: 'nope.csv' }, { baseDir: dir });
    assert.equal(absent.error!.type, 'FileNotFoundError');
  });

  it('streams a large file (50,000 rows) without failing', async () => {
    const lines = ['id,name,amount'];
    for (let i = 0; i < 50_000; i++) lines.push(`${i},name ${i},${(i * 1.5).toFixed(2)}`);
    const dir = folder({ 'big.csv': lines.join('\n') });
    const r = await runNode(rt, 'CSVReaderNode', { file_path: 'big.csv' }, { baseDir: dir });
    const data = r.output!.data as Record<string, string>[];
    assert.equal(data.length, 50_000);
    assert.deepEqual(data[49_999], { id: '49999', name: 'name 49999', amount: '74998.50' });
  });
});

describe('CSVWriterNode', () => {
  it('writes dict rows as csv.DictWriter does: columns of the first row, str() cells, \\r\\n line ends', async () => {
    const dir = tempDir();
    const data = [
      { id: 1, ok: true, tags: ['a', 'b'], note: null },
      { id: 2, ok: false, note: 'semi;colon' },
    ];
    const r = await runNode(rt, 'CSVWriterNode', { file_path: 'out/report.csv', data, delimiter: ';' }, { baseDir: dir });
    assert.equal(r.status, 'succeeded', JSON.stringify(r.error));
    assert.deepEqual(r.output, { rows_written: 2, file_path: 'out/report.csv' });
    assert.equal(readFileSync(join(dir, 'out/report.csv'), 'utf8'), "id;ok;tags;note\r\n1;True;['a', 'b'];\r\n2;False;;\"semi;colon\"\r\n");
    const back = await runNode(rt, 'CSVReaderNode', { file_path: 'out/report.csv', delimiter: ';' }, { baseDir: dir });
    assert.deepEqual((back.output!.data as Record<string, string>[])[1], { id: '2', ok: 'False', tags: '', note: 'semi;colon' });
    const extra = await runNode(rt, 'CSVWriterNode', { file_path: 'x.csv', data: [{ a: 1 }, { a: 2, b: 3 }] }, { baseDir: dir });
    assert.match(extra.error!.message, /dict contains fields not in fieldnames: 'b'/);
  });

  it('writes lists as rows, nothing for empty data, and leaves the old file whole when cancelled', async () => {
    const dir = tempDir();
    const lists = await runNode(
      rt,
      'CSVWriterNode',
      {
        file_path: 'l.csv',
        data: [
          [1, 'a'],
          [2, null],
        ],
      },
      { baseDir: dir },
    );
    assert.equal(readFileSync(join(dir, 'l.csv'), 'utf8'), '1,a\r\n2,\r\n');
    assert.equal(lists.output!.rows_written, 2);
    const empty = await runNode(rt, 'CSVWriterNode', { file_path: 'e.csv', data: [] }, { baseDir: dir });
    assert.deepEqual(empty.output, { rows_written: 0 });
    assert.equal(existsSync(join(dir, 'e.csv')), false);
    const abort = new AbortController();
    abort.abort(new Error('cancelled'));
    const ctx = { signal: abort.signal, baseDir: dir, roots: [] } as unknown as RunContext;
    await assert.rejects(implementationOf('CSVWriterNode')!.run({ file_path: 'l.csv', data: [[9, 'z']] }, ctx), /cancelled/);
    assert.equal(readFileSync(join(dir, 'l.csv'), 'utf8'), '1,a\r\n2,\r\n');
    assert.deepEqual(readdirSync(dir).sort(), ['l.csv'], 'no temporary file left behind');
  });
});

describe('JSON and text nodes', () => {
  it('round-trips JSON with indent and non-ASCII text', async () => {
    const dir = tempDir();
    const w = await runNode(rt, 'JSONWriterNode', { file_path: 'a/b.json', data: { name: 'Zoë', n: [1, 2] }, indent: 4 }, { baseDir: dir });
    assert.equal(w.status, 'succeeded');
    assert.equal(readFileSync(join(dir, 'a/b.json'), 'utf8'), '{\n    "name": "Zoë",\n    "n": [\n        1,\n        2\n    ]\n}');
    const r = await runNode(rt, 'JSONReaderNode', { file_path: 'a/b.json' }, { baseDir: dir });
    assert.deepEqual(r.output, { data: { name: 'Zoë', n: [1, 2] } });
    writeFileSync(join(dir, 'broken.json'), '{"a":');
    const broken = await runNode(rt, 'JSONReaderNode', { file_path: 'broken.json' }, { baseDir: dir });
    assert.equal(broken.error!.type, 'JSONDecodeError');
  });

  it('writes, appends and reads text in an encoding', async () => {
    const dir = tempDir();
    await runNode(rt, 'TextWriterNode', { file_path: 'log.txt', text: 'café\n', encoding: 'latin-1' }, { baseDir: dir });
    const more = await runNode(
      rt,
      'TextWriterNode',
      { file_path: 'log.txt', text: 'naïve\n', encoding: 'latin-1', append: true },
      { baseDir: dir },
    );
    assert.equal(more.output!.bytes_written, 6);
    assert.equal(readFileSync(join(dir, 'log.txt')).length, 11);
    const r = await runNode(rt, 'TextReaderNode', { file_path: 'log.txt', encoding: 'latin-1' }, { baseDir: dir });
    assert.equal(r.output!.text, 'café\nnaïve\n');
  });
});

describe('DirectoryReaderNode', () => {
  const dir = folder({
    'inbox/orders.csv': 'a\n1\n',
    'inbox/readme.txt': 'hello',
    'inbox/.hidden.csv': 'x',
    'inbox/~lock.csv': 'x',
    'inbox/2024/march.csv': 'a\n',
    'inbox/2024/notes.md': '# n',
    'inbox/.git/config.txt': 'x',
  });

  it('scans recursively with include and exclude globs, hidden files skipped', async () => {
    const r = await runNode(
      rt,
      'DirectoryReaderNode',
      { directory_path: 'inbox', recursive: true, file_patterns: ['*.csv', '*.txt'], exclude_patterns: ['~*'] },
      { baseDir: dir },
    );
    assert.equal(r.status, 'succeeded', JSON.stringify(r.error));
    const files = r.output!.discovered_files as Record<string, unknown>[];
    assert.deepEqual(
      files.map((f) => f.file_name),
      ['march.csv', 'orders.csv', 'readme.txt'],
    );
    const orders = files[1]!;
    assert.equal(orders.file_path, join(dir, 'inbox/orders.csv'));
    assert.equal(orders.file_type, 'csv');
    assert.equal(orders.file_extension, '.csv');
    assert.equal(orders.file_size, 4);
    assert.equal(orders.mime_type, 'text/csv');
    assert.match(String(orders.modified_time), /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(Object.keys(r.output!.files_by_type as object).sort(), ['csv', 'txt']);
    const stats = r.output!.directory_stats as Record<string, unknown>;
    assert.equal(stats.total_files, 3);
    assert.equal(stats.total_size, 4 + 5 + 2);
    assert.equal(stats.recursive, true);
  });

  it('matches patterns with a slash against the relative path, and includes hidden files on request', async () => {
    const sub = await runNode(
      rt,
      'DirectoryReaderNode',
      { directory_path: 'inbox', recursive: true, file_patterns: ['2024/**'] },
      { baseDir: dir },
    );
    assert.deepEqual(
      (sub.output!.discovered_files as { file_name: string }[]).map((f) => f.file_name),
      ['march.csv', 'notes.md'],
    );
    const flat = await runNode(rt, 'DirectoryReaderNode', { directory_path: 'inbox', include_hidden: true }, { baseDir: dir });
    assert.deepEqual(
      (flat.output!.discovered_files as { file_name: string }[]).map((f) => f.file_name),
      ['.hidden.csv', 'orders.csv', 'readme.txt', '~lock.csv'],
    );
    const notDir = await runNode(rt, 'DirectoryReaderNode', { directory_path: 'inbox/readme.txt' }, { baseDir: dir });
    assert.equal(notDir.error!.type, 'NotADirectoryError');
  });
});

describe('paths stay inside the workflow folder and the allowed roots', () => {
  it('refuses `..`, outside paths and symbolic links that lead out; allows configured roots', async () => {
    const outside = folder({ 'secret.csv': 'a\n1\n' });
    const dir = tempDir();
    symlinkSync(join(outside, 'secret.csv'), join(dir, 'link.csv'));
    symlinkSync(outside, join(dir, 'linkdir'));
    const dots = await runNode(rt, 'CSVReaderNode', { file_path: '../secret.csv' }, { baseDir: dir });
    assert.equal(dots.error!.type, 'PathTraversalError');
    const abs = await runNode(rt, 'CSVReaderNode', { file_path: join(outside, 'secret.csv') }, { baseDir: dir });
    assert.equal(abs.error!.type, 'SecurityError');
    const link = await runNode(rt, 'CSVReaderNode', { file_path: 'link.csv' }, { baseDir: dir });
    assert.equal(link.error!.type, 'SecurityError');
    const write = await runNode(rt, 'TextWriterNode', { file_path: 'linkdir/planted.txt', text: 'x' }, { baseDir: dir });
    assert.equal(write.error!.type, 'SecurityError');
    assert.equal(existsSync(join(outside, 'planted.txt')), false);
    const etc = await runNode(rt, 'TextReaderNode', { file_path: '/etc/passwd' }, { baseDir: dir, roots: ['/'] });
    assert.equal(etc.error!.type, 'PathTraversalError');
    const allowed = await runNode(rt, 'CSVReaderNode', { file_path: join(outside, 'secret.csv') }, { baseDir: dir, roots: [outside] });
    assert.deepEqual(allowed.output!.data, [{ a: '1' }]);
  });
});
