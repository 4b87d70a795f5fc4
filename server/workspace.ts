import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import { formatOf } from '../runtime/model/json';
import { parseWorkflow } from '../runtime/model/parse';
import type { WorkflowModel } from '../runtime/model/types';
import type { TestFiles } from '../runtime/testing/check';
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

  /**
   * The files a test file names, relative to it: an open document's current text, else the file
   * on disk (a workflow edited but not saved is tested as the editor shows it).
   */
  testFiles(uri: string, openText: (uri: string) => string | undefined): TestFiles {
    const target = (path: string) => {
      try {
        return isAbsolute(path) ? pathToFileURL(path).href : new URL(path.split('\\').join('/'), uri).href;
      } catch {
        return undefined;
      }
    };
    return {
      workflow: (path): WorkflowModel | undefined => {
        const t = target(path);
        if (!t) return undefined;
        let text = openText(t);
        if (text === undefined && t.startsWith('file:')) {
          try {
            text = readFileSync(fileURLToPath(t), 'utf8');
          } catch {
            return undefined;
          }
        }
        return text === undefined ? undefined : parseWorkflow(text, formatOf(t));
      },
      exists: (path) => {
        const t = target(path);
        return !!t && (openText(t) !== undefined || (t.startsWith('file:') && existsSync(fileURLToPath(t))));
      },
    };
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
