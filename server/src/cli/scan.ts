// Runs `check` over a file list: in this thread for a handful of files, else on worker
// threads that pull paths from one shared queue so no worker idles while others work.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { resolveSettings } from '../settings.js';
import { CParser } from '../syntax/parser.js';
import { Publication, PublishIndex } from '../analysis/publish.js';
import { FileResult, checkFile, indexFile } from './checkFile.js';

/** What a worker needs to rebuild the analysis options itself (options hold class instances). */
export interface WorkerSetup {
  settings: unknown;
  root: string | undefined;
  /** 'index': only collect publications (seed 002) from every file; 'check': analyze. */
  mode: 'index' | 'check';
  /** The tree's publication index, for 'check'. */
  publications?: Publication[];
  /** false: parse whole files (--no-focus). */
  focus?: boolean;
}

export type WorkerRequest = { kind: 'files'; files: string[] } | { kind: 'done' };
export type WorkerReply = { kind: 'ready' } | { kind: 'results'; results: FileResult[] } | { kind: 'fatal'; message: string };

const IN_PROCESS_MAX = 16;
/**
 * Files per message. Indexing a file takes tens of microseconds, so its batches are larger: a
 * round trip per 8 files left the workers waiting on messages half the time.
 */
const BATCH: Record<WorkerSetup['mode'], number> = { index: 64, check: 8 };
/** Batches a worker holds at once: the next one is queued before it finishes the current one. */
const IN_FLIGHT = 2;

export function defaultJobs(): number {
  return Math.max(1, Math.min(8, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length));
}

/** What one thread does to each file for a setup (the in-process path and the workers share it). */
export async function fileWorker(setup: WorkerSetup): Promise<(file: string) => FileResult> {
  if (setup.mode === 'index') return indexFile;
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
  return scanWithWorkers(files, setup, Math.min(jobs, Math.ceil(files.length / BATCH[setup.mode])), workerPath(), progress, signal);
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
    let next = 0;
    let live = jobs;
    let failed = false;
    const outstanding = new Map<Worker, number>();
    const feed = (w: Worker): void => {
      // Cancelled: no more batches; the results so far are returned.
      while ((outstanding.get(w) ?? 0) < IN_FLIGHT && next < files.length && !signal?.cancelled) {
        // Smaller batches towards the end, so that no worker idles while another holds many files.
        const size = Math.max(1, Math.min(BATCH[setup.mode], Math.floor((files.length - next) / (jobs * 2 * IN_FLIGHT))));
        const batch = files.slice(next, next + size);
        next += batch.length;
        outstanding.set(w, (outstanding.get(w) ?? 0) + 1);
        w.postMessage({ kind: 'files', files: batch } satisfies WorkerRequest);
      }
      if (!outstanding.get(w)) w.postMessage({ kind: 'done' } satisfies WorkerRequest);
    };
    for (let i = 0; i < jobs; i++) {
      const w = new Worker(workerPath, { workerData: setup });
      w.on('message', (m: WorkerReply) => {
        if (m.kind === 'ready') feed(w);
        else if (m.kind === 'results') {
          outstanding.set(w, (outstanding.get(w) ?? 1) - 1);
          results.push(...m.results);
          progress?.(results.length, files.length);
          feed(w);
        } else if (m.kind === 'fatal' && !failed) {
          failed = true;
          reject(new Error(m.message));
        }
      });
      w.on('error', (e) => {
        if (!failed) {
          failed = true;
          reject(e);
        }
      });
      w.on('exit', () => {
        if (--live === 0 && !failed) {
          const order = new Map(files.map((f, idx) => [f, idx]));
          resolve(results.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0)));
        }
      });
    }
  });
}
