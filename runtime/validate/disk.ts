import { statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { FileExists } from './context';

function statKind(path: string): 'file' | 'directory' | undefined {
  try {
    const s = statSync(path);
    return s.isFile() ? 'file' : s.isDirectory() ? 'directory' : undefined;
  } catch {
    return undefined;
  }
}

/** `missing-file` against the disk, for paths relative to `folder`, uncached. */
export function diskExists(folder: string): FileExists {
  return (path, kind) => statKind(join(folder, path)) === kind;
}

/**
 * The language server's view of the disk: one answer per path, kept per workflow folder until a
 * watched file is created or deleted under it, so re-checking a file as it is edited costs no
 * system calls.
 */
export class FolderCache {
  private readonly folders = new Map<string, Map<string, 'file' | 'directory' | undefined>>();

  existsIn(folder: string): FileExists {
    let known = this.folders.get(folder);
    if (!known) this.folders.set(folder, (known = new Map()));
    const cache = known;
    return (path, kind) => {
      if (!cache.has(path)) cache.set(path, statKind(join(folder, path)));
      return cache.get(path) === kind;
    };
  }

  /** A file or folder at `path` appeared or went: forget what the folders above it knew. Returns those folders. */
  changed(path: string): string[] {
    const hit: string[] = [];
    for (const folder of this.folders.keys()) {
      const r = relative(folder, path);
      if (r === '' || (!r.startsWith('..') && !isAbsolute(r))) hit.push(folder);
    }
    for (const f of hit) this.folders.delete(f);
    return hit;
  }
}
