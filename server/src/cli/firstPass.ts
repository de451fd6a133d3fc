// The first pass of `check` when publish-unpaired runs: every file is read once, for its
// publications (seed 002) and for whether the check pass must look at it at all. Only the
// files it marks are read again, so a whole tree is read about once, not twice (an index pass,
// then a check pass that read every file for the prefilter): its core directories, 5% of
// Linux, twice.
//
// A file needs the check pass if it names a modeled API, publishes something, or names a
// global that some other file publishes (a shared name). The shared names are only known
// once every file is indexed, so the tree's core directories go first: their publications
// give the names the rest of the tree is scanned for (the core's own files again with it).
// Linux's shared published pointers live there (in 6.1 and 6.12 all of them are in kernel/,
// mm/ and net/). A shared name found outside the core sends every file back to be scanned
// for it, so the order only saves time: the result is the same.
//
// With `check`, the scan of the rest also checks the files that name a modeled API but
// neither publish nor name a shared name (666 of the 715 files Linux 6.12 parses): the index
// cannot change what checkFile() finds in them, so they are not read again. A shared name
// found outside the core leaves them to the check pass after all (they may name it).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { PREFILTER_WORDS } from '../analysis/facts.js';
import { Publication, PublishIndex } from '../analysis/publish.js';
import type { FileResult } from './checkFile.js';
import { listFiles } from './files.js';
import type { WorkerPool } from './pool.js';
import { ScanProgress, WorkerSetup, scanFiles } from './scan.js';

/** The publications of the many files that have none (one array for all of them). */
const NONE: Publication[] = Object.freeze([]) as unknown as Publication[];

/** Top-level directories of a kernel tree scanned first (their shared names are scanned for in the rest). */
export const CORE_DIRS: readonly string[] = ['kernel', 'mm', 'net', 'lib', 'block', 'ipc', 'init', 'io_uring', 'security', 'virt', 'crypto'];

export interface FirstPass {
  /** The publications of every file scanned. */
  fresh: ReadonlyMap<string, Publication[]>;
  /** The paired index of the run (what `buildIndex` made of every publication). */
  index: PublishIndex;
  /** Files the check pass must look at. */
  candidates: Set<string>;
  /**
   * The results of the other files scanned: nothing to find, why they were skipped, or (with
   * `check`) the check of those the run's index could not change.
   */
  settled: ReadonlyMap<string, FileResult>;
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
  // The root as the paths may start with it, and the core directory names: the name after the
  // root is looked up, instead of testing every file against 22 prefixes.
  const roots = [...new Set([abs, rel].map((r) => (r === '' || r.endsWith(path.sep) ? r : r + path.sep)))];
  const names = new Set(CORE_DIRS);
  const core: string[] = [];
  const rest: string[] = [];
  // A listing gives each top-level directory's files in a row: the answer for one holds for
  // every file after it under the same root and directory (`run`), which a prefix test finds.
  let run: string | undefined;
  let inCore = false;
  for (const f of files) {
    if (run === undefined || !f.startsWith(run)) {
      inCore = roots.some((r) => underCore(f, r, names));
      run = runOf(f, roots);
    }
    (inCore ? core : rest).push(f);
  }
  return { core, rest };
}

/** The root and top-level directory `f` lies under, with the separator after it, if one root holds it alone. */
function runOf(f: string, roots: readonly string[]): string | undefined {
  let run: string | undefined;
  for (const r of roots) {
    if (!f.startsWith(r)) continue;
    const end = f.indexOf(path.sep, r.length);
    if (end <= r.length || run !== undefined) return undefined;
    run = f.slice(0, end + 1);
  }
  return run;
}

/** Whether `f` lies under `root` (ending in a separator, or empty), in a directory `names` holds. */
function underCore(f: string, root: string, names: ReadonlySet<string>): boolean {
  if (!f.startsWith(root)) return false;
  const end = f.indexOf(path.sep, root.length);
  return end > root.length && names.has(f.slice(root.length, end));
}

/**
 * The names a publication can make shared: a global published outside its file and as a
 * pointer (PublishIndex.paired() keeps no other).
 */
function sharedCandidates(pubs: Iterable<Publication>, into: Set<string>): Set<string> {
  for (const p of pubs) if (!p.fileStatic && p.pointer) into.add(p.name);
  return into;
}

export type FirstPassSetup = Pick<WorkerSetup, 'settings' | 'root' | 'focus' | 'check'>;

/** The setup of a first-pass scan for `known` (and, with `check`, checking what no publication reaches). */
function scanSetup(setup: FirstPassSetup, known: ReadonlySet<string>, check: boolean, prepare: boolean): WorkerSetup {
  return { ...setup, mode: 'scan', known: [...known], check, ...(prepare ? { prepare } : {}) };
}

/**
 * The core's scan: not checked as it is scanned (a core file may name a shared global it
 * publishes itself); the workers load the parser once it is done when the next pass checks.
 */
function coreSetup(setup: FirstPassSetup, known: ReadonlySet<string>): WorkerSetup {
  return scanSetup(setup, known, false, setup.check === true);
}

/** A scan of the core started while the rest of the tree was still being listed (startCore()). */
export interface EarlyCore {
  files: readonly string[];
  results: Promise<FileResult[]>;
}

/**
 * Lists the core directories of the kernel tree `operand` names and starts their scan on
 * `pool`, for a run with no saved publications: the workers would otherwise wait for the whole
 * tree to be listed (0.17 to 0.25 s on Linux 6.12, with the workers starting meanwhile), and the
 * core is scanned while the rest is listed. The files are as listFiles([operand]) writes them,
 * in its order: firstPass() adopts the scan only when its own core is the same list.
 */
export function startCore(operand: string, setup: FirstPassSetup, pool: WorkerPool): EarlyCore | undefined {
  // In the order the walk of the whole tree visits them; a link is not followed there either.
  const dirs = [...CORE_DIRS].sort().map((d) => path.join(operand, d)).filter(isDirectoryItself);
  const files = dirs.length ? listFiles(dirs).files : [];
  if (!files.length) return undefined;
  const results = pool.run(files, coreSetup(setup, new Set()));
  // firstPass() awaits it (a failed scan fails the run there); until then it must not count as unhandled.
  results.catch(() => undefined);
  return { files, results };
}

function isDirectoryItself(p: string): boolean {
  try {
    return fs.lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((f, i) => f === b[i]);
}

/**
 * Scans `files` (those without saved publications; `saved` are the publications of the
 * others), then asks `buildIndex` for the run's paired index from what it found. `early`: the
 * core's scan, already started (startCore()).
 */
export async function firstPass(
  files: readonly string[], saved: readonly Publication[], setup: FirstPassSetup, jobs: number,
  buildIndex: (fresh: ReadonlyMap<string, Publication[]>) => PublishIndex, progress?: ScanProgress, pool?: WorkerPool, early?: EarlyCore,
): Promise<FirstPass> {
  const { core, rest } = coreFirst(files, setup.root);
  const results = new Map<string, FileResult>();
  const candidates = new Set<string>();
  const unmarked = (list: readonly string[]): string[] => list.filter((f) => !candidates.has(f) && results.get(f)?.skipped === undefined);
  const absorb = (got: readonly FileResult[]): void => {
    for (const r of got) {
      results.set(r.file, r);
      if (r.candidate) candidates.add(r.file);
    }
  };
  /** Scans `list` for `known` besides the model's words; `at`: where its files count in the progress shown. */
  const scan = async (list: string[], known: Set<string>, check: boolean, at?: { offset: number; total: number }, s = scanSetup(setup, known, check, false)): Promise<void> => {
    const done = progress && at && ((n: number): void => progress(at.offset + n, at.total));
    absorb(await scanFiles(list, s, jobs, done, undefined, pool));
  };
  const knownCore = sharedCandidates(saved, new Set());
  // A pass runs alone on the pool: an early scan is waited for even when it cannot be used.
  const started = early && (await early.results);
  if (started && early && knownCore.size === 0 && sameList(early.files, core)) {
    absorb(started);
    progress?.(core.length, files.length);
  } else {
    await scan(core, knownCore, false, { offset: 0, total: files.length }, coreSetup(setup, knownCore));
  }
  const knownRest = sharedCandidates([...results.values()].flatMap((r) => r.pubs ?? []), new Set(knownCore));
  // The core's files go again with the rest when the core published names they were not
  // scanned for: the same read, without a pass of its own. So do its candidates, to be checked
  // with the rest if no published global can reach them.
  const again = [...(knownRest.size > knownCore.size ? unmarked(core) : []), ...core.filter((f) => candidates.has(f))];
  await scan([...rest, ...again], knownRest, setup.check === true, { offset: core.length, total: files.length + again.length });

  const fresh = new ResultsView(results, (r) => r.pubs ?? NONE);
  const index = buildIndex(fresh);
  /** The files checked as they were scanned go to the check pass after all. */
  const uncheck = (): void => {
    for (const r of results.values()) delete r.checked;
  };
  if (index.names().some((n) => PREFILTER_WORDS.includes(n))) {
    // A modeled API's name is also a published global's: checkFile() tests every file naming
    // it for plain accesses (never so in Linux, but then the scan above did not decide).
    for (const f of unmarked(files)) candidates.add(f);
    uncheck();
  } else {
    // Every file was scanned for the names in `knownRest`: only a shared name found outside
    // the core can be one a file was not scanned for (the files checked may name it too).
    const late = index.sharedNames().filter((n) => !knownRest.has(n));
    if (late.length) {
      await scan(unmarked(files), new Set(late), false);
      uncheck();
    }
  }
  for (const r of results.values()) if (r.checked) candidates.delete(r.file);
  const settled = new ResultsView(results, settledResult, (r) => !candidates.has(r.file));
  return { fresh, index, candidates, settled };
}

/** What the check pass takes of a settled file's first-pass result. */
function settledResult(r: FileResult): FileResult {
  if (r.checked) {
    const { pubs: _pubs, candidate: _candidate, checked: _checked, ...result } = r;
    return result;
  }
  // Most are empty results already (pool.ts emptyResult()): given as they are.
  const plain = r.pubs === undefined && r.candidate === undefined && r.checked === undefined;
  return plain ? r : { file: r.file, findings: [], parsed: false, notes: [], ...(r.skipped !== undefined ? { skipped: r.skipped } : {}) };
}

/**
 * The first pass's results seen as a map of something of each (those `keep` keeps): a view, not
 * a copy. Copies of a whole tree's 60,000 results, the publications of each and the settled
 * ones, were made while the workers waited for the check pass (0.13 to 0.15 s of Linux 6.12's).
 */
class ResultsView<V> implements ReadonlyMap<string, V> {
  constructor(
    private readonly results: ReadonlyMap<string, FileResult>,
    private readonly of: (r: FileResult) => V,
    private readonly keep: (r: FileResult) => boolean = () => true,
  ) {}

  get(file: string): V | undefined {
    const r = this.results.get(file);
    return r && this.keep(r) ? this.of(r) : undefined;
  }

  has(file: string): boolean {
    const r = this.results.get(file);
    return r !== undefined && this.keep(r);
  }

  get size(): number {
    let n = 0;
    for (const r of this.results.values()) if (this.keep(r)) n++;
    return n;
  }

  *entries(): MapIterator<[string, V]> {
    for (const [f, r] of this.results) if (this.keep(r)) yield [f, this.of(r)];
  }

  *keys(): MapIterator<string> {
    for (const [f, r] of this.results) if (this.keep(r)) yield f;
  }

  *values(): MapIterator<V> {
    for (const r of this.results.values()) if (this.keep(r)) yield this.of(r);
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  forEach(fn: (v: V, file: string, map: ReadonlyMap<string, V>) => void): void {
    for (const [f, v] of this.entries()) fn(v, f, this);
  }
}
