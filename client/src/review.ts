// "iomem-lens: Review patch...": a .patch/.mbox file or the clipboard, reviewed by the server
// against the workspace; the report opens in the markdown preview, with links to the lines.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

type Reply = { ok: true; markdown: string; patches: number; introduced: number; fixed: number; failed: number } | { ok: false; error: string };

export async function reviewPatch(client: LanguageClient, storage: vscode.Uri): Promise<void> {
  const pick = await vscode.window.showQuickPick([
    { label: 'Pick a patch file...', description: '.patch, .diff, .mbox, .eml', from: 'file' as const },
    { label: 'Use the clipboard', description: 'a patch copied from a mail or a terminal', from: 'clipboard' as const },
  ], { title: 'iomem-lens: Review patch' });
  if (!pick) return;
  let text: string;
  let source: string;
  if (pick.from === 'file') {
    const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Patches: ['patch', 'diff', 'mbox', 'eml', 'txt'], 'All files': ['*'] } });
    const file = files?.[0];
    if (!file) return;
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    source = vscode.workspace.asRelativePath(file);
  } else {
    text = await vscode.env.clipboard.readText();
    source = 'clipboard';
  }
  const reply = await client.sendRequest<Reply>('workspace/executeCommand', { command: 'iomem-lens.server.review', arguments: [{ text, source, reportDir: storage.fsPath }] });
  if (!reply.ok) {
    void vscode.window.showErrorMessage(`iomem-lens review: ${reply.error}`);
    return;
  }
  // The preview renders a file: the report is written to the extension's storage.
  await vscode.workspace.fs.createDirectory(storage);
  const report = vscode.Uri.joinPath(storage, 'review.md');
  await vscode.workspace.fs.writeFile(report, new TextEncoder().encode(reply.markdown));
  await vscode.commands.executeCommand('markdown.showPreview', report);
  const failed = reply.failed ? `, ${reply.failed} did not apply` : '';
  void vscode.window.showInformationMessage(`iomem-lens review: ${reply.patches} patch(es), ${reply.introduced} finding(s) introduced, ${reply.fixed} fixed${failed}`);
}
