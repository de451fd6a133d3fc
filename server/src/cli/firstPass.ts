// The first pass of `check` when publish-unpaired runs: every file is read once, for its
// publications (seed 002) and for whether the check pass must look at it at all. Only the
// files it marks are read again, so a whole tree is read once, not twice (an index pass, then
// a check pass that read every file for the prefilter).
//
// A file needs the check pass if it names a modeled API, publishes something, or names a
// global that some other file publishes (a shared name). The shared names are only known
// once every file is indexed, so the tree's core directories go first: their publications
// give the names the rest of the tree is scanned for. Linux's shared published pointers live
// there (in 6.1 and 6.12 all of them are in kernel/, mm/ and net/). Whatever shared name a
// file was not scanned for (all of them, for the core; any found outside it, for the rest),
// it is scanned again for, so the order only saves time: the result is the same.

import * as path from 'node:path';
import { PREFILTER_WORDS } from '../analysis/facts.js';
import { Publication, PublishIndex } from '../analysis/publish.js';
import type { FileResult } from './checkFile.js';
import { ScanProgress, WorkerSetup, scanFiles } from './scan.js';

/** Top-level directories of a kernel tree scanned first (their shared names are scanned for in the rest). */
export const CORE_DIRS: readonly string[] = ['kernel', 'mm', 'net', 'lib', 'block', 'ipc', 'init', 'io_uring', 'security', 'virt', 'crypto'];

export interface FirstPass {
  /** The publications of every file scanned. */
  fresh: Map<string, Publication[]>;
  /** The paired index of the run (what `buildIndex` made of every publication). */
  index: PublishIndex;
  /** Files the check pass must look at. */
  candidates: Set<string>;
  /** The results of the other files scanned: nothing to find, or why they were skipped. */
  settled: Map<string, FileResult>;
}

/**
 * `files` in two groups: under the kernel's core directories, and the rest. Paths are matched
 * as listFiles() writes them (absolute, or relative to the current directory) without
 * resolving each one; a path written otherwise lands in the rest, which only costs time.
 */
export function coreFirst(files: readonly string[], root: string | undefined): { core: string[]; rest: string[] } {
  if (root === undefined) return { core: [], rest: [...files] };
  const abs = path.resolve(root);
  const rel = path.relative(process.cwd(), abs);
  const prefixes = CORE_DIRS.flatMap((d) => [path.join(abs, d) + path.sep, path.join(rel, d) + path.sep]);
  const core: string[] = [];
  const rest: string[] = [];
  for (const f of files) (prefixes.some((p) => f.startsWith(p)) ? core : rest).push(f);
  return { core, rest };
}

/**
 * The names a publication can make shared: a global published outside its file and as a
 * pointer (PublishIndex.paired() keeps no other).
 */
function sharedCandidates(pubs: Iterable<Publication>, into: Set<string>): Set<string> {
  for (const p of pubs) if (!p.fileStatic && p.pointer) into.add(p.name);
  return into;
}

/**
 * Scans `files` (those without saved publications; `saved` are the publications of the
 * others), then asks `buildIndex` for the run's paired index from what it found.
 */
export async function firstPass(
  files: readonly string[], saved: readonly Publication[], setup: Pick<WorkerSetup, 'settings' | 'root'>, jobs: number,
  buildIndex: (fresh: Map<string, Publication[]>) => PublishIndex, progress?: ScanProgress,
): Promise<FirstPass> {
  const { core, rest } = coreFirst(files, setup.root);
  const scan = (list: string[], known: Set<string>, offset: number): Promise<FileResult[]> =>
    scanFiles(list, { ...setup, mode: 'scan', known: [...known] }, jobs, progress && ((done) => progress(offset + done, files.length)));
  const knownCore = sharedCandidates(saved, new Set());
  const first = await scan(core, knownCore, 0);
  const knownRest = sharedCandidates(first.flatMap((r) => r.pubs ?? []), new Set(knownCore));
  const second = await scan(rest, knownRest, core.length);

  const fresh = new Map<string, Publication[]>();
  const candidates = new Set<string>();
  for (const r of [...first, ...second]) {
    fresh.set(r.file, r.pubs ?? []);
    if (r.candidate) candidates.add(r.file);
  }
  const index = buildIndex(fresh);
  const shared = index.sharedNames();
  const unmarked = (rs: FileResult[]): string[] => rs.filter((r) => !r.candidate && r.skipped === undefined).map((r) => r.file);
  if (index.names().some((n) => PREFILTER_WORDS.includes(n))) {
    // A modeled API's name is also a published global's: checkFile() tests every file naming
    // it for plain accesses (never so in Linux, but then the scan above did not decide).
    for (const f of [...unmarked(first), ...unmarked(second)]) candidates.add(f);
  } else {
    // The shared names each group was not scanned for: every one for the core, those found
    // outside it for the rest (a subset of the core's: `knownCore` is within `knownRest`).
    const lateCore = shared.filter((n) => !knownCore.has(n));
    const lateRest = shared.filter((n) => !knownRest.has(n));
    const again = [...(lateCore.length ? unmarked(first) : []), ...(lateRest.length ? unmarked(second) : [])];
    for (const r of await scanFiles(again, { ...setup, mode: 'scan', known: lateCore }, jobs)) if (r.candidate) candidates.add(r.file);
  }
  const settled = new Map<string, FileResult>();
  for (const r of [...first, ...second]) {
    if (candidates.has(r.file)) continue;
    settled.set(r.file, { file: r.file, findings: [], parsed: false, notes: [], ...(r.skipped !== undefined ? { skipped: r.skipped } : {}) });
  }
  return { fresh, index, candidates, settled };
}
