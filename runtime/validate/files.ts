import { getSpec } from '../catalog';
import type { Diagnostic } from '../diagnostics';
import { LineIndex } from '../model/lines';
import type { NodeSpec } from '../catalog/types';
import type { ConnectionModel, NodeModel, WorkflowModel } from '../model/types';
import { Context, SUGGEST_BUDGET, type FileExists } from './context';
import { suppressedBy } from './suppress';

/**
 * `missing-file`: a path a node reads (`mustExist` in its spec) that does not exist relative to
 * the workflow file's folder, found before the run that would fail on it. Pure: `exists` answers
 * for paths relative to that folder, so tests give it fixtures and the server gives it the disk.
 *
 * Paths it cannot know are left alone: absolute ones (another machine's disk), templated ones
 * (`${…}`), ones a connection or a run parameter supplies (the config value may never be used),
 * and ones with `..` (the run refuses those anyway, with its own message).
 */
export function checkFiles(ctx: Context, exists: FileExists, nodes: Iterable<NodeModel> = filePathNodes(ctx.model)): void {
  for (const node of nodes) {
    const spec = node.type ? getSpec(node.type.value) : undefined;
    if (!spec || !node.config) continue;
    for (const entry of node.config.entries) {
      const kind = spec.params[entry.key]?.mustExist;
      const v = entry.value;
      if (!kind || v.kind !== 'scalar' || typeof v.value !== 'string') continue;
      if (ctx.providedAtRun(node.id, [entry.key])) continue;
      const target = kind === 'sqlite' ? sqlitePath(v.value) : v.value;
      if (target === undefined || !checkable(target)) continue;
      const clean = target.replace(/^\.\//, '');
      if (kind === 'sqlite') {
        const folder = clean.includes('/') ? clean.slice(0, clean.lastIndexOf('/')) : '';
        if (folder && !exists(folder, 'directory'))
          ctx.report(
            'missing-file',
            'warning',
            `The folder '${folder}' of the SQLite database does not exist (relative to the workflow file's folder): the node will fail to open it.`,
            v.span,
          );
        else if (!exists(clean, 'file'))
          ctx.report(
            'missing-file',
            'info',
            `'${clean}' does not exist yet (relative to the workflow file's folder): SQLite will create an empty database there.`,
            v.span,
          );
        continue;
      }
      if (exists(clean, kind)) continue;
      ctx.report(
        'missing-file',
        'warning',
        `${kind === 'directory' ? 'Folder' : 'File'} '${target}' does not exist (relative to the workflow file's folder): '${node.id}' will fail when it runs.`,
        v.span,
      );
    }
  }
}

/**
 * The missing-file diagnostics of a parsed workflow on their own, suppressions applied (the
 * server's path, after every edit). Only nodes of a type with a path to check are looked at, and
 * only their incoming connections indexed, so a large file without such nodes costs one pass
 * over its node types rather than the whole validation context.
 */
export function missingFiles(model: WorkflowModel, exists: FileExists, lines?: LineIndex): Diagnostic[] {
  if (!model.root) return [];
  const nodes = filePathNodes(model);
  if (!nodes.length) return [];
  const ids = new Set(nodes.map((n) => n.id));
  const incoming = new Map<string, ConnectionModel[]>();
  for (const c of model.connections) {
    const to = c.to?.value;
    if (to === undefined || !ids.has(to)) continue;
    let list = incoming.get(to);
    if (!list) incoming.set(to, (list = []));
    list.push(c);
  }
  const ctx = new Context(model, {}, SUGGEST_BUDGET, incoming);
  checkFiles(ctx, exists, nodes);
  if (!ctx.diagnostics.length) return [];
  const index = lines ?? new LineIndex(model.text);
  return ctx.diagnostics.filter((d) => !suppressedBy(model.text, d, index, model.format));
}

/** The nodes whose type has a parameter that must exist on disk, and that set one in config. */
function filePathNodes(model: WorkflowModel): NodeModel[] {
  const out: NodeModel[] = [];
  for (const node of model.nodesById.values()) {
    const spec = node.type && node.config ? getSpec(node.type.value) : undefined;
    const keys = spec ? mustExistKeys(spec) : NONE;
    if (keys.length && node.config!.entries.some((e) => keys.includes(e.key))) out.push(node);
  }
  return out;
}

const NONE: readonly string[] = [];
const MUST_EXIST = new WeakMap<NodeSpec, readonly string[]>();

function mustExistKeys(spec: NodeSpec): readonly string[] {
  let keys = MUST_EXIST.get(spec);
  if (!keys) {
    keys = Object.entries(spec.params).flatMap(([k, p]) => (p.mustExist ? [k] : []));
    MUST_EXIST.set(spec, keys.length ? keys : NONE);
  }
  return keys;
}

function checkable(path: string): boolean {
  return (
    path !== '' &&
    !path.includes('${') &&
    !path.startsWith('/') &&
    !/^[A-Za-z]:[\\/]/.test(path) &&
    !path.startsWith('~') &&
    !path.split(/[\\/]/).includes('..')
  );
}

/** The file of a `sqlite:///relative.db` URL (or a bare `*.db` path); undefined for other databases and `:memory:`. */
function sqlitePath(url: string): string | undefined {
  const m = /^sqlite(?:\+\w+)?:\/\/\/(.*)$/.exec(url);
  const path = m ? m[1]!.split('?')[0]! : /\.(db|sqlite3?)$/i.test(url) ? url : undefined;
  return path === undefined || path === '' || path === ':memory:' ? undefined : path;
}
