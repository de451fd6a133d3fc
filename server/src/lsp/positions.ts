// The analysis counts lines as tree-sitter and gcc do, by `\n` alone; the protocol also ends a
// line at a lone `\r` (found in review: one in a comment put every later diagnostic a line
// off, and the suppression comment inside the comment). Points are mapped through offsets in
// such a text; in any other, they are the same.

import type { Position } from 'vscode-languageserver';
import type { OpenDocument } from './documents.js';

/** A point of the analysis (0-based `\n` line, UTF-16 column) to a protocol position. */
export type PointToPosition = (line: number, col: number) => Position;

const loneCr = new WeakMap<OpenDocument, { revision: number; has: boolean }>();

function hasLoneCr(d: OpenDocument): boolean {
  let seen = loneCr.get(d);
  if (seen?.revision !== d.revision) {
    seen = { revision: d.revision, has: /\r(?!\n)/.test(d.doc.getText()) };
    loneCr.set(d, seen);
  }
  return seen.has;
}

export function pointMapper(d: OpenDocument): PointToPosition {
  if (!hasLoneCr(d)) return (line, col) => ({ line, character: col });
  return (line, col) => d.doc.positionAt((d.lines[line] ?? d.doc.getText().length) + col);
}
