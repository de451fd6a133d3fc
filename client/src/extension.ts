// The VS Code extension: starts the language server over IPC and adds the palette commands.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { loadIomemDump, selectProfile } from './pickers';
import { reviewPatch } from './review';
import { SimulateArgs, showSimulation } from './simulationPanel';
import { createStatusBar } from './statusBar';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const output = vscode.window.createOutputChannel('iomem-lens', { log: true });
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'c' }, { scheme: 'untitled', language: 'c' }, { scheme: 'file', language: 'cpp' }],
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
      const r = await client?.sendRequest<{ openDocuments: number; cachedFunctions: number; analysesRunning: number; memoryMb: Record<string, number> } | undefined>(
        'workspace/executeCommand', { command: 'iomem-lens.server.status', arguments: [] });
      if (!r) return;
      const m = r.memoryMb;
      void vscode.window.showInformationMessage(`iomem-lens server: ${r.openDocuments} documents open, ${r.cachedFunctions} function results cached, ` +
        `${r.analysesRunning} analyses running; RSS ${m.rss} MB (JS heap ${m.heapUsed} of ${m.heapTotal} MB, external ${m.external} MB)`);
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
