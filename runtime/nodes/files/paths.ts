import { realpathSync } from 'node:fs';
import { appendFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
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
  if (typeof path !== 'string' || path.trim() === '')
    throw new NodeFailure('NodeValidationError', `'${param}' must be a non-empty path.`, { param });
  if (path.split(/[\\/]/).includes('..')) {
    throw new NodeFailure('PathTraversalError', `Path '${path}' contains '..'; paths must stay inside the workflow's folder.`, { param });
  }
  const full = resolve(ctx.baseDir, path);
  const inside = (root: string) => {
    const r = relative(resolve(root), full);
    return r === '' || (!r.startsWith('..') && !isAbsolute(r));
  };
  if (SYSTEM.some((d) => full === d || full.startsWith(d + sep)) && !inside(ctx.baseDir)) {
    throw new NodeFailure('PathTraversalError', `Path '${path}' is inside a system folder.`, { param });
  }
  if (![ctx.baseDir, ...ctx.roots].some(inside)) {
    throw new NodeFailure('SecurityError', `Path '${path}' is outside the workflow's folder (${ctx.baseDir}) and the allowed roots.`, {
      param,
    });
  }
  return full;
}

/** Turns fs errors into messages that name the path and the node's parameter. */
export function fsFailure(err: unknown, path: string): NodeFailure {
  const e = err as NodeJS.ErrnoException;
  const why: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    ENOTDIR: 'not a directory',
  };
  return new NodeFailure(e.code === 'ENOENT' ? 'FileNotFoundError' : 'OSError', `${path}: ${why[e.code ?? ''] ?? e.message}`);
}

const isInside = (root: string, full: string): boolean => {
  const r = relative(root, full);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

/**
 * `safePath` reads the path as written; a symbolic link inside the folder could still lead out of
 * it. This resolves the real location (of the file, or of its nearest existing folder when it is
 * yet to be written) and checks that against the real roots.
 */
export async function realWithin(full: string, ctx: Pick<RunContext, 'baseDir' | 'roots'>, path: string): Promise<string> {
  return realWithinSync(full, ctx, path);
}

/** The same check, synchronous: a database URL is parsed synchronously (and a few realpath calls are quick). */
export function realWithinSync(full: string, ctx: Pick<RunContext, 'baseDir' | 'roots'>, path: string): string {
  let probe = full;
  let real: string | undefined;
  for (let i = 0; i < 256 && real === undefined; i++) {
    try {
      real = realpathSync(probe);
    } catch (err) {
      const parent = dirname(probe);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === probe) throw fsFailure(err, path);
      probe = parent;
    }
  }
  const roots = [ctx.baseDir, ...ctx.roots].map((r) => {
    try {
      return realpathSync(resolve(r));
    } catch {
      return resolve(r);
    }
  });
  if (real === undefined || !roots.some((r) => isInside(r, real))) {
    throw new NodeFailure(
      'SecurityError',
      `Path '${path}' leads outside the workflow's folder and the allowed roots (through a symbolic link).`,
    );
  }
  return full;
}

/** A checked path for reading: lexically safe and, after links, still inside the roots. */
export async function readablePath(path: unknown, ctx: Pick<RunContext, 'baseDir' | 'roots'>, param = 'file_path'): Promise<string> {
  return realWithin(safePath(path, ctx, param), ctx, String(path));
}

/** Reads a file named by a node param, with safe-path checks and clear errors. */
export async function readWithin(path: unknown, ctx: RunContext, encoding: BufferEncoding = 'utf8'): Promise<string> {
  const full = await readablePath(path, ctx);
  try {
    return await readFile(full, { encoding, signal: ctx.signal });
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    throw fsFailure(err, String(path));
  }
}

/**
 * Writes a file through a temporary sibling renamed over the target when `produce` succeeds, so a
 * failed or cancelled write leaves the previous file whole. Returns the full path.
 */
export async function writeAtomically(path: unknown, ctx: RunContext, produce: (tmp: string) => Promise<void>): Promise<string> {
  // Checked before mkdir, which would otherwise follow a link out of the roots.
  const full = await realWithin(safePath(path, ctx), ctx, String(path));
  try {
    await mkdir(dirname(full), { recursive: true });
  } catch (err) {
    throw fsFailure(err, String(path));
  }
  const tmp = `${full}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    await produce(tmp);
    await rename(tmp, full);
  } catch (err) {
    await rm(tmp, { force: true });
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (err instanceof NodeFailure) throw err;
    throw fsFailure(err, String(path));
  }
  return full;
}

/** Writes (or appends) a file named by a node param, creating its folder; returns the full path. */
export async function writeWithin(
  path: unknown,
  text: string,
  ctx: RunContext,
  opts: { encoding?: BufferEncoding; append?: boolean } = {},
): Promise<string> {
  const encoding = opts.encoding ?? 'utf8';
  if (!opts.append) return writeAtomically(path, ctx, (tmp) => writeFile(tmp, text, { encoding, signal: ctx.signal }));
  const full = await realWithin(safePath(path, ctx), ctx, String(path));
  try {
    await mkdir(dirname(full), { recursive: true });
    await appendFile(full, text, { encoding });
  } catch (err) {
    if (err instanceof NodeFailure) throw err;
    throw fsFailure(err, String(path));
  }
  return full;
}
