// Commands that change settings: pick the kernel profile, load a /proc/iomem dump.

import * as vscode from 'vscode';

const VERSIONS = ['auto', '6.1', '6.6', '6.8', '6.9', '6.12'];
const ARCHES = ['auto', 'x86_64', 'x86_64-la57', 'arm64', 'arm64-16k', 'arm64-64k', 'ppc64', 'riscv64', 's390', 'arm', 'mips', 'parisc'];

function target(): vscode.ConfigurationTarget {
  return vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

export async function selectProfile(): Promise<void> {
  const cfg = vscode.workspace.getConfiguration('iomemLens');
  const version = await vscode.window.showQuickPick(VERSIONS.map((v) => ({ label: v, description: v === 'auto' ? 'from the tree\'s Makefile' : undefined, picked: cfg.get('kernel.version') === v })), {
    title: 'iomem-lens: kernel version', placeHolder: `now ${cfg.get<string>('kernel.version') ?? 'auto'}`,
  });
  if (!version) return;
  const arch = await vscode.window.showQuickPick(ARCHES.map((a) => ({ label: a, description: a === 'auto' ? 'from the tree\'s .config' : undefined })), {
    title: 'iomem-lens: architecture', placeHolder: `now ${cfg.get<string>('kernel.arch') ?? 'auto'}`,
  });
  if (!arch) return;
  await cfg.update('kernel.version', version.label, target());
  await cfg.update('kernel.arch', arch.label, target());
}

export async function loadIomemDump(): Promise<void> {
  const picked = await vscode.window.showOpenDialog({
    title: 'iomem-lens: /proc/iomem dump (read as root: `sudo cat /proc/iomem > iomem.txt`)', canSelectMany: false, openLabel: 'Use this layout',
  });
  const file = picked?.[0];
  if (!file) return;
  // The server validates the dump and names what is wrong with it (an all-zero dump read without root).
  await vscode.workspace.getConfiguration('iomemLens').update('layout', file.fsPath, target());
}
