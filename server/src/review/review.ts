// Reviews a series: applies each patch in memory on top of the ones before it, analyzes the
// files it touches before and after, and sorts their findings into fixed and introduced (in any
// function: a helper's change shows in its callers) and unchanged (in the functions it touches).

import { FunctionCache, analyzeTree } from '../analysis/analyze.js';
import type { Finding } from '../analysis/finding.js';
import { lineOf, lineStarts } from '../syntax/lines.js';
import type { AnalysisOptions } from '../analysis/options.js';
import type { FileFinding } from '../cli/report.js';
import { RULES_BY_ID } from '../rules/index.js';
import { findFunctions } from '../syntax/functions.js';
import type { CParser } from '../syntax/parser.js';
import { HunkApplied, applyFilePatch } from './apply.js';
import type { FilePatch, Hunk, Patch } from './patch.js';

const C_SOURCE = /\.[ch]$/;

export interface ReviewedFinding extends FileFinding {
  /** For an introduced finding: the hunk of the patch it lies in or nearest to, as mailed. */
  hunk?: { header: string; lines: string[]; newStart: number };
}

export interface PatchReview {
  patch: Patch;
  files: string[];
  /** Hunks that applied away from where their header said, or with fuzz. */
  applied: { offsets: { file: string; hunk: number; lines: number }[]; fuzz: { file: string; hunk: number; fuzz: number }[] };
  fixed: ReviewedFinding[];
  introduced: ReviewedFinding[];
  unchanged: ReviewedFinding[];
  /** The patch did not apply (file and hunk named); nothing else is set then. */
  error?: string;
  /** Analysis notes (partial analyses, files not analyzed). */
  notes: string[];
  /** The texts the findings are in: fixed ones' before the patch, the others' after (for byte columns). */
  texts?: { before: Map<string, string>; after: Map<string, string> };
}

export interface ReviewSource {
  /** The file as the tree has it before the series, undefined if it does not exist. */
  read(path: string): string | undefined;
}

/** `cache`: shared by the reviews of one run (the commits of a git range are reviewed one by one). */
export function reviewSeries(patches: Patch[], tree: ReviewSource, parser: CParser, opts: AnalysisOptions, cache = new FunctionCache()): PatchReview[] {
  // The series so far: files as the patches before this one left them.
  const overlay = new Map<string, string | undefined>();
  const read = (p: string): string | undefined => (overlay.has(p) ? overlay.get(p) : tree.read(p));
  return patches.map((patch) => {
    const r: PatchReview = { patch, files: [], applied: { offsets: [], fuzz: [] }, fixed: [], introduced: [], unchanged: [], notes: [] };
    const changes: { path: string; oldPath: string; before: string | undefined; after: string | undefined; hunks: HunkApplied[]; mailed: Hunk[] }[] = [];
    for (const given of patch.files) {
      const fp = patchTarget(given, read);
      const path = fp.newPath ?? fp.oldPath ?? '';
      r.files.push(path);
      if (fp.binary) continue;
      const before = fp.oldPath === undefined ? undefined : read(fp.oldPath);
      const res = applyFilePatch(before, fp);
      if (!res.ok) {
        // A file the patch reads is named by its old path (found in review: a rename's new one).
        r.error = `${before === undefined && fp.oldPath !== undefined ? fp.oldPath : path}: ${res.reason}`;
        return r;
      }
      for (const h of res.hunks) {
        if (h.offset) r.applied.offsets.push({ file: path, hunk: h.hunk, lines: h.offset });
        if (h.fuzz) r.applied.fuzz.push({ file: path, hunk: h.hunk, fuzz: h.fuzz });
      }
      changes.push({ path, oldPath: fp.oldPath ?? path, before, after: res.text, hunks: res.hunks, mailed: fp.hunks });
    }
    // The whole patch applied: the series goes on from its result.
    for (const c of changes) {
      const fp = patch.files.map((f) => patchTarget(f, read)).find((f) => (f.newPath ?? f.oldPath) === c.path);
      if (fp?.oldPath !== undefined && fp.oldPath !== fp.newPath) overlay.set(fp.oldPath, undefined);
      overlay.set(c.path, c.after);
    }
    for (const c of changes) {
      if (!C_SOURCE.test(c.path)) continue;
      const before = c.before === undefined ? undefined : analyzeText(c.before, opts, parser, cache, c.path, r.notes);
      const after = c.after === undefined ? undefined : analyzeText(c.after, opts, parser, cache, c.path, r.notes);
      // The touched functions: those the removed lines were in, and those the added lines are in.
      const touched = new Set<string>();
      for (const h of c.hunks) {
        for (const f of before?.functions ?? []) if (overlaps(f, h.oldStart, h.oldEnd)) touched.add(f.name);
        for (const f of after?.functions ?? []) if (overlaps(f, h.newStart, h.newEnd)) touched.add(f.name);
      }
      // Every function's findings are compared: a patch to a static helper, or to a #define at
      // file scope, changes what the walks of untouched callers find (found in review: dropping
      // a helper's release introduced a leak in its caller and the review said nothing). Only
      // the findings still there are limited to the touched functions.
      // Findings before the patch are where the file was (a rename moves it).
      const was = (before?.findings ?? []).map((f) => ({ ...f, file: c.oldPath }));
      const now = (after?.findings ?? []).map((f) => ({ ...f, file: c.path }));
      const sorted = compare(was, now, before?.text ?? '', after?.text ?? '', renamedFrom(before?.functions ?? [], after?.functions ?? []));
      r.texts ??= { before: new Map(), after: new Map() };
      if (before?.text !== undefined) r.texts.before.set(c.oldPath, before.text);
      if (after?.text !== undefined) r.texts.after.set(c.path, after.text);
      r.fixed.push(...sorted.fixed);
      r.unchanged.push(...sorted.unchanged.filter((f) => touched.has(f.function)));
      r.introduced.push(...sorted.introduced.map((f) => ({ ...f, ...(quote(f, c.hunks, c.mailed) ?? {}) })));
    }
    return r;
  });
}

interface Analyzed {
  text: string;
  findings: Finding[];
  functions: { name: string; line: number; endLine: number }[];
}

function analyzeText(text: string, opts: AnalysisOptions, parser: CParser, cache: FunctionCache, file: string, notes: string[]): Analyzed | undefined {
  const tree = parser.parse(text, undefined, { timeoutMs: 20_000 });
  if (!tree) {
    notes.push(`${file}: not analyzed: parsing took too long`);
    return undefined;
  }
  try {
    const a = analyzeTree(tree, text, opts, cache, { file });
    for (const p of a.partial.concat(a.errors)) notes.push(`${file}: ${p.function}(): ${p.reason}`);
    const starts = lineStarts(text);
    const functions = findFunctions(tree, text).map((f) => ({ name: f.name, line: f.line, endLine: lineOf(starts, f.end) }));
    return { text, findings: a.findings, functions };
  } finally {
    tree.delete();
  }
}

/** A hunk's line range [start, end) touches the function; an empty range (a pure deletion) touches the line it is at. */
function overlaps(f: { line: number; endLine: number }, start: number, end: number): boolean {
  const last = Math.max(start, end - 1);
  return start <= f.endLine && last >= f.line;
}

/**
 * Which function of `before` each function of `after` may be a renaming of: a name only the
 * patched file has, to a name only the file before had (found in review: renaming a function
 * reported its findings as fixed and introduced again, failing CI on a no-op).
 */
function renamedFrom(before: readonly { name: string }[], after: readonly { name: string }[]): (oldName: string, newName: string) => boolean {
  const had = new Set(before.map((f) => f.name));
  const has = new Set(after.map((f) => f.name));
  return (oldName, newName) => oldName !== newName && had.has(oldName) && !has.has(oldName) && has.has(newName) && !had.has(newName);
}

/**
 * Matches findings across the patch by function, rule and the text of the line they point at
 * (lines move; their text rarely does). What is left pairs up by function and rule: the same
 * finding on a line the patch rewrote is unchanged, not fixed and introduced again. A function
 * the patch renamed counts as the same function where the finding's line reads the same.
 */
function compare(was: FileFinding[], now: FileFinding[], beforeText: string, afterText: string,
  renamed: (oldName: string, newName: string) => boolean = () => false): { fixed: FileFinding[]; introduced: FileFinding[]; unchanged: FileFinding[] } {
  const same = (w: FileFinding, f: FileFinding): boolean => w.function === f.function || renamed(w.function, f.function);
  const lineText = (text: string): ((f: FileFinding) => string) => {
    const lines = text.split('\n');
    return (f) => (lines[f.line] ?? '').trim();
  };
  const oldLine = lineText(beforeText);
  const newLine = lineText(afterText);
  const unchanged: FileFinding[] = [];
  const left = [...was];
  const fresh: FileFinding[] = [];
  for (const f of now) {
    const i = left.findIndex((w) => same(w, f) && w.rule === f.rule && oldLine(w) === newLine(f));
    if (i >= 0) {
      left.splice(i, 1);
      unchanged.push(f);
    } else fresh.push(f);
  }
  const introduced: FileFinding[] = [];
  for (const f of fresh) {
    // Not across a renaming: a function removed and another added, each with a finding of the
    // rule, would hide what the new one introduces. A rule that reports once per file (at the
    // first of several places, naming the others) pairs across functions: its finding moves to
    // the next place when a patch fixes the first (found in review: "introduced" in a function
    // the patch never touched).
    const i = left.findIndex((w) => w.rule === f.rule && (w.function === f.function || RULES_BY_ID.get(f.rule)?.checkFile !== undefined));
    if (i >= 0) {
      left.splice(i, 1);
      unchanged.push(f);
    } else introduced.push(f);
  }
  return { fixed: left, introduced, unchanged };
}

/** The mailed hunk that holds the finding's line, or the nearest one. */
function quote(f: FileFinding, applied: HunkApplied[], mailed: Hunk[]): { hunk: { header: string; lines: string[]; newStart: number } } | undefined {
  let best: { d: number; h: Hunk; newStart: number } | undefined;
  for (const a of applied) {
    const h = mailed[a.hunk - 1];
    if (!h) continue;
    const d = f.line < a.newStart ? a.newStart - f.line : f.line >= a.newEnd ? f.line - a.newEnd + 1 : 0;
    if (!best || d < best.d) best = { d, h, newStart: a.newStart };
  }
  return best ? { hunk: { header: best.h.header, lines: best.h.lines, newStart: best.newStart } } : undefined;
}

/**
 * The file a plain diff patches. Its two names are of one file (`--- x.c.orig`, `+++ x.c`):
 * patch(1) patches the one the tree has, and of two it has, the one with the fewest path
 * components, then the shortest base name, then the shortest name (found in review: the
 * `.orig` name was read, and the diff did not apply). Git diffs say what they rename.
 */
export function patchTarget(fp: FilePatch, exists: (p: string) => string | undefined): FilePatch {
  if (!fp.plain || fp.oldPath === undefined || fp.newPath === undefined || fp.oldPath === fp.newPath) return fp;
  const have = [fp.oldPath, fp.newPath].filter((p) => exists(p) !== undefined);
  if (!have.length) return fp;
  const parts = (p: string): number => p.split('/').length;
  const base = (p: string): number => (p.split('/').pop() ?? p).length;
  const target = have.sort((a, b) => parts(a) - parts(b) || base(a) - base(b) || a.length - b.length)[0] as string;
  return { ...fp, oldPath: target, newPath: target };
}
