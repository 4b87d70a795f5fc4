// Writes what is generated from the catalog: schemas/workflow.schema.json,
// schemas/workflow-test.schema.json and docs/nodes.md.
// `npm run schema` (or `npm run docs`); tests fail when any is stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allSpecs } from '../runtime/catalog';
import { catalogReference } from '../runtime/catalog/reference';
import { workflowSchema } from '../runtime/schema/generate';
import { testFileSchema } from '../runtime/schema/test-file';

const root = join(__dirname, '..');
writeFileSync(join(root, 'schemas', 'workflow.schema.json'), JSON.stringify(workflowSchema(), null, 2) + '\n');
writeFileSync(join(root, 'schemas', 'workflow-test.schema.json'), JSON.stringify(testFileSchema(), null, 2) + '\n');
writeFileSync(join(root, 'docs', 'nodes.md'), catalogReference(allSpecs) + '\n');
