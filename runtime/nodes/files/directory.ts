import { readdir, stat } from 'node:fs/promises';
import type { Dirent, Stats } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import type { NodeRun } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';
import { fsFailure, readablePath, realWithin } from './paths';

const FILE_TYPES: Record<string, string> = {
  '.csv': 'csv',
  '.json': 'json',
  '.txt': 'txt',
  '.xml': 'xml',
  '.md': 'markdown',
  '.py': 'python',
  '.js': 'javascript',
  '.html': 'html',
  '.css': 'css',
  '.pdf': 'pdf',
  '.doc': 'word',
  '.docx': 'word',
  '.xls': 'excel',
  '.xlsx': 'excel',
  '.png': 'image',
  '.jpg': 'image',
  '.jpeg': 'image',
  '.gif': 'image',
  '.svg': 'image',
};
const MIME: Record<string, string> = {
  csv: 'text/csv',
  json: 'application/json',
  txt: 'text/plain',
  xml: 'application/xml',
  markdown: 'text/markdown',
  python: 'text/x-python',
  javascript: 'text/javascript',
  html: 'text/html',
  css: 'text/css',
  pdf: 'application/pdf',
};

/**
 * Kailash matches patterns with fnmatch on the file name. A pattern with a `/` is matched against
 * the path relative to `directory_path` instead, so `reports/**\/*.csv` works too.
 */
function matcher(patterns: string[], fallback: boolean): (name: string, rel: string) => boolean {
  if (!patterns.length) return () => fallback;
  const byName = patterns.filter((p) => !p.includes('/'));
  const byPath = patterns.filter((p) => p.includes('/'));
  const name = byName.length ? picomatch(byName, { dot: true }) : () => false;
  const path = byPath.length ? picomatch(byPath, { dot: true }) : () => false;
  return (n, rel) => name(n) || path(rel);
}

function mimeOf(type: string, ext: string): string {
  if (MIME[type]) return MIME[type]!;
  if (type === 'image') return `image/${ext.slice(1).replace('jpg', 'jpeg').replace('svg', 'svg+xml')}`;
  return 'application/octet-stream';
}

/** Kailash's DirectoryReaderNode: exclude wins, hidden files and folders skipped unless `include_hidden`. */
export const readDirectory: NodeRun = async (inputs, ctx) => {
  const root = await readablePath(inputs.directory_path, ctx, 'directory_path');
  let rootStat: Stats;
  try {
    rootStat = await stat(root);
  } catch (err) {
    throw fsFailure(err, String(inputs.directory_path));
  }
  if (!rootStat.isDirectory()) throw new NodeFailure('NotADirectoryError', `${String(inputs.directory_path)}: not a directory`);
  const patterns = [...((inputs.file_patterns as string[] | undefined) ?? [])];
  if (typeof inputs.file_pattern === 'string' && inputs.file_pattern !== '') patterns.push(inputs.file_pattern);
  const isIncluded = matcher(patterns, true);
  const metadata = inputs.include_metadata !== false;
  const isExcluded = matcher((inputs.exclude_patterns as string[] | undefined) ?? [], false);
  const files: Record<string, unknown>[] = [];
  const sizes: number[] = [];
  const scanTime = new Date().toISOString();
  const walk = async (dir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      throw fsFailure(err, dir);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      ctx.signal.throwIfAborted();
      if (!inputs.include_hidden && e.name.startsWith('.')) continue;
      const full = join(dir, e.name);
      // Linked folders are not entered (no loops, no escape); linked files are listed.
      if (e.isDirectory()) {
        if (inputs.recursive) await walk(full);
        continue;
      }
      if (!e.isFile() && !e.isSymbolicLink()) continue;
      const rel = relative(root, full).split(sep).join('/');
      if (!isIncluded(e.name, rel) || isExcluded(e.name, rel)) continue;
      // A linked file is listed only if it stays inside the roots: its size and times are data too.
      if (
        e.isSymbolicLink() &&
        !(await realWithin(full, ctx, rel).then(
          () => true,
          () => false,
        ))
      )
        continue;
      let st: Stats;
      try {
        st = await stat(full);
      } catch {
        continue; // a dangling link
      }
      if (!st.isFile()) continue;
      const ext = extname(e.name).toLowerCase();
      const type = FILE_TYPES[ext] ?? 'unknown';
      const info: Record<string, unknown> = { file_path: full, file_name: e.name, file_type: type, file_extension: ext };
      if (metadata) {
        Object.assign(info, {
          file_size: st.size,
          mime_type: mimeOf(type, ext),
          // Some file systems record no birth time; Python reports st_ctime there.
          created_time: (st.birthtimeMs > 0 ? st.birthtime : st.ctime).toISOString(),
          modified_time: st.mtime.toISOString(),
          discovered_at: scanTime,
        });
      }
      sizes.push(st.size);
      files.push(info);
    }
  };
  await walk(root);
  const byType: Record<string, Record<string, unknown>[]> = {};
  for (const f of files) (byType[f.file_type as string] ??= []).push(f);
  return {
    discovered_files: files,
    file_paths: files.map((f) => f.file_path),
    files_by_type: byType,
    directory_stats: {
      total_files: files.length,
      file_types: Object.keys(byType),
      files_by_type_count: Object.fromEntries(Object.entries(byType).map(([k, v]) => [k, v.length])),
      total_size: sizes.reduce((n, size) => n + size, 0),
      scan_time: scanTime,
      // Kailash reports the folder as the workflow gave it.
      directory_path: inputs.directory_path,
      recursive: Boolean(inputs.recursive),
    },
  };
};
