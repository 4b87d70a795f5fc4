import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { RunContext } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';

/** Folders Kailash refuses whatever the roots (`kailash/security.py`). */
const SYSTEM = ['/etc', '/var', '/usr', '/root', '/boot', '/sys', '/proc'];

/**
 * A file path made safe as Kailash makes it: any `..` is refused, relative paths resolve
 * against the workflow's folder, and the result must lie inside it or a configured root.
 */
export function safePath(path: unknown, ctx: Pick<RunContext, 'baseDir' | 'roots'>, param = 'file_path'): string {
  if (typeof path !== 'string' || path.trim() === '') throw new NodeFailure('NodeValidationError', `'${param}' must be a non-empty path.`);
  if (path.split(/[\\/]/).includes('..')) {
    throw new NodeFailure('PathTraversalError', `Path '${path}' contains '..'; paths must stay inside the workflow's folder.`);
  }
  const full = resolve(ctx.baseDir, path);
  const inside = (root: string) => {
    const r = relative(resolve(root), full);
    return r === '' || (!r.startsWith('..') && !isAbsolute(r));
  };
  if (SYSTEM.some((d) => full === d || full.startsWith(d + sep)) && !inside(ctx.baseDir)) {
    throw new NodeFailure('PathTraversalError', `Path '${path}' is inside a system folder.`);
  }
  if (![ctx.baseDir, ...ctx.roots].some(inside)) {
    throw new NodeFailure('SecurityError', `Path '${path}' is outside the workflow's folder (${ctx.baseDir}) and the allowed roots.`);
  }
  return full;
}

/** Turns fs errors into messages that name the path and the node's parameter. */
export function fsFailure(err: unknown, path: string): NodeFailure {
  const e = err as NodeJS.ErrnoException;
  const why: Record<string, string> = { ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'is a directory', ENOTDIR: 'not a directory' };
  return new NodeFailure(e.code === 'ENOENT' ? 'FileNotFoundError' : 'OSError', `${path}: ${why[e.code ?? ''] ?? e.message}`);
}

/** Reads a file named by a node param, with safe-path checks and clear errors. */
export async function readWithin(path: unknown, ctx: RunContext, encoding: BufferEncoding = 'utf8'): Promise<string> {
  const full = safePath(path, ctx);
  try {
    return await readFile(full, { encoding, signal: ctx.signal });
  } catch (err) {
    throw fsFailure(err, String(path));
  }
}

/** Writes (or appends) a file named by a node param, creating its folder; returns the full path. */
export async function writeWithin(path: unknown, text: string, ctx: RunContext, opts: { encoding?: BufferEncoding; append?: boolean } = {}): Promise<string> {
  const full = safePath(path, ctx);
  const encoding = opts.encoding ?? 'utf8';
  try {
    await mkdir(dirname(full), { recursive: true });
    if (opts.append) await appendFile(full, text, { encoding });
    else await writeFile(full, text, { encoding, signal: ctx.signal });
  } catch (err) {
    throw fsFailure(err, String(path));
  }
  return full;
}
