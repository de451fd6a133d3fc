// The VS Code extension: starts the language server over IPC and adds the palette commands.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { loadIomemDump, selectProfile } from './pickers';
import { reviewPatch } from './review';
import { SimulateArgs, showSimulation } from './simulationPanel';
import { createStatusBar } from './statusBar';

let client: LanguageClient | undefined;

/**
 * Node options for the server process, from package.json's `iomemLens.serverNodeArgs` (the
 * bench and the Neovim test start it with the same). `--v8-pool-size=1`: V8's background work
 * (the collector's helpers, the optimizing compiler) on one thread instead of four, so that on
 * a machine of few cores it competes less with the editor while an edit is analyzed; on two
 * cores it lowered every bench file's p95 (memory_hotplug.c 6.9 to 7.3 -> 5.9 to 6.2 ms) and
 * left the p50s as they were. Only where the extension host is Node itself (code-server, remote
 * and web hosts): a desktop VS Code forks its Electron binary as Node, whose handling of Node's
 * options this project cannot test here, and a server that does not start is worse than a slower one.
 */
function serverNodeArgs(manifest: unknown): string[] {
  if (process.versions.electron !== undefined) return [];
  const args = (manifest as { iomemLens?: { serverNodeArgs?: unknown } } | undefined)?.iomemLens?.serverNodeArgs;
  return Array.isArray(args) && args.every((a) => typeof a === 'string') ? args : [];
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const nodeArgs = serverNodeArgs(context.extension.packageJSON);
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: nodeArgs } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...nodeArgs, '--nolazy', '--inspect=6009'] } },
  };
  const output = vscode.window.createOutputChannel('iomem-lens', { log: true });
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'c' }, { scheme: 'untitled', language: 'c' }, { scheme: 'file', language: 'cpp' }, { scheme: 'untitled', language: 'cpp' }],
    synchronize: { configurationSection: 'iomemLens' },
    outputChannel: output,
    // Hovers quote the user's code and dumps: no HTML, no command links (the server also
    // escapes `<` outside code, for clients that do render HTML).
    markdown: { isTrusted: false, supportHtml: false },
  };
  client = new LanguageClient('iomemLens', 'iomem-lens', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand('iomem-lens.showLayout', async () => {
      const r = await client?.sendRequest<{ name: string; iomem: string } | undefined>('workspace/executeCommand', { command: 'iomem-lens.server.layout', arguments: [] });
      if (!r) return;
      const doc = await vscode.workspace.openTextDocument({ content: `# ${r.name} (flags in brackets are not shown by /proc/iomem)\n${r.iomem}`, language: 'plaintext' });
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
    vscode.commands.registerCommand('iomem-lens.showProfile', async () => {
      const r = await client?.sendRequest<{ kernel: string; arch: string; source: string } | undefined>('workspace/executeCommand', { command: 'iomem-lens.server.profile', arguments: [] });
      if (r) void vscode.window.showInformationMessage(`iomem-lens: kernel ${r.kernel} ${r.arch} (${r.source})`);
    }),
    vscode.commands.registerCommand('iomem-lens.showStatus', async () => {
      type Latency = { edits: number; p50: number; p95: number };
      const r = await client?.sendRequest<{ openDocuments: number; cachedFunctions: number; analysesRunning: number; memoryMb: Record<string, number>; editLatencyByUri?: Record<string, Latency> } | undefined>(
        'workspace/executeCommand', { command: 'iomem-lens.server.status', arguments: [] });
      if (!r) return;
      const m = r.memoryMb;
      // The active document's, by the URI the client opened it with.
      const active = vscode.window.activeTextEditor?.document.uri;
      const name = active ? vscode.workspace.asRelativePath(active, false) : undefined;
      const l = active ? r.editLatencyByUri?.[active.toString()] : undefined;
      const edits = l ? `; ${name}: ${l.edits} edits answered in ${l.p50} ms (median), ${l.p95} ms (95th percentile)` : '';
      void vscode.window.showInformationMessage(`iomem-lens server: ${r.openDocuments} documents open, ${r.cachedFunctions} function results cached, ` +
        `${r.analysesRunning} analyses running; RSS ${m.rss} MB (JS heap ${m.heapUsed} of ${m.heapTotal} MB, external ${m.external} MB)${edits}`);
    }),
    vscode.commands.registerCommand('iomem-lens.restartServer', async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand('iomem-lens.simulateAtCursor', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || !client) return;
      const p = editor.selection.active;
      await showSimulation(client, { uri: editor.document.uri.toString(), line: p.line, character: p.character });
    }),
    // From the "Explain" code action on a diagnostic.
    vscode.commands.registerCommand('iomem-lens.explainFinding', async (args: SimulateArgs) => {
      if (client) await showSimulation(client, args);
    }),
    vscode.commands.registerCommand('iomem-lens.reviewPatch', async () => {
      if (client) await reviewPatch(client, context.globalStorageUri);
    }),
    vscode.commands.registerCommand('iomem-lens.selectProfile', selectProfile),
    vscode.commands.registerCommand('iomem-lens.loadIomemDump', loadIomemDump),
  );
  await client.start();
  context.subscriptions.push(createStatusBar(client));
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
