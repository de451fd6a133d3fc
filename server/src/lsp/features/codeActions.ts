// Quick fixes: the edits a rule attached to its finding.

import { CodeAction, CodeActionKind, CodeActionParams, Diagnostic } from 'vscode-languageserver';
import type { FileAnalysis } from '../../analysis/finding.js';
import type { OpenDocument } from '../documents.js';

export function codeActions(d: OpenDocument, a: FileAnalysis | undefined, params: CodeActionParams): CodeAction[] {
  const out: CodeAction[] = [];
  for (const diag of params.context.diagnostics) {
    const data = diag.data as { rule?: string; start?: number } | undefined;
    const f = a?.findings.find((x) => x.rule === data?.rule && x.start === data?.start);
    if (!f?.fix) continue;
    out.push({
      title: f.fix.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diag as Diagnostic],
      isPreferred: true,
      edit: {
        changes: {
          [d.uri]: f.fix.edits.map((e) => ({ range: { start: d.doc.positionAt(e.start), end: d.doc.positionAt(e.end) }, newText: e.newText })),
        },
      },
    });
  }
  return out;
}
