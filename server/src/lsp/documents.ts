// Open documents: text, version and a syntax tree kept current by incremental edits
// (tree.edit + parse with the old tree). Trees are deleted as soon as they are replaced.

import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { Edit } from '../syntax/parser.js';
import { CParser, Tree, makeEdit } from '../syntax/parser.js';
import { noteReparse } from '../syntax/functions.js';
import { maskKernelMacros, remask } from '../syntax/macros.js';
import { editLineStarts, lineOf, lineStarts, rememberLineStarts } from '../syntax/lines.js';

/** Larger documents are not parsed: a note says so, the editor keeps working. */
export const MAX_DOCUMENT_CHARS = 8 << 20;
const PARSE_TIMEOUT_MS = 5_000;

export interface OpenDocument {
  uri: string;
  doc: TextDocument;
  tree: Tree | undefined;
  /** The text with kernel annotation macros masked (macros.ts), what the tree was parsed from. */
  masked: string;
  /**
   * Bumped on every open and change. Results are keyed by it, not by the client's version: a
   * client that sends a stale or repeated version number must not get the analysis of other text.
   */
  revision: number;
  /** Why there is no tree (too large, parse timed out). */
  unparsed?: string;
  /** Where the text's lines start, kept edit by edit (lines.ts): the analysis asks at every edit. */
  lines: Uint32Array;
}

/**
 * The tree edit for one change, widened to whole lines: macro masking (macros.ts) works per
 * line, so the masked text can differ from the old one anywhere on the touched lines.
 */
function lineEdit(doc: TextDocument, starts: Uint32Array, range: Range, inserted: string): { edit: Edit; lines: string } {
  // offsetAt clamps out-of-range positions; points are rebuilt from the clamped offsets. A range
  // given end first is the same range (TextDocument.update() orders it too; found in review:
  // the masked text kept the deleted line).
  const a = doc.offsetAt(range.start);
  const b = doc.offsetAt(range.end);
  const start = Math.min(a, b);
  const end = Math.max(a, b);
  const text = doc.getText();
  // (lastIndexOf with -1 would look at index 0 again: a newline there is not before `start`.)
  const lineStart = start === 0 ? 0 : text.lastIndexOf('\n', start - 1) + 1;
  let lineEnd = text.indexOf('\n', end);
  if (lineEnd === -1) lineEnd = text.length;
  // The tree's points count lines as tree-sitter does, by `\n` alone (`starts`, the text's line
  // starts as lines.ts keeps them), not as the protocol's positions do: a lone `\r` ends an LSP
  // line, and a point counted so put carried functions on the wrong line (found in review).
  const point = (o: number): { row: number; column: number } => {
    const row = lineOf(starts, o);
    return { row, column: o - (starts[row] as number) };
  };
  const widened = text.slice(lineStart, start) + inserted + text.slice(end, lineEnd);
  return { edit: makeEdit(lineStart, lineEnd, point(lineStart), point(lineEnd), widened), lines: widened };
}

export class DocumentStore {
  private readonly docs = new Map<string, OpenDocument>();
  private revisions = 0;

  constructor(private readonly parser: CParser) {}

  get(uri: string): OpenDocument | undefined {
    return this.docs.get(uri);
  }

  all(): OpenDocument[] {
    return [...this.docs.values()];
  }

  open(uri: string, languageId: string, version: number, text: string): OpenDocument {
    this.close(uri);
    const d: OpenDocument = { uri, doc: TextDocument.create(uri, languageId, version, text), tree: undefined, masked: maskKernelMacros(text), revision: ++this.revisions, lines: lineStarts(text) };
    this.reparse(d, undefined);
    this.docs.set(uri, d);
    return d;
  }

  /** Applies LSP changes in order, editing the tree for each, then reparses once. */
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): OpenDocument | undefined {
    const d = this.docs.get(uri);
    if (!d) return undefined;
    // Checked before any is applied: a change that is not one would leave the text half
    // edited, and an empty text read from a text of 5 or null wiped the findings (found in review).
    const bad = changes.findIndex((c) => !isContentChange(c));
    if (!Array.isArray(changes) || bad >= 0) throw new Error(`didChange of ${uri}: change ${bad + 1} is not a text change (its text must be a string, its range two positions): ignored, the document is as it was`);
    let incremental = d.tree !== undefined;
    const edits: Edit[] = [];
    for (const c of changes) {
      if ('range' in c && c.range) {
        // Only the lines a change touches are masked again.
        const { edit, lines } = lineEdit(d.doc, d.lines, c.range, c.text);
        d.masked = remask(d.masked, edit.startIndex, edit.oldEndIndex, lines);
        if (incremental && d.tree) {
          d.tree.edit(edit);
          edits.push(edit);
        }
        // As TextDocument.update() reads the range: clamped, and its ends in order.
        const [a, b] = [d.doc.offsetAt(c.range.start), d.doc.offsetAt(c.range.end)];
        d.lines = editLineStarts(d.lines, Math.min(a, b), Math.max(a, b), c.text);
        d.doc = TextDocument.update(d.doc, [c], version);
      } else {
        incremental = false;
        d.doc = TextDocument.update(d.doc, [c], version);
        d.masked = maskKernelMacros(d.doc.getText());
        d.lines = lineStarts(d.doc.getText());
      }
    }
    rememberLineStarts(d.doc.getText(), d.lines);
    d.revision = ++this.revisions;
    const old = incremental ? d.tree : undefined;
    this.reparse(d, old);
    // The functions no edit touched are carried over to the new tree (functions.ts).
    if (old && d.tree && d.tree !== old) noteReparse(d.tree, old, edits);
    return d;
  }

  close(uri: string): void {
    const d = this.docs.get(uri);
    d?.tree?.delete();
    this.docs.delete(uri);
  }

  private reparse(d: OpenDocument, old: Tree | undefined): void {
    const text = d.doc.getText();
    const previous = d.tree;
    d.unparsed = undefined;
    if (text.length > MAX_DOCUMENT_CHARS) {
      d.tree = undefined;
      d.unparsed = `not analyzed: ${(text.length / (1 << 20)).toFixed(1)} MiB is over the ${MAX_DOCUMENT_CHARS >> 20} MiB limit`;
    } else {
      d.tree = this.parser.parseMasked(d.masked, old, { timeoutMs: PARSE_TIMEOUT_MS });
      if (!d.tree) d.unparsed = `not analyzed: parsing took longer than ${PARSE_TIMEOUT_MS / 1000} s`;
    }
    if (previous && previous !== d.tree) previous.delete();
  }
}

/** A content change as the protocol defines one (a client may send anything). */
function isContentChange(c: unknown): boolean {
  if (typeof c !== 'object' || c === null || typeof (c as { text?: unknown }).text !== 'string') return false;
  const r = (c as { range?: unknown }).range;
  if (r === undefined || r === null) return true; // no range: the whole text
  const pos = (p: unknown): boolean => typeof p === 'object' && p !== null &&
    Number.isInteger((p as { line?: unknown }).line) && Number.isInteger((p as { character?: unknown }).character);
  return typeof r === 'object' && r !== null && pos((r as { start?: unknown }).start) && pos((r as { end?: unknown }).end);
}
