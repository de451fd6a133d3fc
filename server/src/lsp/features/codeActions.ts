// Code actions on a diagnostic: the quick fix its rule attached (labelled for the refactor
// preview where the client has one), and "Explain" which opens the simulation of the
// finding's path.

import { CodeAction, CodeActionKind, CodeActionParams, Diagnostic, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { FileAnalysis, Finding } from '../../analysis/finding.js';
import type { OpenDocument } from '../documents.js';
import { commentRanges } from '../../syntax/tokens.js';

export const EXPLAIN_COMMAND = 'iomem-lens.explainFinding';

export function codeActions(d: OpenDocument, a: FileAnalysis | undefined, params: CodeActionParams, o: { preview?: boolean } = {}): CodeAction[] {
  const out: CodeAction[] = [];
  // A client may send anything here: entries that are not diagnostics of ours are passed over
  // (found in review: a null entry failed the whole request as an internal error).
  const given: unknown = params.context?.diagnostics;
  for (const diag of Array.isArray(given) ? given as unknown[] : []) {
    if (!isDiagnostic(diag)) continue;
    const data = diag.data as { rule?: string; start?: number } | undefined;
    const f = a?.findings.find((x) => x.rule === data?.rule && x.start === data?.start);
    if (!f) continue;
    if (f.fix) {
      out.push({ title: f.fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diag], isPreferred: true, edit: fixEdit(d, f, o.preview ?? false) });
    }
    const suppress = suppressAction(d, f, diag);
    if (suppress) out.push(suppress);
    out.push({
      title: `Explain ${f.rule}: simulate this path`,
      kind: CodeActionKind.Empty,
      diagnostics: [diag],
      // The position is the protocol's (positions.ts); the finding's line is the analysis' own.
      command: { title: 'Explain finding', command: EXPLAIN_COMMAND, arguments: [{ uri: d.uri, ...position(d, f.start), finding: { rule: f.rule, line: f.line } }] },
    });
  }
  return out;
}

function isDiagnostic(x: unknown): x is Diagnostic {
  return typeof x === 'object' && x !== null && typeof (x as { data?: unknown }).data === 'object';
}

/**
 * Inserts `/* iomem-lens-disable-next-line RULE: reason *\/` above the finding, indented like its
 * line and ended as it is. The line is found from the finding's offset, as the suppression reads
 * lines (by `\n`): a protocol line, which a lone `\r` also ends, could be inside a comment
 * (found in review), and a bare `\n` in a CRLF file mixes line ends.
 */
function suppressAction(d: OpenDocument, f: Finding, diag: Diagnostic): CodeAction | undefined {
  const text = d.doc.getText();
  const lineStart = f.start === 0 ? 0 : text.lastIndexOf('\n', f.start - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart, lineStart + 256))?.[0] ?? '';
  let lineEnd = text.indexOf('\n', lineStart);
  if (lineEnd < 0) lineEnd = text.length;
  // As the file ends its lines: the finding's line, or any (the last line may have no end).
  const eol = text[lineEnd - 1] === '\r' || (lineEnd === text.length && text.includes('\r\n')) ? '\r\n' : '\n';
  const directive = `iomem-lens-disable-next-line ${f.rule}: TODO say why this is safe`;
  const edit = (at: number, newText: string): CodeAction => ({
    title: `Suppress ${f.rule} on this line (with a reason)`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diag],
    edit: { changes: { [d.uri]: [{ range: { start: d.doc.positionAt(at), end: d.doc.positionAt(at) }, newText }] } },
  });
  // A line that starts inside a block comment (`* end */ code`) takes the directive at its end,
  // as `iomem-lens-disable-line`: one above it would land inside the comment and its `*/` end
  // the comment early (found in review). A line that ends inside one too gets none.
  const comments = commentRanges(text);
  const inComment = (at: number): boolean => comments.some(([s, e]) => s < at && at < e);
  if (inComment(lineStart)) {
    const end = text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
    return inComment(end) ? undefined : edit(end, ` /* iomem-lens-disable-line ${f.rule}: TODO say why this is safe */`);
  }
  return edit(lineStart, `${indent}/* ${directive} */${eol}`);
}

function position(d: OpenDocument, offset: number): { line: number; character: number } {
  return d.doc.positionAt(offset);
}

function fixEdit(d: OpenDocument, f: Finding, preview: boolean): WorkspaceEdit {
  const fix = f.fix as NonNullable<Finding['fix']>;
  const edits: TextEdit[] = fix.edits.map((e) => ({ range: { start: d.doc.positionAt(e.start), end: d.doc.positionAt(e.end) }, newText: e.newText }));
  if (!preview) return { changes: { [d.uri]: edits } };
  // Labelled, so the refactor preview (Ctrl+Enter on the action) names the fix; not marked as
  // needing confirmation: VS Code would then show the edit unticked and Apply would change nothing.
  return {
    documentChanges: [{ textDocument: { uri: d.uri, version: d.doc.version }, edits: edits.map((e) => ({ ...e, annotationId: 'iomem-lens-fix' })) }],
    changeAnnotations: { 'iomem-lens-fix': { label: fix.title, needsConfirmation: false, description: `iomem-lens ${f.rule}` } },
  };
}
