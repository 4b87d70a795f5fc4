import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { RunContext } from '../../catalog/types';
import { NodeFailure } from '../../engine/errors';

/** Folders Kailash refuses whatever the roots (`kailash/security.py`). */
const SYSTEM = ['/etc', '/var', '/usr', '/root', '/boot', '/sys', '/proc'];

/**
 * A file path made safe as Kailash makes it: any `..` is refused, relative paths resolve
 * against the workflow's folder, and the result must lie inside it or a configured root.
 */
export function safePath(path: unknown, ctx: RunContext, param = 'file_path'): string {
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
