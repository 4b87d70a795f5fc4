import type { NodeSpec } from './types';
import { specs as api } from './specs/api';
import { specs as auth } from './specs/auth';
import { specs as database } from './specs/database';
import { specs as files } from './specs/files';
import { specs as cloud } from './specs/cloud';
import { specs as messaging } from './specs/messaging';
import { specs as code } from './specs/code';
import { specs as logic } from './specs/logic';
import { specs as ai } from './specs/ai';

export type * from './types';

/** Every node type we know, in catalog order (by category). */
export const allSpecs: readonly NodeSpec[] = [
  ...api,
  ...auth,
  ...database,
  ...files,
  ...cloud,
  ...messaging,
  ...code,
  ...logic,
  ...ai,
];

const byType = new Map(allSpecs.map((s) => [s.type, s]));

export const nodeTypes: readonly string[] = allSpecs.map((s) => s.type);

export function getSpec(type: string): NodeSpec | undefined {
  return byType.get(type);
}

/** Config keys every Kailash node accepts as metadata, whatever its params. */
export const METADATA_KEYS: readonly string[] = ['name', 'description', 'version', 'author', 'tags'];
