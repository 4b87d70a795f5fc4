import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { settings, type RunController } from '../run/controller';
import type { RunHost } from '../run/host';
import type { LaunchArguments } from './session';

export const DEBUG_TYPE = 'kailash';

const isWorkflow = (doc: vscode.TextDocument | undefined) => doc?.languageId === 'kailash-workflow';

/** Why a launch is refused before it starts, if it is: told in a notification and to the Test Explorer. */
export function debugRefusal(): string | undefined {
  return vscode.workspace.isTrusted ? undefined : 'Debugging workflows is disabled in Restricted Mode: trust this workspace to run it.';
}

/**
 * F5 on a workflow file (no launch.json) debugs it; a `launch.json` entry gets its paths made
 * absolute and the `kailash.*` settings a run takes (Python, env file, default timeout).
 */
class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [{ type: DEBUG_TYPE, request: 'launch', name: 'Debug workflow', program: '${file}' }];
  }

  resolveDebugConfiguration(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration | undefined {
    if (!config.type && !config.request && !config.name) {
      const doc = vscode.window.activeTextEditor?.document;
      if (!isWorkflow(doc)) return config;
      config = { type: DEBUG_TYPE, request: 'launch', name: `Debug ${path.basename(doc!.uri.fsPath)}`, program: doc!.uri.fsPath };
    }
    const refused = debugRefusal();
    if (refused) {
      void vscode.window.showWarningMessage(refused);
      return undefined;
    }
    return config;
  }

  resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration | undefined {
    const launch = config as vscode.DebugConfiguration & LaunchArguments;
    const given = launch.program ?? launch.file ?? launch.test?.file;
    if (!given) {
      void vscode.window.showErrorMessage('Kailash: the launch configuration needs `program`, the workflow file to debug.');
      return undefined;
    }
    const base = folder?.uri.fsPath ?? path.dirname(vscode.window.activeTextEditor?.document.uri.fsPath ?? process.cwd());
    const abs = (p: string) => (path.isAbsolute(p) ? p : path.join(base, p));
    const program = abs(given);
    const s = settings(vscode.Uri.file(program));
    return {
      ...launch,
      // A test case's session takes its workflow from the test file.
      ...(launch.test ? { test: { ...launch.test, file: program } } : { program }),
      ...(launch.paramsFile ? { paramsFile: abs(launch.paramsFile) } : {}),
      ...(launch.envFile ? { envFile: abs(launch.envFile) } : s.envFile ? { envFile: s.envFile } : {}),
      ...(launch.pythonPath === undefined && s.pythonPath ? { pythonPath: s.pythonPath } : {}),
      ...(launch.defaultTimeout === undefined && s.defaultTimeout ? { defaultTimeout: s.defaultTimeout } : {}),
      ...(s.queue ? { workerMode: true } : {}),
    };
  }
}

/** VS Code's end of a session whose adapter runs in the run host: DAP messages relayed over IPC. */
class HostDebugAdapter implements vscode.DebugAdapter {
  private readonly sent = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.sent.event;
  private readonly id = randomUUID();

  constructor(private readonly host: RunHost) {
    host.openDebug(this.id, {
      receive: (m) => this.sent.fire(m as vscode.DebugProtocolMessage),
      hostExited: () => {
        this.sent.fire({ type: 'event', seq: 0, event: 'output', body: { category: 'stderr', output: 'The run host exited.\n' } });
        this.sent.fire({ type: 'event', seq: 0, event: 'terminated' });
      },
    });
  }

  handleMessage(message: vscode.DebugProtocolMessage): void {
    this.host.sendDebug(this.id, message as DebugProtocol.ProtocolMessage);
  }

  dispose(): void {
    this.host.closeDebug(this.id);
    this.sent.dispose();
  }
}

/** The `kailash` debugger: its configurations, its adapter (in the run host), and the panel following its runs. */
export function registerDebugger(host: RunHost, controller: RunController): vscode.Disposable {
  host.onDebugRun = (run) => controller.follow(run);
  return vscode.Disposable.from(
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ConfigurationProvider()),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      createDebugAdapterDescriptor: () => new vscode.DebugAdapterInlineImplementation(new HostDebugAdapter(host)),
    }),
    vscode.commands.registerCommand('kailash.debugWorkflow', async (arg: unknown) => {
      const uri =
        arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.parse(arg) : vscode.window.activeTextEditor?.document.uri;
      if (!uri) return false;
      return vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(uri), {
        type: DEBUG_TYPE,
        request: 'launch',
        name: `Debug ${path.basename(uri.fsPath)}`,
        program: uri.fsPath,
      });
    }),
  );
}
