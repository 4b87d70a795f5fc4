import type { NodeSpec } from '../types';

export const specs: NodeSpec[] = [];
