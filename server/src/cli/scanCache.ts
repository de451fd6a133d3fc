// The saved scan index of a tree: per file, its size and mtime, the publications it holds and the
// result of checking it. A re-scan reads and analyzes only the files whose size or mtime changed;
// check results are reused only while the tree's publication index (which pairs accesses across
// files) is the same. The cache lives in $XDG_CACHE_HOME/iomem-lens/scan/, one file per set of
// operands and options, keyed by the bundle that wrote it: another build starts afresh.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Publication } from '../analysis/publish.js';
import type { FileResult } from './checkFile.js';

const FORMAT = 3;

/**
 * Per file (by the path as the run names it): size, mtime, its publications (0: none) and its
 * check result (0: nothing to report, the common case; kept compact: a tree has 60,000 files).
 */
type Entry = [size: number, mtimeMs: number, pubs?: Publication[] | 0 | null, result?: Omit<FileResult, 'file' | 'pubs'> | 0 | null];

interface Saved {
  format: number;
  key: string;
  /** The publication index the results were computed against. */
  indexHash: string;
  /** The directory every key is relative to (a whole tree's paths share a long prefix). */
  root: string;
  files: Record<string, Entry>;
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

export class ScanCache {
  private readonly files: Record<string, Entry>;
  private indexHash: string;
  private readonly stats = new Map<string, { size: number; mtimeMs: number } | undefined>();
  private readonly freshEntries = new Map<string, Entry | undefined>();
  private dirty = false;

  private constructor(private readonly file: string, private readonly key: string, saved: Saved | undefined) {
    const ok = saved && saved.format === FORMAT && saved.key === key;
    this.files = {};
    if (ok) for (const [k, e] of Object.entries(saved.files)) this.files[saved.root + k] = e;
    this.indexHash = ok ? saved.indexHash : '';
  }

  /** The cache for these operands, settings and working directory (empty when none was saved or it is unreadable). */
  static open(operands: readonly string[], settings: unknown): ScanCache {
    const key = sha1(JSON.stringify({ bundle: bundleHash(), cwd: process.cwd(), operands: operands.map((o) => path.resolve(o)).sort(), settings }));
    const dir = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'iomem-lens', 'scan');
    const file = path.join(dir, `${key}.json`);
    let saved: Saved | undefined;
    try {
      saved = JSON.parse(fs.readFileSync(file, 'utf8')) as Saved;
    } catch {
      saved = undefined; // none yet, or damaged: start afresh
    }
    return new ScanCache(file, key, saved);
  }

  private stat(f: string): { size: number; mtimeMs: number } | undefined {
    if (!this.stats.has(f)) {
      try {
        const st = fs.statSync(f);
        this.stats.set(f, { size: st.size, mtimeMs: st.mtimeMs });
      } catch {
        this.stats.set(f, undefined);
      }
    }
    return this.stats.get(f);
  }

  /** The entry of `f` if the file is as it was when the entry was saved (asked 2-3 times per file). */
  private fresh(f: string): Entry | undefined {
    let e = this.freshEntries.get(f);
    if (e === undefined && !this.freshEntries.has(f)) {
      const saved = this.files[f];
      const st = this.stat(f);
      e = saved && st && saved[0] === st.size && saved[1] === st.mtimeMs ? saved : undefined;
      this.freshEntries.set(f, e);
    }
    return e;
  }

  publications(f: string): Publication[] | undefined {
    const p = this.fresh(f)?.[2];
    return p === 0 ? [] : p ?? undefined;
  }

  result(f: string, indexHash: string): FileResult | undefined {
    if (indexHash !== this.indexHash) return undefined;
    const r = this.fresh(f)?.[3];
    if (r === 0) return { file: f, findings: [], parsed: false, notes: [] };
    return r ? { file: f, ...r } : undefined;
  }

  private entry(f: string): Entry | undefined {
    const st = this.stat(f);
    if (!st) return undefined;
    const old = this.files[f];
    const e: Entry = old && old[0] === st.size && old[1] === st.mtimeMs ? old : [st.size, st.mtimeMs, null, null];
    this.files[f] = e;
    this.freshEntries.set(f, e);
    this.dirty = true;
    return e;
  }

  setPublications(f: string, pubs: Publication[]): void {
    const e = this.entry(f);
    if (e) e[2] = pubs.length ? pubs : 0;
  }

  /** Results computed against another publication index than the saved ones replace them all. */
  setResult(r: FileResult, indexHash: string): void {
    if (indexHash !== this.indexHash) {
      for (const e of Object.values(this.files)) e[3] = null;
      this.indexHash = indexHash;
    }
    const e = this.entry(r.file);
    if (!e) return;
    const { file: _file, pubs: _pubs, ...rest } = r;
    e[3] = isEmpty(rest) ? 0 : rest;
  }

  /** Keeps only the files of this run and writes the cache; a failure to write only loses speed. */
  save(files: readonly string[]): void {
    if (Object.keys(this.files).length !== files.length || files.some((f) => !(f in this.files))) {
      const keep = new Set(files);
      for (const k of Object.keys(this.files)) if (!keep.has(k)) delete this.files[k];
      this.dirty = true;
    }
    if (!this.dirty) return;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      const root = commonDirectory(Object.keys(this.files));
      const files: Record<string, Entry> = {};
      for (const [k, e] of Object.entries(this.files)) files[k.slice(root.length)] = e;
      fs.writeFileSync(tmp, JSON.stringify({ format: FORMAT, key: this.key, indexHash: this.indexHash, root, files } satisfies Saved));
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
    const saved = fs.readdirSync(dir).filter((n) => n.endsWith('.json')).map((n) => {
      const file = path.join(dir, n);
      return { file, mtime: fs.statSync(file).mtimeMs };
    }).sort((a, b) => b.mtime - a.mtime);
    for (const old of saved.slice(MAX_SAVED_INDEXES)) if (old.file !== keep) fs.rmSync(old.file, { force: true });
  } catch {
    // another run pruning at the same time, or an unreadable directory: try again next time
  }
}
