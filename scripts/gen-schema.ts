// Writes schemas/workflow.schema.json from the catalog: `npm run schema`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workflowSchema } from '../runtime/schema/generate';

writeFileSync(join(__dirname, '..', 'schemas', 'workflow.schema.json'), JSON.stringify(workflowSchema(), null, 2) + '\n');
