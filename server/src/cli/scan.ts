// Runs `check` over a file list: in this thread for a handful of files, else on worker
// threads that claim files from one shared queue (an atomic counter over the list, so no
// worker waits on a message for its next files), and no worker idles while others work.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { resolveSettings } from '../settings.js';
import { CParser } from '../syntax/parser.js';
import { Publication, PublishIndex } from '../analysis/publish.js';
import { FileResult, checkFile, firstPassScanner, indexFile, scanFile } from './checkFile.js';

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
  /** The tree's publication index, for 'check'. */
  publications?: Publication[];
  /** false: parse whole files (--no-focus). */
  focus?: boolean;
  /** Workers sharing the pass (their claims shrink towards its end). */
  jobs?: number;
}

/** What a worker is started with: the setup, every file of the pass, and the shared queue. */
export interface WorkerData {
  setup: WorkerSetup;
  /**
   * The pass's files joined by NUL (no path holds one). One string: 60,000 paths as an array
   * were 20 MB more in the language server while its worker indexed the workspace.
   */
  files: string;
  /** Int32 [next file to claim, cancelled] (Queue below). */
  queue: SharedArrayBuffer;
}

/** The files of WorkerData.files (a non-empty list), by index, without splitting the string into 60,000 up front. */
export class FileList {
  private readonly starts: Uint32Array;

  constructor(private readonly joined: string) {
    let n = 1;
    for (let i = joined.indexOf('\0'); i >= 0; i = joined.indexOf('\0', i + 1)) n++;
    this.starts = new Uint32Array(n + 1);
    let k = 1;
    for (let i = joined.indexOf('\0'); i >= 0; i = joined.indexOf('\0', i + 1)) this.starts[k++] = i + 1;
    this.starts[n] = joined.length + 1;
  }

  static join(files: readonly string[]): string {
    return files.join('\0');
  }

  get length(): number {
    return this.starts.length - 1;
  }

  at(i: number): string {
    return this.joined.slice(this.starts[i], (this.starts[i + 1] as number) - 1);
  }
}

export type WorkerReply = { kind: 'results'; results: FileResult[] } | { kind: 'end' } | { kind: 'fatal'; message: string };

const IN_PROCESS_MAX = 16;
/**
 * Files a worker claims at once, at most. Claiming costs one atomic add, so claims are small
 * (the tail of a pass balances). Checking a file that fails the prefilter takes microseconds;
 * batches handed out by message cost a round trip through the main thread each (3% of a
 * whole-tree scan here).
 */
const CLAIM: Record<WorkerSetup['mode'], number> = { index: 32, scan: 32, check: 4 };
/** Results go back when this many are ready, or when the oldest has waited REPORT_MS (progress). */
const REPORT_FILES = 128;
const REPORT_MS = 100;

/** The queue every worker of a pass claims files from: an index into the file list, and a stop flag. */
export class Queue {
  private readonly cells: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(8)) {
    this.cells = new Int32Array(buffer);
  }

  /** The next files' indices [from, to) for a worker of `jobs`, or undefined when none are left or the pass was cancelled. */
  claim(total: number, jobs: number, most: number): { from: number; to: number } | undefined {
    if (Atomics.load(this.cells, 1)) return undefined;
    // Smaller claims towards the end, so that no worker idles while another holds many files.
    const left = total - Atomics.load(this.cells, 0);
    const size = Math.max(1, Math.min(most, Math.floor(left / (jobs * 4))));
    const from = Atomics.add(this.cells, 0, size);
    return from < total ? { from, to: Math.min(total, from + size) } : undefined;
  }

  cancel(): void {
    Atomics.store(this.cells, 1, 1);
  }
}

/** A worker's pass: claims files until none are left, sending results back in groups. */
export function workerPass(data: WorkerData, work: (file: string) => FileResult, send: (reply: WorkerReply) => void): void {
  const queue = new Queue(data.queue);
  const files = new FileList(data.files);
  const claim = (): ReturnType<Queue['claim']> => queue.claim(files.length, data.setup.jobs ?? 1, CLAIM[data.setup.mode]);
  let out: FileResult[] = [];
  let since = performance.now();
  for (let c = claim(); c; c = claim()) {
    for (let i = c.from; i < c.to; i++) out.push(work(files.at(i)));
    if (out.length >= REPORT_FILES || performance.now() - since >= REPORT_MS) {
      send({ kind: 'results', results: out });
      out = [];
      since = performance.now();
    }
  }
  if (out.length) send({ kind: 'results', results: out });
  send({ kind: 'end' });
}

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
    return (f) => scanFile(f, scanner, names);
  }
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
  return (f) => checkFile(f, parser, options, undefined, setup.focus !== false);
}

export interface ScanProgress {
  (done: number, total: number): void;
}

const workerPath = (): string => path.join(__dirname, 'worker.js');

/** Whether this build has its worker script (a bundle does; the TypeScript sources under test do not). */
export function workersAvailable(): boolean {
  return fs.existsSync(workerPath());
}

export async function scanFiles(
  files: string[], setup: WorkerSetup, jobs: number, progress?: ScanProgress, signal?: { cancelled: boolean },
): Promise<FileResult[]> {
  if (files.length === 0) return []; // a re-scan with nothing changed loads no parser
  if (files.length <= IN_PROCESS_MAX || jobs <= 0 || !workersAvailable()) {
    return scanInProcess(files, setup, progress);
  }
  return scanWithWorkers(files, setup, Math.min(jobs, Math.ceil(files.length / CLAIM[setup.mode])), workerPath(), progress, signal);
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

function scanWithWorkers(
  files: string[], setup: WorkerSetup, jobs: number, workerPath: string, progress?: ScanProgress, signal?: { cancelled: boolean },
): Promise<FileResult[]> {
  return new Promise((resolve, reject) => {
    const results: FileResult[] = [];
    const queue = new Queue();
    const data: WorkerData = { setup: { ...setup, jobs }, files: FileList.join(files), queue: queue.buffer };
    let ended = 0;
    let failed = false;
    // Cancelled before it started (the workspace walk was): the workers claim nothing.
    if (signal?.cancelled) queue.cancel();
    const fail = (e: Error): void => {
      if (failed) return;
      failed = true;
      queue.cancel();
      reject(e);
    };
    for (let i = 0; i < jobs; i++) {
      const w = new Worker(workerPath, { workerData: data });
      let done = false;
      w.on('message', (m: WorkerReply) => {
        if (m.kind === 'results') {
          results.push(...m.results);
          progress?.(results.length, files.length);
          // Cancelled: the workers claim no more files; the results so far are returned.
          if (signal?.cancelled) queue.cancel();
        } else if (m.kind === 'end') {
          done = true;
          if (++ended === jobs && !failed) {
            const order = new Map(files.map((f, idx) => [f, idx]));
            resolve(results.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0)));
          }
        } else {
          fail(new Error(m.message));
        }
      });
      w.on('error', fail);
      w.on('exit', (code) => {
        if (!done) fail(new Error(`a worker stopped (exit code ${code}) before the end of the pass`));
      });
    }
  });
}
