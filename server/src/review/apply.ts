// Applies a file's hunks in memory the way GNU patch does: each hunk where its header says,
// else at the nearest offset where its context matches, else with fuzz (up to two context
// lines ignored at either end). Hunks apply in order and never overlap.

import type { FilePatch, Hunk } from './patch.js';

export const MAX_FUZZ = 2;

export interface HunkApplied {
  /** 1-based hunk number within the file. */
  hunk: number;
  /** Lines between where the header put it and where it applied (as patch reports it). */
  offset: number;
  fuzz: number;
  /** 0-based line range of the hunk's new side in the result (for quoting and touched functions). */
  newStart: number;
  newEnd: number;
  /** 0-based line range of its old side in the text it was applied to. */
  oldStart: number;
  oldEnd: number;
}

export type ApplyResult =
  | { ok: true; text: string | undefined; hunks: HunkApplied[] }
  | { ok: false; hunk: number; reason: string };

interface Lines {
  lines: string[];
  /** The text ends with a newline. */
  newline: boolean;
  /** Its line end: a file whose every line ends in CRLF keeps CRLF (the patch's were read as LF). */
  eol: '\n' | '\r\n';
}

function toLines(text: string): Lines {
  if (text === '') return { lines: [], newline: true, eol: '\n' };
  // Found in review: a tree file with CRLF line ends could not be patched.
  const eol = text.includes('\r\n') && !/(^|[^\r])\n/.test(text) ? '\r\n' : '\n';
  const lines = text.split(eol);
  const newline = lines[lines.length - 1] === '';
  if (newline) lines.pop();
  return { lines, newline, eol };
}

/** `text`: the file before (undefined when the patch creates it). Result text undefined: deleted. */
export function applyFilePatch(text: string | undefined, fp: FilePatch): ApplyResult {
  if (fp.oldPath === undefined && text !== undefined && text !== '') return { ok: false, hunk: 1, reason: 'the patch creates the file, but it already exists' };
  if (fp.oldPath !== undefined && text === undefined) return { ok: false, hunk: 1, reason: 'no such file in the tree' };
  const doc = toLines(text ?? '');
  const out: HunkApplied[] = [];
  // `shift`: lines the applied hunks added minus removed; `floor`: hunks may not apply above it.
  let shift = 0;
  let floor = 0;
  for (let k = 0; k < fp.hunks.length; k++) {
    const h = fp.hunks[k] as Hunk;
    const found = locate(doc.lines, h, shift, floor);
    if (!found) return { ok: false, hunk: k + 1, reason: `hunk #${k + 1} (${h.header.replace(/ @@.*/, ' @@')}) does not apply: its context is not in the file, even with fuzz ${MAX_FUZZ}` };
    const { at, fuzz, head, tail } = found;
    const body = h.lines.slice(head, h.lines.length - tail);
    const oldSide = body.filter((l) => l[0] !== '+').map((l) => l.slice(1));
    const newSide = body.filter((l) => l[0] !== '-').map((l) => l.slice(1));
    doc.lines.splice(at, oldSide.length, ...newSide);
    const stated = h.oldLines === 0 ? h.oldStart : h.oldStart - 1;
    const headContext = h.lines.slice(0, head).filter((l) => l[0] !== '+').length;
    out.push({
      hunk: k + 1, offset: at - headContext - shift - stated, fuzz,
      newStart: at, newEnd: at + newSide.length, oldStart: at - shift, oldEnd: at - shift + oldSide.length,
    });
    shift += newSide.length - oldSide.length;
    floor = at + newSide.length;
    if (k === fp.hunks.length - 1 && at + newSide.length === doc.lines.length) {
      if (h.newNoNewline) doc.newline = false;
      else if (h.oldNoNewline) doc.newline = true;
    }
  }
  if (fp.newPath === undefined) {
    if (doc.lines.length) return { ok: false, hunk: fp.hunks.length, reason: 'the patch deletes the file, but lines are left in it' };
    return { ok: true, text: undefined, hunks: out };
  }
  return { ok: true, text: doc.lines.length ? doc.lines.join(doc.eol) + (doc.newline ? doc.eol : '') : '', hunks: out };
}

/**
 * Where the hunk's old side matches, nearest to where the header (shifted by the hunks before)
 * puts it; with fuzz, leading and trailing context lines are dropped first.
 */
function locate(lines: string[], h: Hunk, shift: number, floor: number): { at: number; fuzz: number; head: number; tail: number } | undefined {
  const leading = countContext(h.lines);
  const trailing = countContext([...h.lines].reverse());
  for (let fuzz = 0; fuzz <= MAX_FUZZ; fuzz++) {
    const head = Math.min(fuzz, leading);
    const tail = Math.min(fuzz, trailing);
    if (fuzz > 0 && head === 0 && tail === 0) break;
    const old = h.lines.slice(head, h.lines.length - tail).filter((l) => l[0] !== '+').map((l) => l.slice(1));
    const expected = Math.max(floor, (h.oldLines === 0 ? h.oldStart : h.oldStart - 1) + shift + head);
    if (old.length === 0) {
      // A pure insertion: where the header says (nothing to match against).
      if (expected <= lines.length) return { at: expected, fuzz, head, tail };
      continue;
    }
    const last = lines.length - old.length;
    // Searched outward from the stated line, or from the last place the context fits when the
    // header states a line past it (the same order of candidates: found in review, a header of
    // line 10^20 searched every number up to it).
    const from = Math.min(expected, Math.max(last, floor));
    for (let d = 0; from - d >= floor || from + d <= last; d++) {
      for (const at of d === 0 ? [from] : [from - d, from + d]) {
        if (at < floor || at > last) continue;
        if (matchesAt(lines, old, at)) return { at, fuzz, head, tail };
      }
    }
  }
  return undefined;
}

function countContext(lines: string[]): number {
  let n = 0;
  while (n < lines.length && (lines[n] as string)[0] === ' ') n++;
  return n;
}

function matchesAt(lines: string[], old: string[], at: number): boolean {
  for (let i = 0; i < old.length; i++) if (lines[at + i] !== old[i]) return false;
  return true;
}
