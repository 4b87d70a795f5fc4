import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import type { WorkspaceIndex } from './features/types';

/**
 * What the server knows across files: where sub-workflow paths lead, and which open documents
 * name which sub-workflows (so that saving one re-checks the files that use it).
 */
export class Workspace implements WorkspaceIndex {
  private readonly uses = new Map<string, Set<string>>();

  resolve(uri: string, path: string): string | undefined {
    if (!uri.startsWith('file:')) return undefined;
    try {
      const target = isAbsolute(path) ? pathToFileURL(path).href : new URL(path.split('\\').join('/'), uri).href;
      return existsSync(fileURLToPath(target)) ? target : undefined;
    } catch {
      return undefined;
    }
  }

  /** Records the sub-workflows a document names (as resolved URIs). */
  setUses(uri: string, targets: Iterable<string>): void {
    const set = new Set(targets);
    if (set.size) this.uses.set(uri, set);
    else this.uses.delete(uri);
  }

  forget(uri: string): void {
    this.uses.delete(uri);
  }

  /** Open documents that name `target` as a sub-workflow. */
  dependents(target: string): string[] {
    return [...this.uses].filter(([, t]) => t.has(target)).map(([uri]) => uri);
  }
}
