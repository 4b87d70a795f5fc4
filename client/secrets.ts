import * as vscode from 'vscode';

const KEY = (name: string) => `kailash.secret.${name}`;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `${secret:NAME}` values in VS Code's SecretStorage; a missing one is asked for once per run. */
export class Secrets {
  private asked = new Set<string>();

  constructor(private readonly storage: vscode.SecretStorage) {}

  /** A new run may ask again for what the user dismissed last time. */
  newRun(): void {
    this.asked.clear();
  }

  async get(name: string): Promise<string | undefined> {
    const stored = await this.storage.get(KEY(name));
    if (stored !== undefined || this.asked.has(name)) return stored;
    this.asked.add(name);
    const value = await vscode.window.showInputBox({
      title: `Kailash: secret ${name}`,
      prompt: `The workflow uses \${secret:${name}}, which is not set. Enter it to store it in VS Code's secret storage (leave empty to fail the node).`,
      password: true,
      ignoreFocusOut: true,
    });
    if (!value) return undefined;
    await this.storage.store(KEY(name), value);
    return value;
  }

  async set(): Promise<void> {
    const name = await vscode.window.showInputBox({
      title: 'Kailash: Set Secret',
      prompt: 'Secret name, as in ${secret:NAME}',
      validateInput: (v) => (NAME.test(v) ? undefined : 'Letters, digits and _, not starting with a digit'),
    });
    if (!name) return;
    const value = await vscode.window.showInputBox({ title: `Kailash: value of ${name}`, password: true, ignoreFocusOut: true });
    if (value === undefined) return;
    await this.storage.store(KEY(name), value);
    void vscode.window.showInformationMessage(`Kailash: secret ${name} stored.`);
  }

  async delete(): Promise<void> {
    const name = await vscode.window.showInputBox({ title: 'Kailash: Delete Secret', prompt: 'Secret name' });
    if (!name) return;
    await this.storage.delete(KEY(name));
    void vscode.window.showInformationMessage(`Kailash: secret ${name} deleted.`);
  }
}
