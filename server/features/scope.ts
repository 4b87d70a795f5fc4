/**
 * Which documents the server answers for. Editors without this extension send any YAML or JSON
 * (Neovim calls `*.workflow.yaml` plain `yaml`; a glob may catch every `.yaml`), and a Compose
 * file or a CI config must not get workflow diagnostics. A workflow file is one named
 * `*.workflow.yaml|yml|json`, one the client itself calls `kailash-workflow`, or one whose first
 * line is the marker comment `# kailash-workflow`.
 */
const WORKFLOW_NAME = /\.workflow\.(ya?ml|json)$/i;
const MARKER = /^\uFEFF?#\s*kailash-workflow\s*$/;

export function isWorkflowDocument(uri: string, languageId: string, text: string): boolean {
  if (languageId === 'kailash-workflow') return true;
  const path = uri.replace(/[?#].*$/, '');
  let name = path;
  try {
    name = decodeURIComponent(path);
  } catch {
    // A malformed escape: the raw path still shows the extension.
  }
  if (WORKFLOW_NAME.test(name)) return true;
  const firstLine = text.slice(0, 200).split(/\r\n|\r|\n/, 1)[0] ?? '';
  return MARKER.test(firstLine);
}

const TEST_NAME = /\.workflow\.test\.(ya?ml|json)$/i;

/** A workflow test file (`*.workflow.test.yaml|yml|json`): its own checks and completion, not a workflow's. */
export function isTestDocument(uri: string): boolean {
  let path = uri.replace(/[?#].*$/, '');
  try {
    path = decodeURIComponent(path);
  } catch {
    // A malformed escape: the raw path still shows the extension.
  }
  return TEST_NAME.test(path);
}
