import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import picomatch from 'picomatch';
import type { NodeRun } from '../../catalog/types';
import { fsFailure, safePath } from './paths';

const FILE_TYPES: Record<string, string> = {
  '.csv': 'csv', '.json': 'json', '.txt': 'txt', '.xml': 'xml', '.md': 'markdown', '.py': 'python', '.js': 'javascript',
  '.html': 'html', '.css': 'css', '.pdf': 'pdf', '.doc': 'word', '.docx': 'word', '.xls': 'excel', '.xlsx': 'excel',
  '.png': 'image', '.jpg': 'image', '.jpeg': 'image', '.gif': 'image', '.svg': 'image',
};
const MIME: Record<string, string> = {
  csv: 'text/csv', json: 'application/json', txt: 'text/plain', xml: 'application/xml', markdown: 'text/markdown',
  python: 'text/x-python', javascript: 'text/javascript', html: 'text/html', css: 'text/css', pdf: 'application/pdf',
};

/** Kailash's DirectoryReaderNode: fnmatch-style patterns on file names, exclude wins, hidden skipped. */
export const readDirectory: NodeRun = async (inputs, ctx) => {
  const root = safePath(inputs.directory_path, ctx, 'directory_path');
  const include = (inputs.file_patterns as string[] | undefined) ?? [];
  const exclude = (inputs.exclude_patterns as string[] | undefined) ?? [];
  const isIncluded = include.length ? picomatch(include, { dot: true }) : () => true;
  const isExcluded = exclude.length ? picomatch(exclude, { dot: true }) : () => false;
  const files: Record<string, unknown>[] = [];
  const scanTime = new Date().toISOString();
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      throw fsFailure(err, dir);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      if (ctx.signal.aborted) return;
      if (!inputs.include_hidden && e.name.startsWith('.')) continue;
      const full = join(dir, e.name);
      if (e.isDirectory()) {
        if (inputs.recursive) await walk(full);
        continue;
      }
      if (!e.isFile() || !isIncluded(e.name) || isExcluded(e.name)) continue;
      const st = await stat(full);
      const ext = extname(e.name).toLowerCase();
      const type = FILE_TYPES[ext] ?? 'unknown';
      files.push({
        file_path: full,
        file_name: e.name,
        file_type: type,
        file_extension: ext,
        file_size: st.size,
        mime_type: MIME[type] ?? (type === 'image' ? `image/${ext.slice(1).replace('jpg', 'jpeg').replace('svg', 'svg+xml')}` : 'application/octet-stream'),
        created_time: st.birthtime.toISOString(),
        modified_time: st.mtime.toISOString(),
        discovered_at: scanTime,
      });
    }
  };
  await walk(root);
  const byType: Record<string, Record<string, unknown>[]> = {};
  for (const f of files) (byType[f.file_type as string] ??= []).push(f);
  return {
    discovered_files: files,
    files_by_type: byType,
    directory_stats: {
      total_files: files.length,
      file_types: Object.keys(byType),
      files_by_type_count: Object.fromEntries(Object.entries(byType).map(([k, v]) => [k, v.length])),
      total_size: files.reduce((n, f) => n + (f.file_size as number), 0),
      scan_time: scanTime,
      directory_path: root,
      recursive: Boolean(inputs.recursive),
    },
  };
};
