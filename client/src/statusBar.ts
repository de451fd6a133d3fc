// The status bar item: the kernel profile the server assumes and the findings in the workspace.
// Clicking it picks the profile.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export function createStatusBar(client: LanguageClient): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('iomemLens.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'iomem-lens';
  item.command = 'iomem-lens.selectProfile';
  let profile = '…';
  const count = (): number => vscode.languages.getDiagnostics()
    .reduce((n, [, ds]) => n + ds.filter((d) => d.source === 'iomem-lens' && d.severity !== vscode.DiagnosticSeverity.Hint).length, 0);
  const render = (): void => {
    const n = count();
    item.text = `$(circuit-board) ${profile} · ${n} finding${n === 1 ? '' : 's'}`;
    item.tooltip = `iomem-lens: kernel profile ${profile}, ${n} finding${n === 1 ? '' : 's'} in open files. Click to pick the profile.`;
  };
  const refreshProfile = async (): Promise<void> => {
    const r = await client.sendRequest<{ kernel: string; arch: string; source: string } | null>('workspace/executeCommand', { command: 'iomem-lens.server.profile', arguments: [] });
    if (r) profile = `${r.kernel} ${r.arch}`;
    render();
  };
  render();
  item.show();
  void refreshProfile();
  return vscode.Disposable.from(
    item,
    vscode.languages.onDidChangeDiagnostics(render),
    // The server re-reads its settings on a change; ask again once it has.
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('iomemLens')) setTimeout(() => void refreshProfile(), 300);
    }),
  );
}
