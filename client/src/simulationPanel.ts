// The simulation webview: asks the server to simulate, shows the result in one reused panel.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { SimulationView, simulationHtml } from './simulationHtml';

export interface SimulateArgs {
  uri: string;
  line: number;
  character: number;
  finding?: { rule: string; line: number };
}

type Reply = { ok: true; sim: SimulationView; maps: string[]; style: string } | { ok: false; error: string };

let panel: vscode.WebviewPanel | undefined;

export async function showSimulation(client: LanguageClient, args: SimulateArgs): Promise<void> {
  const reply = await client.sendRequest<Reply | null>('workspace/executeCommand', { command: 'iomem-lens.server.simulate', arguments: [args] });
  if (!reply) {
    void vscode.window.showErrorMessage('iomem-lens: the language server did not answer the simulation request (see the iomem-lens output)');
    return;
  }
  if (!reply.ok) {
    void vscode.window.showWarningMessage(`iomem-lens: ${reply.error}`);
    return;
  }
  if (!panel) {
    panel = vscode.window.createWebviewPanel('iomemLens.simulation', 'iomem-lens simulation', vscode.ViewColumn.Beside, {
      enableScripts: true, localResourceRoots: [], retainContextWhenHidden: false,
    });
    panel.onDidDispose(() => {
      panel = undefined;
    });
  }
  panel.title = `Simulate ${reply.sim.function}()`;
  panel.webview.html = simulationHtml(reply.sim, reply.maps, reply.style, randomBytes(16).toString('base64'), panel.webview.cspSource);
  panel.reveal(vscode.ViewColumn.Beside, true);
}
