// The queue the workers of a pass claim files from, and a worker's pass over it.

import { describe, expect, it } from 'vitest';
import type { FileResult } from '../../server/src/cli/checkFile';
import { FileList, Queue, WorkerReply, workerPass } from '../../server/src/cli/pool';

const result = (file: string): FileResult => ({ file, findings: [], parsed: false, notes: [] });
/** A result worth sending: the file publishes something. */
const published = (file: string): FileResult => ({ ...result(file), pubs: [] });

describe('Queue', () => {
  it('hands out every index once, in shrinking claims towards the end', () => {
    const q = new Queue();
    const seen: number[] = [];
    const sizes: number[] = [];
    for (let c = q.claim(1000, 2, 32); c; c = q.claim(1000, 2, 32)) {
      for (let i = c.from; i < c.to; i++) seen.push(i);
      sizes.push(c.to - c.from);
    }
    expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Math.max(...sizes)).toBe(32);
    expect(sizes[sizes.length - 1]).toBe(1);
    expect(q.claim(1000, 2, 32)).toBeUndefined();
  });

  it('is shared through its buffer, and cancelling stops every holder from claiming', () => {
    const a = new Queue();
    const b = new Queue(a.buffer);
    expect(a.claim(10, 1, 4)).toEqual({ from: 0, to: 2 });
    expect(b.claim(10, 1, 4)).toEqual({ from: 2, to: 4 });
    b.cancel();
    expect(a.claim(10, 1, 4)).toBeUndefined();
  });
});

describe('FileList', () => {
  it('gives back every path of the joined list, in order, whatever it holds but NUL', () => {
    for (const files of [['a.c'], ['', 'x'], ['dir/a b.c', 'new\nline.c', 'é/ü.h', ''], Array.from({ length: 1000 }, (_, i) => `d${i % 7}/f${i}.c`)]) {
      const list = new FileList(FileList.join(files));
      expect(list.length).toBe(files.length);
      expect(Array.from({ length: list.length }, (_, i) => list.at(i))).toEqual(files);
    }
  });
});

describe('workerPass', () => {
  it('works nothing on a queue cancelled before it starts, and ends', () => {
    const queue = new Queue();
    queue.cancel();
    const replies: WorkerReply[] = [];
    const worked: string[] = [];
    workerPass({ setup: { settings: {}, root: undefined, mode: 'index', jobs: 1 }, files: FileList.join(['a.c', 'b.c']), queue: queue.buffer }, (f) => {
      worked.push(f);
      return result(f);
    }, (m) => replies.push(m));
    expect(worked).toEqual([]);
    expect(replies).toEqual([{ kind: 'end' }]);
  });

  it('works through the files two workers share, each once, and ends each worker with an end', () => {
    // One after the other here: the first takes every file, the second finds the queue empty.
    const files = Array.from({ length: 500 }, (_, i) => `f${i}.c`);
    const queue = new Queue();
    const replies: WorkerReply[][] = [[], []];
    const worked: string[] = [];
    const work = (f: string): FileResult => {
      worked.push(f);
      return published(f);
    };
    for (const r of replies) workerPass({ setup: { settings: {}, root: undefined, mode: 'index', jobs: 2 }, files: FileList.join(files), queue: queue.buffer }, work, (m) => r.push(m));
    expect(worked).toEqual(files);
    for (const r of replies) expect(r[r.length - 1]).toEqual({ kind: 'end' });
    const returned = replies.flat().flatMap((m) => (m.kind === 'results' ? m.results.map((x) => x.file) : []));
    expect(returned).toEqual(files);
  });

  it('leaves out the results with nothing to say, and tells which files it worked through', () => {
    const files = Array.from({ length: 300 }, (_, i) => `f${i}.c`);
    const queue = new Queue();
    const replies: WorkerReply[] = [];
    // Every fifth file publishes, every seventh has a note; the rest have nothing to say.
    const work = (f: string): FileResult => {
      const i = Number(f.slice(1, -2));
      return i % 5 === 0 ? published(f) : i % 7 === 0 ? { ...result(f), notes: ['a note'] } : result(f);
    };
    workerPass({ setup: { settings: {}, root: undefined, mode: 'scan', jobs: 1 }, files: FileList.join(files), queue: queue.buffer }, work, (m) => replies.push(m));
    const sent = replies.flatMap((m) => (m.kind === 'results' ? m.results.map((x) => x.file) : []));
    expect(sent).toEqual(files.filter((_, i) => i % 5 === 0 || i % 7 === 0));
    const covered = new Array<number>(files.length).fill(0);
    for (const m of replies) {
      if (m.kind !== 'results') continue;
      for (let k = 0; k < m.done.length; k += 2) for (let i = m.done[k] as number; i < (m.done[k + 1] as number); i++) covered[i] = (covered[i] as number) + 1;
    }
    expect(covered.every((n) => n === 1)).toBe(true);
  });
});
