import * as vscode from 'vscode';
import type { RunParameters } from '../runtime/engine/types';
import { model } from './lazy';

/** Run parameters beyond the file's own `parameters` block: from a params file or typed in. */
export async function askParameters(): Promise<RunParameters | undefined> {
  const pick = await vscode.window.showQuickPick(
    [
      { label: "The file's `parameters` block", value: 'file' },
      { label: 'A parameters file (JSON or YAML)…', value: 'choose' },
      { label: 'Type them as JSON…', value: 'prompt' },
    ],
    { title: 'Kailash: run parameters' },
  );
  if (!pick) return undefined;
  if (pick.value === 'file') return {};
  if (pick.value === 'choose') {
    const [uri] = (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Parameters: ['json', 'yaml', 'yml'] } })) ?? [];
    if (!uri) return undefined;
    return asParameters(model().parseYaml(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8')));
  }
  const text = await vscode.window.showInputBox({
    title: 'Kailash: run parameters',
    prompt: '{"node_id": {"param": value}} — or {"param": value} for every node that takes param',
    validateInput: (v) => {
      try {
        asParameters(JSON.parse(v));
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    },
  });
  return text === undefined ? undefined : asParameters(JSON.parse(text));
}

function asParameters(v: unknown): RunParameters {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new Error('Parameters must be a mapping: node id to {param: value}, or param to value for every node that takes it');
  return v as RunParameters;
}
