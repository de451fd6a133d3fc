// stat() of every file a re-scan compares with its saved index, mostly off this thread. Node's
// statSync() costs 4 to 5 µs a file here, most of it the binding and the Stats object it makes
// (four Dates each in Node 20): the 60,000 files of Linux 6.12 took 270 ms on one thread, the
// largest part of a re-scan. A helper thread of its own, started before the index is read,
// stats the files the index holds while this thread lists the tree (a sixth of them by the
// time the listing is done), and both finish the rest. The pool's workers load the whole
// bundle (a tenth of a second of CPU each) and a re-scan does not start them, so the helper is
// a few lines of its own, run by `eval`. Both threads claim chunks of the list from one shared
// counter and write into one shared table, so a helper still starting costs nothing: this
// thread takes the chunks it has not claimed.

import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { stampTime } from './files.js';

/** Numbers per file in a stat table: size, change stamp (files.ts stampTime()), device, inode. */
export const STAT_FIELDS = 4;

/** The size a table gives a file that could not be stat()ed (gone, or a directory on its path unreadable). */
export const NO_STAT = -1;

/** Files claimed at a time from the shared counter. */
const CHUNK = 256;

/**
 * The helper's loop: the same claims and the same numbers as claimChunks() below (a test
 * compares the two tables), written out because an `eval` worker cannot import this module.
 */
const HELPER_SOURCE = `
const fs = require('node:fs');
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ files, next, out }) => {
  const list = files.split('\\0');
  const cells = new Int32Array(next);
  const table = new Float64Array(out);
  for (;;) {
    const from = Atomics.add(cells, 0, ${CHUNK});
    if (from >= list.length) break;
    const to = Math.min(list.length, from + ${CHUNK});
    for (let i = from; i < to; i++) {
      let st;
      try { st = fs.statSync(list[i], { throwIfNoEntry: false }); } catch { st = undefined; }
      const at = i * ${STAT_FIELDS};
      if (st === undefined) { table[at] = ${NO_STAT}; continue; }
      table[at] = st.size;
      table[at + 1] = Math.max(st.mtimeMs, st.ctimeMs);
      table[at + 2] = st.dev;
      table[at + 3] = st.ino;
    }
  }
  parentPort.postMessage(null);
});
`;

/** Stats the chunks of `files` this thread claims from `cells[0]` into `table`. */
function claimChunks(files: readonly string[], cells: Int32Array, table: Float64Array): void {
  for (;;) {
    const from = Atomics.add(cells, 0, CHUNK);
    if (from >= files.length) return;
    statRange(files, from, Math.min(files.length, from + CHUNK), table);
  }
}

function statRange(files: readonly string[], from: number, to: number, table: Float64Array): void {
  for (let i = from; i < to; i++) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(files[i] as string, { throwIfNoEntry: false });
    } catch {
      st = undefined;
    }
    const at = i * STAT_FIELDS;
    if (st === undefined) {
      table[at] = NO_STAT;
      continue;
    }
    table[at] = st.size;
    table[at + 1] = stampTime(st);
    table[at + 2] = st.dev;
    table[at + 3] = st.ino;
  }
}

/** A worker thread that stats files for statTable(); start it early, as its start takes a few tens of milliseconds. */
export class StatHelper {
  private failed = false;

  private constructor(private readonly worker: Worker) {
    // A helper that cannot run (out of memory) or was closed leaves the work to this thread.
    worker.on('error', () => {
      this.failed = true;
    });
    worker.on('exit', () => {
      this.failed = true;
    });
    worker.unref();
  }

  /** A started helper, or undefined where no worker thread can be made. */
  static start(): StatHelper | undefined {
    try {
      return new StatHelper(new Worker(HELPER_SOURCE, { eval: true }));
    } catch {
      return undefined;
    }
  }

  /**
   * Hands `files` to the helper, which claims chunks of them from `next` into `out` until none is
   * left. Resolves true when it has finished, false when it failed or stopped first (what it
   * claimed may then be half written).
   */
  work(files: readonly string[], next: SharedArrayBuffer, out: SharedArrayBuffer): Promise<boolean> {
    if (this.failed) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => (): void => {
        this.worker.off('message', finished);
        this.worker.off('exit', stopped);
        this.worker.off('error', stopped);
        this.worker.unref();
        resolve(ok);
      };
      const finished = done(true);
      const stopped = done(false);
      this.worker.on('message', finished);
      this.worker.on('exit', stopped);
      this.worker.on('error', stopped);
      // Kept alive while it works: this thread awaits its answer with nothing else pending.
      this.worker.ref();
      this.worker.postMessage({ files: files.join('\0'), next, out });
    });
  }

  close(): void {
    void this.worker.terminate();
  }
}

/**
 * The stat table of `files` (STAT_FIELDS numbers per file, in their order), begun on `helper`
 * at once; table() has this thread claim what is left. A re-scan begins it as soon as its saved
 * index is read, so that the helper stats the files the index holds while this thread lists
 * the tree. A helper that fails leaves the whole table to this thread.
 */
export class StatJob {
  private readonly out: SharedArrayBuffer;
  private readonly next = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  private readonly helped: Promise<boolean> | undefined;

  constructor(private readonly files: readonly string[], helper?: StatHelper) {
    this.out = new SharedArrayBuffer(files.length * STAT_FIELDS * Float64Array.BYTES_PER_ELEMENT);
    this.helped = helper && files.length > CHUNK ? helper.work(files, this.next, this.out) : undefined;
  }

  async table(): Promise<Float64Array> {
    const table = new Float64Array(this.out);
    claimChunks(this.files, new Int32Array(this.next), table);
    // A helper that stopped may have left any chunk it claimed half written: all are done again here.
    if (this.helped && !(await this.helped)) statRange(this.files, 0, this.files.length, table);
    return table;
  }
}

/** The stat table of `files`, on this thread and `helper` together. */
export function statTable(files: readonly string[], helper?: StatHelper): Promise<Float64Array> {
  return new StatJob(files, helper).table();
}
