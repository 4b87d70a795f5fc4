// Writes what is generated from the catalog: schemas/workflow.schema.json and docs/nodes.md.
// `npm run schema` (or `npm run docs`); tests fail when either is stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allSpecs } from '../runtime/catalog';
import { catalogReference } from '../runtime/catalog/reference';
import { workflowSchema } from '../runtime/schema/generate';

const root = join(__dirname, '..');
writeFileSync(join(root, 'schemas', 'workflow.schema.json'), JSON.stringify(workflowSchema(), null, 2) + '\n');
writeFileSync(join(root, 'docs', 'nodes.md'), catalogReference(allSpecs) + '\n');
