// The saved scan index of a tree: per file, its size and change stamp, the publications it holds
// and the result of checking it. A re-scan reads and analyzes only the files whose size or stamp
// changed; check results are reused only while the tree's publication index (which pairs accesses across
// files) is the same. The cache lives in $XDG_CACHE_HOME/iomem-lens/scan/, one file per set of
// operands and options, keyed by the bundle that wrote it: another build starts afresh. It is
// written with V8's serializer, which a re-scan reads back in half the time JSON.parse() took
// (a 6 MB index of Linux 6.12: 45 to 75 ms against 80 to 150), and a file it cannot read
// (damaged, or written by a later Node) is no index: the run starts afresh.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import type { Publication } from '../analysis/publish.js';
import type { FileResult } from './checkFile.js';
import { DirListings, DirStamp, stampTime } from './files.js';
import { NO_STAT, STAT_FIELDS, StatHelper, StatJob, statTable } from './statFiles.js';

const FORMAT = 9;

/** The saved indexes' file name extension; earlier formats' `.json` files are pruned as they age. */
const EXTENSION = '.v8';

/**
 * How long before a run began a change stamp may still be of a change made during the run: the
 * coarsest file system clocks (FAT's mtime) count in 2 s steps.
 */
const UNSETTLED_MS = 3000;

/** A file's publications (0: none; null: not known) and its check result (0: nothing to report, the common case). */
type Pubs = Publication[] | 0 | null;
type Result = Omit<FileResult, 'file' | 'pubs'> | 0 | null;

/**
 * Per file (by the path as the run names it), column by column: size, change stamp and identity
 * (stat(): device and inode), publications and check result. Columns, not a record per file: a
 * tree has 60,000 files, and their records (a tuple and an identity string each) were most of
 * what a re-scan's collector copied while the index loaded (10 to 33 ms a scavenge).
 */
interface Columns {
  paths: string[];
  sizes: number[];
  stamps: number[];
  devs: number[];
  inos: number[];
  pubs: Pubs[];
  results: Result[];
}

interface Saved extends Columns {
  format: number;
  key: string;
  /** The publication index the results were computed against. */
  indexHash: string;
  /** The directory every path is relative to (a whole tree's paths share a long prefix). */
  root: string;
  /** The directories the run listed (relative to `root`, '' for the root itself): stamp and entries (DirListings). */
  dirs: [dir: string, stamp: number, entries: readonly string[], id: string][];
}

let bundle: string | undefined;
/** A hash of the running bundle: results of another build of the analysis are not reused. */
function bundleHash(): string {
  if (bundle === undefined) {
    try {
      bundle = createHash('sha1').update(fs.readFileSync(__filename)).digest('hex').slice(0, 16);
    } catch {
      bundle = 'unknown';
    }
  }
  return bundle;
}

export function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 16);
}

const isEmpty = (r: Omit<FileResult, 'file' | 'pubs'>): boolean =>
  !r.parsed && !r.skipped && r.findings.length === 0 && r.notes.length === 0 && !r.suppressed && !r.fingerprints?.length;

const COLUMNS = ['sizes', 'stamps', 'devs', 'inos', 'pubs', 'results'] as const;

export class ScanCache implements DirListings {
  /** The files (paths as the run names them), in the order they were listed. */
  private cols: Columns = { paths: [], sizes: [], stamps: [], devs: [], inos: [], pubs: [], results: [] };
  /** Per file: whether it is unchanged (undefined: not looked at yet). */
  private readonly freshness: (boolean | undefined)[] = [];
  /** Path to position, built only when a lookup misses the expected position. */
  private positions: Map<string, number> | undefined;
  /** Where the last lookup found its path: runs ask about files in listing order. */
  private cursor = -1;
  private indexHash: string;
  private dirty = false;
  /** The stat() of the saved files, begun while the tree is listed (startStats()). */
  private stats: StatJob | undefined;
  /** Directory listings by the directory's path as the run names it: saved, and those of this run. */
  private readonly listings = new Map<string, { stamp: number; id: string; entries: readonly string[]; used: boolean }>();

  private constructor(private readonly file: string, private readonly key: string, saved: Saved | undefined,
    /** Change stamps from this time on may be of a change made after the run read the file. */
    private readonly unsettledFrom: number) {
    const ok = saved && saved.format === FORMAT && saved.key === key && typeof saved.root === 'string' && Array.isArray(saved.paths) &&
      COLUMNS.every((c) => Array.isArray(saved[c]) && saved[c].length === saved.paths.length);
    if (ok) {
      const { sizes, stamps, devs, inos, pubs, results } = saved;
      this.cols = { paths: saved.paths.map((p) => saved.root + p), sizes, stamps, devs, inos, pubs, results };
      // Saved with a separator after each (below): the root directory itself is ''.
      if (Array.isArray(saved.dirs)) {
        for (const d of saved.dirs as unknown[]) {
          // A damaged listing is left out (it is read again), never fatal (found in review).
          if (!Array.isArray(d) || typeof d[0] !== 'string' || typeof d[1] !== 'number' || typeof d[3] !== 'string' ||
            !Array.isArray(d[2]) || !(d[2] as unknown[]).every((e) => typeof e === 'string' && e.length > 1)) continue;
          this.listings.set((saved.root + d[0]).slice(0, -path.sep.length), { stamp: d[1], id: d[3], entries: d[2] as string[], used: false });
        }
      }
    }
    this.indexHash = ok ? saved.indexHash : '';
  }

  /**
   * The cache for these operands, settings and working directory (empty when none was saved or
   * it is unreadable). `resolved`: what the settings resolved to (optionsKey(): the profile a
   * tree's Makefile and .config give, a layout dump's contents), which the settings alone do not
   * say (found in review: a .config or dump changed on disk kept the results made before).
   * `startedAt`: when the run began, before it read a file (tests give a later time, so that the
   * files they have just written count as settled).
   */
  static open(operands: readonly string[], settings: unknown, resolved = '', startedAt = Date.now()): ScanCache {
    const key = sha1(JSON.stringify({ bundle: bundleHash(), cwd: process.cwd(), operands: operands.map((o) => path.resolve(o)).sort(), settings, resolved }));
    const dir = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'iomem-lens', 'scan');
    const file = path.join(dir, `${key}${EXTENSION}`);
    let saved: Saved | undefined;
    try {
      saved = v8.deserialize(fs.readFileSync(file)) as Saved;
    } catch {
      saved = undefined; // none yet, or damaged: start afresh
    }
    return new ScanCache(file, key, saved, startedAt - UNSETTLED_MS);
  }

  /** Nothing was saved for these operands and settings (a first run): no file has anything to reuse. */
  get empty(): boolean {
    return this.cols.paths.length === 0;
  }

  /** The position of `f`, or -1. Runs list files in the order they were saved: that is tried first. */
  private find(f: string): number {
    const paths = this.cols.paths;
    const next = this.cursor + 1;
    if (paths[next] === f) return (this.cursor = next);
    if (paths[this.cursor] === f) return this.cursor;
    if (paths[0] === f) return (this.cursor = 0);
    if (!this.positions) {
      this.positions = new Map();
      paths.forEach((p, i) => this.positions?.set(p, i));
    }
    const at = this.positions.get(f);
    if (at === undefined) return -1;
    this.cursor = at;
    return at;
  }

  /**
   * Size and change stamp: the later of mtime and ctime. An edit that keeps the size and sets
   * the mtime back (`touch -d`, a checkout of an older version) still moves the ctime, which
   * no user can set (found in review: the cache kept a finding the file no longer had).
   */
  private static stat(f: string): fs.Stats | undefined {
    try {
      return fs.statSync(f, { throwIfNoEntry: false });
    } catch {
      return undefined;
    }
  }

  /** The position of `f` if the file is as it was when its entry was saved (one stat per file and run), else -1. */
  private fresh(f: string): number {
    const at = this.find(f);
    if (at < 0) return -1;
    let ok = this.freshness[at];
    if (ok === undefined) {
      const st = ScanCache.stat(f);
      ok = st !== undefined && this.sameAs(at, st.size, stampTime(st), st.dev, st.ino);
      this.freshness[at] = ok;
    }
    return ok ? at : -1;
  }

  /**
   * Begins the stat() of every file the index holds, on `helper` (statFiles.ts), while the run
   * lists the tree; settleStats() finishes it on this thread too and takes its answers.
   */
  startStats(helper?: StatHelper): void {
    if (this.cols.paths.length) this.stats = new StatJob(this.cols.paths, helper);
  }

  async settleStats(): Promise<void> {
    const job = this.stats;
    this.stats = undefined;
    if (job) this.noteStats(await job.table());
  }

  /**
   * Whether each saved file is as its entry says, from the stat table of the saved paths (in
   * their order), instead of one stat() at a time as files are asked about.
   */
  noteStats(table: Float64Array): void {
    const n = Math.min(this.cols.paths.length, table.length / STAT_FIELDS);
    for (let at = 0; at < n; at++) {
      if (this.freshness[at] !== undefined) continue;
      const t = at * STAT_FIELDS;
      this.freshness[at] = table[t] !== NO_STAT && this.sameAs(at, table[t] as number, table[t + 1] as number, table[t + 2] as number, table[t + 3] as number);
    }
  }

  /** Whether the entry at `at` was saved for a file of this size, change stamp, device and inode. */
  private sameAs(at: number, size: number, stamp: number, dev: number, ino: number): boolean {
    const c = this.cols;
    return c.sizes[at] === size && c.stamps[at] === stamp && c.devs[at] === dev && c.inos[at] === ino;
  }

  get(dir: string, stamp: DirStamp): readonly string[] | undefined {
    const l = this.listings.get(dir);
    if (!l || l.stamp !== stamp.time || l.id !== stamp.id) return undefined;
    l.used = true;
    return l.entries;
  }

  set(dir: string, stamp: DirStamp, entries: readonly string[]): void {
    // As for files: a directory changed from a little before the run began on may change again
    // within the same tick of its clock after it was read.
    this.listings.set(dir, { stamp: stamp.time >= this.unsettledFrom ? -1 : stamp.time, id: stamp.id, entries, used: true });
    this.dirty = true;
  }

  publications(f: string): Publication[] | undefined {
    const at = this.fresh(f);
    const p = at < 0 ? undefined : this.cols.pubs[at];
    // A damaged entry (not an array, 0 or null) is no answer: the file is scanned again.
    return p === 0 ? [] : Array.isArray(p) ? p : undefined;
  }

  result(f: string, indexHash: string): FileResult | undefined {
    if (indexHash !== this.indexHash) return undefined;
    const at = this.fresh(f);
    const r = at < 0 ? undefined : this.cols.results[at];
    if (r === 0) return { file: f, findings: [], parsed: false, notes: [] };
    return r && typeof r === 'object' && Array.isArray(r.findings) && Array.isArray(r.notes) ? { file: f, ...r } : undefined;
  }

  /** The position to record `f`'s data at: its fresh entry, or a new one for the file as it is now (-1: it cannot be stat()ed). */
  private entry(f: string): number {
    const fresh = this.fresh(f);
    if (fresh >= 0) return fresh;
    const st = ScanCache.stat(f);
    return st ? this.record(f, st.size, stampTime(st), st.dev, st.ino) : -1;
  }

  /**
   * Gives each of `files` without a fresh entry one (as entry() does), from a stat table taken
   * here and on `helper` together (statFiles.ts): a first run records every file of the tree,
   * which one stat() at a time on this thread took 0.45 s of Linux 6.12's run while the
   * workers waited. Called after the files were read (see record()).
   */
  async recordFiles(files: readonly string[], helper?: StatHelper): Promise<void> {
    const stale = files.filter((f) => this.fresh(f) < 0);
    if (!stale.length) return;
    const table = await statTable(stale, helper);
    stale.forEach((f, i) => {
      const t = i * STAT_FIELDS;
      if (table[t] !== NO_STAT) this.record(f, table[t] as number, table[t + 1] as number, table[t + 2] as number, table[t + 3] as number);
    });
  }

  /** A new entry for `f` as it is now (its data not known yet), fresh for the rest of the run. */
  private record(f: string, size: number, stamp: number, dev: number, ino: number): number {
    const c = this.cols;
    let at = this.find(f);
    if (at < 0) {
      at = c.paths.push(f) - 1;
      this.positions?.set(f, at);
    }
    c.sizes[at] = size;
    // The stamp is taken after the file was read: a file changed while the run went (an editor
    // saving it) has the new stamp and the old text's results. Such a stamp, from a second or
    // two before the run began on (file system clocks are coarse), never matches: the file is read
    // again next time (found in review: a save during a run was never checked).
    c.stamps[at] = stamp >= this.unsettledFrom ? -1 : stamp;
    c.devs[at] = dev;
    c.inos[at] = ino;
    c.pubs[at] = null;
    c.results[at] = null;
    this.freshness[at] = true;
    this.dirty = true;
    return at;
  }

  setPublications(f: string, pubs: Publication[]): void {
    const at = this.entry(f);
    if (at >= 0) {
      this.cols.pubs[at] = pubs.length ? pubs : 0;
      this.dirty = true;
    }
  }

  /** Results computed against another publication index than the saved ones replace them all. */
  setResult(r: FileResult, indexHash: string): void {
    if (indexHash !== this.indexHash) {
      this.cols.results.fill(null);
      this.indexHash = indexHash;
    }
    const at = this.entry(r.file);
    if (at < 0) return;
    const { file: _file, pubs: _pubs, candidate: _candidate, ...rest } = r;
    this.cols.results[at] = isEmpty(rest) ? 0 : rest;
    this.dirty = true;
  }

  /** Keeps only the files of this run, in its order, and writes the cache; a failure to write only loses speed. */
  save(files: readonly string[]): void {
    const c = this.cols;
    const same = files.length === c.paths.length && files.every((f, i) => c.paths[i] === f);
    if (!same) this.dirty = true;
    if (!this.dirty) return;
    const out: Columns = { paths: [], sizes: [], stamps: [], devs: [], inos: [], pubs: [], results: [] };
    for (const f of files) {
      const at = same ? out.paths.length : this.find(f);
      if (at < 0) continue; // listed, never recorded (unreadable)
      out.paths.push(f);
      for (const k of COLUMNS) (out[k] as unknown[]).push(c[k][at]);
    }
    const kept = out.paths;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      // The directories this run listed, under the files' common directory (the operands may be above it).
      const listed = [...this.listings].filter(([, l]) => l.used).map(([d, l]) => [`${d}${path.sep}`, l] as const);
      const root = commonDirectory([...kept, ...listed.map(([d]) => d)]);
      const dirs = listed.map(([d, l]): Saved['dirs'][number] => [d.slice(root.length), l.stamp, l.entries, l.id]);
      const saved: Saved = { format: FORMAT, key: this.key, indexHash: this.indexHash, root, ...out, paths: kept.map((k) => k.slice(root.length)), dirs };
      fs.writeFileSync(tmp, v8.serialize(saved));
      fs.renameSync(tmp, this.file);
    } catch {
      // read-only home, full disk: the next run scans again
    }
    pruneCacheDir(path.dirname(this.file), this.file);
  }
}

/** The longest directory prefix (ending in a separator) all of `paths` share; '' when none. */
export function commonDirectory(paths: readonly string[]): string {
  if (!paths.length) return '';
  let prefix = paths[0] as string;
  for (const p of paths) {
    let i = 0;
    while (i < prefix.length && i < p.length && prefix.charCodeAt(i) === p.charCodeAt(i)) i++;
    prefix = prefix.slice(0, i);
  }
  const cut = Math.max(prefix.lastIndexOf('/'), prefix.lastIndexOf(path.sep));
  return cut < 0 ? '' : prefix.slice(0, cut + 1);
}

/** Saved indexes kept per user: each build and each set of operands writes its own. */
export const MAX_SAVED_INDEXES = 16;

/** Removes all but the MAX_SAVED_INDEXES most recently written indexes (never `keep`). */
function pruneCacheDir(dir: string, keep: string): void {
  try {
    const saved = fs.readdirSync(dir).filter((n) => n.endsWith(EXTENSION) || n.endsWith('.json')).map((n) => {
      const file = path.join(dir, n);
      return { file, mtime: fs.statSync(file).mtimeMs };
    }).sort((a, b) => b.mtime - a.mtime);
    for (const old of saved.slice(MAX_SAVED_INDEXES)) if (old.file !== keep) fs.rmSync(old.file, { force: true });
  } catch {
    // another run pruning at the same time, or an unreadable directory: try again next time
  }
}
