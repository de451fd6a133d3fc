// Result ids for pulled diagnostics (LSP 3.17): a client that sends the id of the last report it
// got is told its diagnostics are unchanged instead of being sent them again. Most edits leave a
// file's findings as they were; VS Code then keeps what it shows instead of applying the same
// list again.

import { DocumentDiagnosticReportKind, type Diagnostic, type DocumentDiagnosticReport } from 'vscode-languageserver';
import { textHash } from '../textHash.js';

export class DiagnosticReports {
  /** Per document, the last full report's id and the hash of its items. */
  private readonly last = new Map<string, { id: string; hash: string }>();
  private next = 0;

  /** The report of `items` for `uri`, unchanged when the client's `previousResultId` names the same items. */
  report(uri: string, items: Diagnostic[], previousResultId: string | undefined): DocumentDiagnosticReport {
    const hash = textHash(JSON.stringify(items));
    const prev = this.last.get(uri);
    if (prev && previousResultId === prev.id && prev.hash === hash) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: prev.id };
    const id = String(++this.next);
    this.last.set(uri, { id, hash });
    return { kind: DocumentDiagnosticReportKind.Full, resultId: id, items };
  }

  /** A closed document: the next report of it is full. */
  forget(uri: string): void {
    this.last.delete(uri);
  }
}
