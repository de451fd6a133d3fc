// The worker pool `check` runs every pass on: the same threads take one pass after another, the
// results come back in the order of the files, and a worker that fails or stops fails the pass
// (and every later one) with a message instead of hanging the run.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../server/src/cli/pool';
import type { WorkerSetup } from '../../server/src/cli/scan';

/**
 * A stand-in for worker.ts, in plain JavaScript: it claims files from the pass's shared queue
 * one at a time and answers each with its thread id. A file named `exit` makes it stop, one named
 * `fatal` makes it report a fatal error; one named `empty...` has nothing to say, and its result
 * is left out of the reply as workerPass() leaves out empty results.
 */
const FAKE_WORKER = `
const { parentPort, threadId } = require('node:worker_threads');
parentPort.on('message', ({ data }) => {
  const files = data.files.split('\\0');
  const cells = new Int32Array(data.queue);
  for (;;) {
    if (Atomics.load(cells, 1)) break;
    const i = Atomics.add(cells, 0, 1);
    if (i >= files.length) break;
    if (files[i] === 'exit') process.exit(3);
    if (files[i] === 'fatal') return parentPort.postMessage({ kind: 'fatal', message: 'cannot load the parser' });
    const results = files[i].startsWith('empty') ? [] : [{ file: files[i], findings: [], parsed: false, notes: [String(threadId)] }];
    parentPort.postMessage({ kind: 'results', results, done: [i, i + 1] });
  }
  parentPort.postMessage({ kind: 'end' });
});
`;

const SETUP: WorkerSetup = { settings: {}, root: undefined, mode: 'scan' };
let dir: string;
let script: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-pool-'));
  script = path.join(dir, 'worker.js');
  fs.writeFileSync(script, FAKE_WORKER);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `fn` with a pool of `size` workers, closed after it whatever happens. */
async function withPool(size: number, fn: (pool: WorkerPool) => Promise<void>): Promise<void> {
  const pool = new WorkerPool(script, size);
  try {
    await fn(pool);
  } finally {
    await pool.close();
  }
}

const files = (n: number, prefix: string): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}.c`);

describe('WorkerPool', () => {
  it('runs pass after pass on the same workers, each pass\'s results in the order of its files', async () => {
    await withPool(2, async (pool) => {
      expect(pool.started).toBe(false);
      const first = await pool.run(files(200, 'a'), SETUP);
      const second = await pool.run(files(150, 'b'), SETUP);
      expect(first.map((r) => r.file)).toEqual(files(200, 'a'));
      expect(second.map((r) => r.file)).toEqual(files(150, 'b'));
      expect(pool.started).toBe(true);
    });
    // Thread ids are never reused in a process: a worker started anew would bring a new one.
    await withPool(1, async (one) => {
      const a = await one.run(files(40, 'a'), SETUP);
      const b = await one.run(files(40, 'b'), SETUP);
      expect(new Set([...a, ...b].map((r) => r.notes[0])).size).toBe(1);
    });
  });

  it('gives the files whose results the workers left out an empty result, in their place', async () => {
    await withPool(2, async (pool) => {
      const list = files(300, 'a').map((f, i) => (i % 3 ? `empty${f}` : f));
      const got = await pool.run(list, SETUP);
      expect(got.map((r) => r.file)).toEqual(list);
      got.forEach((r, i) => {
        if (i % 3) expect(r).toEqual({ file: list[i], findings: [], parsed: false, notes: [] });
        else expect(r.notes).toHaveLength(1);
      });
    });
  });

  it('starts only the workers a short pass keeps busy, and the rest when a longer pass comes', async () => {
    await withPool(4, async (pool) => {
      // A worker claims up to 32 files at once in a scan: 40 files keep two busy.
      expect(await pool.run(files(40, 'a'), SETUP)).toHaveLength(40);
      expect(pool.running).toBe(2);
      expect(await pool.run(files(500, 'b'), SETUP)).toHaveLength(500);
      expect(pool.running).toBe(4);
    });
  });

  it('starts every worker when warmed, before any pass', async () => {
    await withPool(3, async (pool) => {
      pool.warm();
      expect(pool.running).toBe(3);
      expect(await pool.run(files(10, 'a'), SETUP)).toHaveLength(10);
      expect(pool.running).toBe(3);
    });
  });

  it('fails the pass, and every pass after it, when a worker stops before its end', async () => {
    await withPool(2, async (pool) => {
      await expect(pool.run([...files(20, 'a'), 'exit', ...files(20, 'b')], SETUP)).rejects.toThrow(/a worker stopped \(exit code 3\) before the end of the run/);
      await expect(pool.run(files(5, 'c'), SETUP)).rejects.toThrow(/a worker stopped/);
    });
  });

  it('fails the pass with the message of a worker\'s fatal error', async () => {
    await withPool(2, async (pool) => {
      await expect(pool.run(['fatal', ...files(30, 'a')], SETUP)).rejects.toThrow('cannot load the parser');
    });
  });

  it('refuses a pass once closed, and a second pass while one runs', async () => {
    const pool = new WorkerPool(script, 1);
    const running = pool.run(files(50, 'a'), SETUP);
    await expect(pool.run(files(5, 'b'), SETUP)).rejects.toThrow('a pass is already running');
    expect(await running).toHaveLength(50);
    await pool.close();
    await expect(pool.run(files(5, 'c'), SETUP)).rejects.toThrow('the worker pool is closed');
  });

  it('fails a pass still running when it is closed, instead of leaving it pending', async () => {
    const pool = new WorkerPool(script, 2);
    const running = pool.run(files(20_000, 'a'), SETUP);
    const closed = pool.close();
    await expect(running).rejects.toThrow('the worker pool was closed during a pass');
    await closed;
  });
});
