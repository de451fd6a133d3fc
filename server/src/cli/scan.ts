// Runs a pass of `check` (or of the language server's index) over a file list: in this thread
// for a handful of files, else on worker threads (pool.ts) that claim files from one shared
// queue (an atomic counter over the list, so no worker waits on a message for its next
// files), and no worker idles while others work. What each file gets is fileWorker()'s.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveSettings } from '../settings.js';
import { CParser } from '../syntax/parser.js';
import type { AnalysisOptions } from '../analysis/options.js';
import { Publication, PublishIndex } from '../analysis/publish.js';
import { WorkerPool } from './pool.js';
import { FileResult, checkFile, checkSource, firstPassScanner, indexFile, scanFile } from './checkFile.js';

/** What a worker needs to rebuild the analysis options itself (options hold class instances). */
export interface WorkerSetup {
  settings: unknown;
  root: string | undefined;
  /**
   * 'index': only collect publications (seed 002) from every file; 'scan': the first pass of
   * `check` (publications, and which files the check pass needs, firstPass.ts); 'check': analyze.
   */
  mode: 'index' | 'scan' | 'check';
  /** 'scan': the published globals the run knows of so far. */
  known?: string[];
  /** 'scan': also check the files whose result the run's index cannot change (scanFile()). */
  check?: boolean;
  /**
   * The next pass parses: a worker loads the parser once it has no more files of this one,
   * while the main thread sets that pass up (it took a worker 45 to 100 ms at the pass's start).
   */
  prepare?: boolean;
  /** The tree's publication index, for 'check'. */
  publications?: Publication[];
  /** false: parse whole files (--no-focus). */
  focus?: boolean;
  /** Workers sharing the pass (their claims shrink towards its end). */
  jobs?: number;
}


const IN_PROCESS_MAX = 16;

export function defaultJobs(): number {
  return Math.max(1, Math.min(8, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length));
}

/** What one thread does to each file for a setup (the in-process path and the workers share it). */
export async function fileWorker(setup: WorkerSetup): Promise<(file: string) => FileResult> {
  if (setup.mode === 'index') return indexFile;
  if (setup.mode === 'scan') {
    const known = setup.known ?? [];
    const scanner = firstPassScanner(known);
    const names = new Set(known);
    if (!setup.check) return (f) => scanFile(f, scanner, names);
    // The files checked here are those no publication can pair with: no index needed.
    const { parser, options, focus } = await analysisSetup({ ...setup, publications: undefined });
    return (f) => scanFile(f, scanner, names, (res, buf) => checkSource(res, buf, parser, options, undefined, focus));
  }
  const { parser, options, focus } = await analysisSetup(setup);
  return (f) => checkFile(f, parser, options, undefined, focus);
}

/** What checking a file takes: the parser, and the setup's options. */
async function analysisSetup(setup: WorkerSetup): Promise<{ parser: CParser; options: AnalysisOptions; focus: boolean }> {
  const parser = await CParser.load();
  const { options } = resolveSettings(setup.settings, setup.root);
  options.callFacts = false; // for hovers; a report has none
  if (setup.publications) {
    options.publications = new PublishIndex();
    options.publications.add(setup.publications);
  }
  // No function cache: a check run walks each function once, and two files of a tree never
  // share a key (their helpers, defines or arch differ; no hit on all of Linux 6.12), so
  // computing keys was 4% of the analysis for nothing.
  return { parser, options, focus: setup.focus !== false };
}

export interface ScanProgress {
  (done: number, total: number): void;
}

const workerPath = (): string => path.join(__dirname, 'worker.js');

/** Whether this build has its worker script (a bundle does; the TypeScript sources under test do not). */
export function workersAvailable(): boolean {
  return fs.existsSync(workerPath());
}

/** A pool for `check`'s passes, or undefined where this build has no worker script or `jobs` asks for none. */
export function checkPool(jobs: number): WorkerPool | undefined {
  return jobs > 0 && workersAvailable() ? new WorkerPool(workerPath(), jobs) : undefined;
}

/**
 * Works `setup` through `files`: on `pool`'s workers, or on workers started for this pass
 * alone, or in this thread for a handful of files (or with no workers to use).
 */
export async function scanFiles(
  files: string[], setup: WorkerSetup, jobs: number, progress?: ScanProgress, signal?: { cancelled: boolean }, pool?: WorkerPool,
): Promise<FileResult[]> {
  if (files.length === 0) return []; // a re-scan with nothing changed loads no parser
  // A pool's workers, once started, are warm: a handful of files costs them less than this thread.
  if (pool && (pool.started || files.length > IN_PROCESS_MAX)) return pool.run(files, setup, progress, signal);
  if (files.length <= IN_PROCESS_MAX || jobs <= 0 || !workersAvailable()) return scanInProcess(files, setup, progress);
  const own = new WorkerPool(workerPath(), jobs);
  try {
    return await own.run(files, setup, progress, signal);
  } finally {
    void own.close();
  }
}

async function scanInProcess(files: string[], setup: WorkerSetup, progress?: ScanProgress): Promise<FileResult[]> {
  const work = await fileWorker(setup);
  const out: FileResult[] = [];
  for (const f of files) {
    out.push(work(f));
    progress?.(out.length, files.length);
  }
  return out;
}
