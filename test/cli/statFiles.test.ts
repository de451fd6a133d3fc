import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_STAT, STAT_FIELDS, StatHelper, statTable } from '../../server/src/cli/statFiles';
import { stampTime } from '../../server/src/cli/files';

let tmp: string;
let files: string[];

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-stat-'));
  // More files than one chunk, so that the helper takes some; a missing file and a directory among them.
  files = [];
  for (let i = 0; i < 1500; i++) {
    const f = path.join(tmp, `f${i}.c`);
    fs.writeFileSync(f, 'x'.repeat(i % 97));
    // Some with their mtime set back: the change stamp is then the ctime (stampTime()).
    if (i % 3 === 0) fs.utimesSync(f, new Date(2001, 0, 1), new Date(2001, 0, 1));
    files.push(f);
  }
  files.splice(700, 0, path.join(tmp, 'gone.c'), tmp, path.join(tmp, 'f1.c', 'under-a-file.c'));
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** What one statSync() per file gives, as a table (a failure, ENOENT or ENOTDIR, as NO_STAT). */
function expected(list: readonly string[]): number[] {
  return list.flatMap((f) => {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(f);
    } catch {
      st = undefined;
    }
    return st ? [st.size, stampTime(st), st.dev, st.ino] : [NO_STAT, 0, 0, 0];
  });
}

function rows(table: Float64Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < table.length; i += STAT_FIELDS) out.push(...(table[i] === NO_STAT ? [NO_STAT, 0, 0, 0] : [...table.subarray(i, i + STAT_FIELDS)]));
  return out;
}

describe('statTable', () => {
  it('gives what statSync() gives each file, alone and with a helper thread that takes part of the list', async () => {
    expect(rows(await statTable(files))).toEqual(expected(files));
    const helper = StatHelper.start();
    expect(helper).toBeDefined();
    try {
      // The helper's own loop (an eval'd copy of this thread's) over the whole list, this thread claiming nothing.
      const next = new SharedArrayBuffer(4);
      const out = new SharedArrayBuffer(files.length * STAT_FIELDS * 8);
      expect(await helper?.work(files, next, out)).toBe(true);
      expect(rows(new Float64Array(out))).toEqual(expected(files));
      // Twice with one helper: it answers every list it is given.
      for (let round = 0; round < 2; round++) expect(rows(await statTable(files, helper))).toEqual(expected(files));
    } finally {
      helper?.close();
    }
  });

  it('does the whole list itself when the helper has stopped', async () => {
    const helper = StatHelper.start();
    helper?.close();
    expect(rows(await statTable(files, helper))).toEqual(expected(files));
    expect(await statTable([], helper)).toHaveLength(0);
  });
});
