import * as path from 'node:path';
import * as vscode from 'vscode';
import { model } from '../lazy';
import type { RunController } from '../run/controller';
import type { RunView } from '../common/panel';

/**
 * *Pin this output* and *Create test from this run*: what a run in the panel did, written into
 * the workflow's test file (`orders.workflow.yaml` → `orders.workflow.test.yaml`, created when
 * missing). Outputs are the run's redacted ones, with credential-like values masked as well.
 */

function runOf(controller: RunController, runId: unknown): RunView | undefined {
  const runs = controller.runs;
  return typeof runId === 'string' ? runs.find((r) => r.runId === runId) : runs[runs.length - 1];
}

async function readIfExists(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/** Writes the test file (through the open document when there is one, so undo works) and shows it. */
async function write(uri: vscode.Uri, text: string): Promise<void> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(open.positionAt(0), open.positionAt(open.getText().length)), text);
    await vscode.workspace.applyEdit(edit);
    await open.save();
  } else await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  await vscode.window.showTextDocument(uri, { preview: false, preserveFocus: true });
}

function target(view: RunView): { uri: vscode.Uri; workflow: string; format: 'yaml' | 'json' } {
  const file = model().testFileFor(view.file);
  return { uri: vscode.Uri.file(file), workflow: path.basename(view.file), format: file.endsWith('.json') ? 'json' : 'yaml' };
}

export async function pinOutputCommand(controller: RunController, runId?: unknown, nodeArg?: unknown): Promise<vscode.Uri | undefined> {
  const view = runOf(controller, runId);
  if (!view) return void vscode.window.showWarningMessage('Kailash: run a workflow first; its outputs can then be pinned.');
  const candidates = Object.entries(view.nodes).filter(([, n]) => n.status === 'succeeded' && n.output !== undefined);
  const node =
    typeof nodeArg === 'string'
      ? nodeArg
      : await vscode.window.showQuickPick(
          candidates.map(([id]) => id),
          { title: 'Kailash: pin which output?' },
        );
  if (!node) return undefined;
  const v = view.nodes[node];
  if (!v || v.status !== 'succeeded' || v.output === undefined)
    return void vscode.window.showWarningMessage(`Kailash: ${node} has no output in this run to pin.`);
  if (v.truncated)
    return void vscode.window.showWarningMessage(`Kailash: ${node}'s whole output has not arrived yet; pin it when the run has finished.`);
  const t = target(view);
  const text = model().pinOutput(await readIfExists(t.uri), t.format, t.workflow, node, v.output);
  await write(t.uri, text);
  void vscode.window.showInformationMessage(`Kailash: pinned ${node}'s output in ${vscode.workspace.asRelativePath(t.uri)}.`);
  return t.uri;
}

export async function createTestFromRunCommand(controller: RunController, runId?: unknown): Promise<vscode.Uri | undefined> {
  const view = runOf(controller, runId);
  if (!view || view.status === 'running' || view.status === 'invalid')
    return void vscode.window.showWarningMessage('Kailash: a finished run is needed to create a test from it.');
  const m = model();
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(view.file));
  // The extension's one model of the document, read as its name says (JSON or YAML).
  const wf = m.documents.get(doc.uri.toString(), doc.version, () => doc.getText());
  const pins: Record<string, unknown> = {};
  const nodes: Record<string, { status: 'succeeded' | 'failed' | 'skipped' | 'cancelled' | 'not-run'; output?: unknown }> = {};
  for (const [id, n] of Object.entries(view.nodes)) {
    if (n.status === 'running' || n.status === 'paused') continue;
    const type = wf.nodesById.get(id)?.type?.value;
    const spec = type ? m.getSpec(type) : undefined;
    // External services are pinned with what they answered; the rest runs and is checked.
    if (spec && m.callsServices(spec) && (n.status === 'succeeded' || n.status === 'skipped') && !n.truncated) {
      pins[id] = n.status === 'skipped' ? null : n.output;
      continue;
    }
    nodes[id] = { status: n.status, ...(n.status === 'succeeded' && n.output !== undefined && !n.truncated ? { output: n.output } : {}) };
  }
  const t = target(view);
  const time = new Date(view.startedAt).toISOString().slice(11, 19);
  const parameters = controller.parametersOf(view.runId);
  const { text, name } = m.addCase(await readIfExists(t.uri), t.format, t.workflow, `run at ${time}`, {
    pins,
    nodes,
    status: view.status,
    ...(parameters ? { parameters } : {}),
  });
  await write(t.uri, text);
  void vscode.window.showInformationMessage(`Kailash: added the case '${name}' to ${vscode.workspace.asRelativePath(t.uri)}.`);
  return t.uri;
}
