// Worker threads kept for every pass of one run. `check` makes up to four passes (the core, the
// rest, the late names, the check pass); a worker started for each paid its start, its parser's
// load and, worst, the compile of the analysis once more: the check pass's workers started cold
// while the scan's were warm. A pool's workers take one pass after another.

import { Worker } from 'node:worker_threads';
import type { FileResult } from './checkFile.js';
import type { WorkerSetup } from './scan.js';

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

/**
 * `done`: the files worked through, as [from, to) index pairs; `results`: theirs, less the
 * empty ones (emptyResult()). 59,000 of the 60,000 files of a kernel tree have nothing to say,
 * and copying their results to the main thread and back into objects there was work the main
 * thread did during the scan, and finished after it.
 */
export type WorkerReply = { kind: 'results'; results: FileResult[]; done: number[] } | { kind: 'end' } | { kind: 'fatal'; message: string };

/**
 * Files a worker claims at once, at most. Claiming costs one atomic add, so claims are small
 * (the tail of a pass balances). Checking a file that fails the prefilter takes microseconds;
 * batches handed out by message cost a round trip through the main thread each (3% of a
 * whole-tree scan here).
 */
export const CLAIM: Record<WorkerSetup['mode'], number> = { index: 32, scan: 32, check: 4 };
/** Results go back when this many are ready, or when the oldest has waited REPORT_MS (progress). */
const REPORT_FILES = 128;
const REPORT_MS = 100;

/** The result of a file that has nothing to report: no finding, note, skip or publication. */
export function emptyResult(file: string): FileResult {
  return { file, findings: [], parsed: false, notes: [] };
}

function isEmptyResult(r: FileResult): boolean {
  // Any other field (a publication, a skip, a count) makes it worth sending.
  let keys = 0;
  for (const _ in r) keys++;
  return keys === 4 && !r.parsed && r.findings.length === 0 && r.notes.length === 0;
}

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
  let done: number[] = [];
  let count = 0;
  let since = performance.now();
  for (let c = claim(); c; c = claim()) {
    for (let i = c.from; i < c.to; i++) {
      const r = work(files.at(i));
      if (!isEmptyResult(r)) out.push(r);
    }
    done.push(c.from, c.to);
    count += c.to - c.from;
    if (count >= REPORT_FILES || performance.now() - since >= REPORT_MS) {
      send({ kind: 'results', results: out, done });
      out = [];
      done = [];
      count = 0;
      since = performance.now();
    }
  }
  if (count) send({ kind: 'results', results: out, done });
  send({ kind: 'end' });
}

/** What the pool sends a worker: a pass to work through. */
export interface PassMessage {
  kind: 'pass';
  data: WorkerData;
}

export interface PassProgress {
  (done: number, total: number): void;
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  /** Why the pool cannot run another pass (a worker failed or stopped). */
  private broken: Error | undefined;
  /** The pass running: its workers' replies go to it. */
  private pass: { onReply: (m: WorkerReply) => void; fail: (e: Error) => void } | undefined;
  private closed = false;

  /** `size`: the most workers the pool starts (fewer if its first pass is short). */
  constructor(private readonly script: string, readonly size: number) {}

  /**
   * Starts every worker now: a run over a tree calls this before it lists the tree, so that the
   * workers start (60-70 ms) while the main thread lists. (Loading their parser then as well
   * made the listing slower by more than it saved: the wasm compile takes both cores.)
   */
  warm(): void {
    if (!this.closed && !this.broken) this.start(this.size);
  }

  /** Whether workers have been started (by a first pass). */
  get started(): boolean {
    return this.workers.length > 0;
  }

  /** How many workers have been started. */
  get running(): number {
    return this.workers.length;
  }

  /**
   * Runs one pass over `files` on every worker of the pool (started as passes need them), and
   * returns the results in the order of `files`. Passes run one at a time.
   */
  run(files: readonly string[], setup: WorkerSetup, progress?: PassProgress, signal?: { cancelled: boolean }): Promise<FileResult[]> {
    if (this.pass) return Promise.reject(new Error('a pass is already running'));
    if (this.broken) return Promise.reject(this.broken);
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'));
    // A pass of a few dozen files starts only as many workers as it can keep busy; a longer one
    // later starts the rest.
    this.start(Math.max(1, Math.min(this.size, Math.ceil(files.length / CLAIM[setup.mode]))));
    const jobs = this.workers.length;
    return new Promise((resolve, reject) => {
      const results = new Map<string, FileResult>();
      const worked = new Uint8Array(files.length);
      let done = 0;
      const queue = new Queue();
      const data: WorkerData = { setup: { ...setup, jobs }, files: FileList.join(files), queue: queue.buffer };
      // Cancelled before it started (the workspace walk was): the workers claim nothing.
      if (signal?.cancelled) queue.cancel();
      let ended = 0;
      const finish = (): void => {
        this.pass = undefined;
      };
      this.pass = {
        onReply: (m) => {
          if (m.kind === 'results') {
            for (const r of m.results) results.set(r.file, r);
            for (let i = 0; i + 1 < m.done.length; i += 2) {
              worked.fill(1, m.done[i], m.done[i + 1]);
              done += (m.done[i + 1] as number) - (m.done[i] as number);
            }
            progress?.(done, files.length);
            // Cancelled: the workers claim no more files; the results so far are returned.
            if (signal?.cancelled) queue.cancel();
          } else if (m.kind === 'end') {
            if (++ended < jobs) return;
            finish();
            // Every file, unless the pass was cancelled: then those worked through.
            const out: FileResult[] = [];
            files.forEach((f, i) => {
              if (worked[i]) out.push(results.get(f) ?? emptyResult(f));
            });
            resolve(out);
          } else {
            this.fail(new Error(m.message));
          }
        },
        fail: (e) => {
          queue.cancel();
          finish();
          reject(e);
        },
      };
      for (const w of this.workers) w.postMessage({ kind: 'pass', data } satisfies PassMessage);
    });
  }

  /** Stops every worker; a pass still running fails. */
  async close(): Promise<void> {
    this.closed = true;
    this.pass?.fail(new Error('the worker pool was closed during a pass'));
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }

  private start(count: number): void {
    for (let i = this.workers.length; i < count; i++) {
      const w = new Worker(this.script);
      w.on('message', (m: WorkerReply) => this.pass?.onReply(m));
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`a worker stopped (exit code ${code}) before the end of the run`));
      });
      this.workers.push(w);
    }
  }

  private fail(e: Error): void {
    this.broken ??= e;
    this.pass?.fail(e);
  }
}
