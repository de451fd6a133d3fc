// The saved scan index: what a re-scan reuses, and what makes it scan a file again.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SAVED_INDEXES, ScanCache, commonDirectory } from '../../server/src/cli/scanCache';
import { DirListings, DirStamp, listFiles } from '../../server/src/cli/files';
import { NO_STAT, STAT_FIELDS, StatHelper, statTable } from '../../server/src/cli/statFiles';
import { ROOT } from '../helpers';

/** The saved index as the cache writes it (V8's serializer), for tests that look into it or damage it. */
const readIndex = (file: string): unknown => v8.deserialize(fs.readFileSync(file));
const writeIndex = (file: string, saved: unknown): void => fs.writeFileSync(file, v8.serialize(saved));

const CLI = path.join(ROOT, 'dist', 'cli.js');
let tmp: string;
let saveXdg: string | undefined;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-cache-'));
  saveXdg = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = path.join(tmp, 'cache');
});

afterEach(() => {
  if (saveXdg === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = saveXdg;
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A cache opened by a run that begins once the files the test has just written are settled. */
const open = (operands: string[], settings: unknown): ScanCache => ScanCache.open(operands, settings, '', Date.now() + 60_000);

function tree(): { dir: string; a: string; b: string } {
  const dir = path.join(tmp, 'src', 'drivers');
  fs.mkdirSync(dir, { recursive: true });
  const a = path.join(dir, 'a.c');
  const b = path.join(dir, 'b.c');
  fs.writeFileSync(a, 'int a(void) { return 0; }\n');
  fs.writeFileSync(b, 'int b(void) { return 1; }\n');
  return { dir, a, b };
}

describe('ScanCache', () => {
  it('gives back publications and results of unchanged files after a save', () => {
    const { dir, a, b } = tree();
    const first = open([dir], {});
    first.setPublications(a, []);
    first.setResult({ file: a, findings: [], parsed: true, notes: ['n'] }, 'idx');
    first.setResult({ file: b, findings: [], parsed: false, notes: [] }, 'idx');
    first.save([a, b]);
    const again = open([dir], {});
    expect(again.publications(a)).toEqual([]);
    expect(again.publications(b)).toBeUndefined(); // never indexed
    expect(again.result(a, 'idx')).toEqual({ file: a, findings: [], parsed: true, notes: ['n'] });
    expect(again.result(b, 'idx')).toEqual({ file: b, findings: [], parsed: false, notes: [] });
    expect(again.result(a, 'other index')).toBeUndefined();
  });

  it('scans a file again when its size or mtime changed', () => {
    const { dir, a, b } = tree();
    const first = open([dir], {});
    for (const f of [a, b]) first.setResult({ file: f, findings: [], parsed: true, notes: [] }, 'idx');
    first.save([a, b]);
    fs.appendFileSync(a, '/* more */\n');
    const t = new Date(Date.now() - 60_000);
    fs.utimesSync(b, t, t);
    const again = open([dir], {});
    expect(again.result(a, 'idx')).toBeUndefined();
    expect(again.result(b, 'idx')).toBeUndefined();
  });

  it('tells changed files from a stat table as from one stat() each, and goes by the table it is given', async () => {
    const { dir, a, b } = tree();
    const first = open([dir], {});
    for (const f of [a, b]) first.setResult({ file: f, findings: [], parsed: true, notes: [] }, 'idx');
    first.save([a, b]);
    // The table is of the saved paths, in the order they were saved.
    const before = await statTable([a, b]);
    fs.appendFileSync(a, '/* more */\n');
    const helper = StatHelper.start();
    try {
      const changed = open([dir], {});
      changed.startStats(helper);
      await changed.settleStats();
      expect(changed.result(a, 'idx')).toBeUndefined();
      expect(changed.result(b, 'idx')).toEqual({ file: b, findings: [], parsed: true, notes: [] });
    } finally {
      helper?.close();
    }
    // The table is the answer (no second stat() of the file): one taken before the change says a is as saved.
    const stale = open([dir], {});
    stale.noteStats(before);
    expect(stale.result(a, 'idx')).toBeDefined();
    // A file the table could not stat() is not as saved.
    const gone = open([dir], {});
    gone.noteStats(Float64Array.from([NO_STAT, 0, 0, 0, ...before.subarray(STAT_FIELDS)]));
    expect(gone.result(a, 'idx')).toBeUndefined();
    expect(gone.result(b, 'idx')).toBeDefined();
  });

  it('records files from a stat table as from one stat() each: a missing file gets no entry, a changed one is read again', async () => {
    const { dir, a, b } = tree();
    const gone = path.join(dir, 'gone.c');
    const helper = StatHelper.start();
    try {
      const first = open([dir], {});
      await first.recordFiles([a, gone, b], helper);
      for (const f of [a, gone, b]) first.setResult({ file: f, findings: [], parsed: true, notes: [] }, 'idx');
      first.save([a, gone, b]);
      fs.appendFileSync(b, '/* more */\n');
      const again = open([dir], {});
      expect(again.result(a, 'idx')).toEqual({ file: a, findings: [], parsed: true, notes: [] });
      expect(again.result(gone, 'idx')).toBeUndefined();
      expect(again.result(b, 'idx')).toBeUndefined();
      // A run that began just now: the files were written within the last seconds, so their
      // recorded stamps must never match (they may change again within the same clock tick).
      const recent = ScanCache.open([dir], { recent: true }, '', Date.now());
      await recent.recordFiles([a], helper);
      recent.setResult({ file: a, findings: [], parsed: true, notes: [] }, 'idx');
      recent.save([a]);
      expect(open([dir], { recent: true }).result(a, 'idx')).toBeUndefined();
    } finally {
      helper?.close();
    }
  });

  it('reads a file again when it may have changed after the run read it (found in review)', () => {
    const { dir, a, b } = tree();
    // A run that began now: the files were written just before, and a may be saved again
    // after the scan read it and before its entry is stamped, with the same size.
    const during = ScanCache.open([dir], {});
    for (const f of [a, b]) during.setResult({ file: f, findings: [], parsed: true, notes: [] }, 'idx');
    during.save([a, b]);
    const again = open([dir], {});
    expect(again.result(a, 'idx')).toBeUndefined();
    expect(again.result(b, 'idx')).toBeUndefined();
    // Recorded again by a run that began once they were settled, they are reused.
    for (const f of [a, b]) again.setResult({ file: f, findings: [], parsed: true, notes: [] }, 'idx');
    again.save([a, b]);
    expect(open([dir], {}).result(a, 'idx')).toEqual({ file: a, findings: [], parsed: true, notes: [] });
  });

  it('starts afresh for other settings or a damaged file', () => {
    const { dir, a } = tree();
    const first = open([dir], { rules: ['x'] });
    first.setResult({ file: a, findings: [], parsed: true, notes: [] }, 'idx');
    first.save([a]);
    expect(open([dir], {}).result(a, 'idx')).toBeUndefined();
    const saved = fs.readdirSync(path.join(tmp, 'cache', 'iomem-lens', 'scan'));
    expect(saved).toHaveLength(1);
    const file = path.join(tmp, 'cache', 'iomem-lens', 'scan', saved[0] as string);
    const whole = fs.readFileSync(file);
    expect(open([dir], { rules: ['x'] }).result(a, 'idx')).toBeDefined();
    // Not V8's serialization (an earlier format's JSON), cut short, or not an index at all.
    for (const damaged of [Buffer.from('{"format": 3, "files": {'), whole.subarray(0, whole.length >> 1), v8.serialize(42), v8.serialize([whole.length])]) {
      fs.writeFileSync(file, damaged);
      expect(open([dir], { rules: ['x'] }).result(a, 'idx')).toBeUndefined();
    }
  });

  it('stores paths relative to the directory the files share', () => {
    const { dir, a, b } = tree();
    const c = open([dir], {});
    for (const f of [a, b]) c.setResult({ file: f, findings: [], parsed: false, notes: [] }, 'idx');
    c.save([a, b]);
    const dirOfCache = path.join(tmp, 'cache', 'iomem-lens', 'scan');
    const saved = readIndex(path.join(dirOfCache, fs.readdirSync(dirOfCache)[0] as string)) as { root: string; paths: string[] };
    expect(saved.root).toBe(dir + path.sep);
    expect(saved.paths).toEqual(['a.c', 'b.c']);
  });
});

describe('ScanCache lookups', () => {
  it('finds files asked in another order than saved, and forgets files no longer listed', () => {
    const { dir, a, b } = tree();
    const c1 = path.join(dir, 'c.c');
    fs.writeFileSync(c1, 'int c;\n');
    const first = open([dir], {});
    for (const f of [a, b, c1]) first.setResult({ file: f, findings: [], parsed: true, notes: [f] }, 'idx');
    first.save([a, b, c1]);
    const again = open([dir], {});
    for (const f of [c1, a, b, a]) expect(again.result(f, 'idx')?.notes).toEqual([f]);
    expect(again.result(path.join(dir, 'new.c'), 'idx')).toBeUndefined();
    again.save([b, c1]);
    const third = open([dir], {});
    expect(third.result(a, 'idx')).toBeUndefined();
    expect(third.result(c1, 'idx')?.notes).toEqual([c1]);
  });
});

describe('directory listings kept by the scan index', () => {
  /** A tree of two levels, its listing saved by a run that began once it was settled. */
  function saved(): { top: string; sub: string; files: string[] } {
    const top = path.join(tmp, 'src');
    const sub = path.join(top, 'drivers');
    fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(top, 'top.c'), 'int t;\n');
    fs.writeFileSync(path.join(sub, 'a.c'), 'int a;\n');
    fs.writeFileSync(path.join(sub, 'notes.txt'), 'not C\n');
    const first = open([top], {});
    const files = listFiles([top], first).files;
    for (const f of files) first.setResult({ file: f, findings: [], parsed: false, notes: [] }, 'idx');
    first.save(files);
    return { top, sub, files };
  }

  /** Moves a directory's stamp on: a file system clock may give a change the stamp it had. */
  const touchLater = (dir: string): void => {
    const later = new Date(Date.now() + 10_000);
    fs.utimesSync(dir, later, later);
  };

  /** `cache` as listFiles() uses it, noting the directories it had to read and those it had. */
  const spying = (cache: ScanCache): { listings: DirListings; read: string[]; kept: string[] } => {
    const read: string[] = [];
    const kept: string[] = [];
    const get = (d: string, st: DirStamp): readonly string[] | undefined => {
      const e = cache.get(d, st);
      if (e) kept.push(d);
      return e;
    };
    return { read, kept, listings: { get, set: (d, st, e) => { read.push(d); cache.set(d, st, e); } } };
  };

  it('lists the same files as a walk without it, and reads no directory whose stamp did not change', () => {
    const { top, sub, files } = saved();
    expect(files).toEqual([path.join(sub, 'a.c'), path.join(top, 'top.c')]);
    expect(listFiles([top]).files).toEqual(files);
    const spy = spying(open([top], {}));
    expect(listFiles([top], spy.listings).files).toEqual(files);
    expect(spy.read).toEqual([]);
    expect(spy.kept).toEqual([top, sub]);
  });

  it('reads a directory again when its stamp moved, a subdirectory as well as the top', () => {
    const { top, sub, files } = saved();
    fs.writeFileSync(path.join(sub, 'b.c'), 'int b;\n');
    touchLater(sub);
    expect(listFiles([top], open([top], {})).files).toEqual([path.join(sub, 'a.c'), path.join(sub, 'b.c'), path.join(top, 'top.c')]);
    fs.rmSync(path.join(top, 'top.c'));
    touchLater(top);
    const third = open([top], {});
    const now = listFiles([top], third).files;
    expect(now).toEqual([path.join(sub, 'a.c'), path.join(sub, 'b.c')]);
    expect(now).toEqual(listFiles([top]).files);
    expect(files).toHaveLength(2);
  });

  it('tells directories apart by device and inode, not only by path and stamp, and survives a damaged listing (found in review)', () => {
    const top = path.join(tmp, 'op');
    const first = open([top], {});
    first.set(top, { time: 1000, id: '1:2' }, ['fa.c']);
    first.save([]);
    // The operand, a symbolic link, now names another directory whose stamp happens to be the same.
    expect(open([top], {}).get(top, { time: 1000, id: '1:3' })).toBeUndefined();
    expect(open([top], {}).get(top, { time: 1000, id: '1:2' })).toEqual(['fa.c']);
    const dirOfCache = path.join(tmp, 'cache', 'iomem-lens', 'scan');
    const file = path.join(dirOfCache, fs.readdirSync(dirOfCache)[0] as string);
    const saved = readIndex(file) as { root: string; dirs: unknown[]; paths: string[] };
    const columns = { sizes: [null], stamps: [null], devs: [null], inos: [null], pubs: [null], results: [null] };
    writeIndex(file, { ...saved, dirs: [null, ['', 'x', ['fa.c'], '1:2']], paths: ['a.c'], ...columns });
    const damaged = open([top], {});
    expect(damaged.get(top, { time: 1000, id: '1:2' })).toBeUndefined();
    expect(damaged.result(`${saved.root}a.c`, 'idx')).toBeUndefined();
  });

  it('gives nothing back for a damaged entry or another inode at the path, and starts afresh when its columns disagree', () => {
    const { dir, a, b } = tree();
    const first = open([dir], {});
    for (const f of [a, b]) {
      first.setPublications(f, []);
      first.setResult({ file: f, findings: [], parsed: true, notes: [] }, 'idx');
    }
    first.save([a, b]);
    const dirOfCache = path.join(tmp, 'cache', 'iomem-lens', 'scan');
    const file = path.join(dirOfCache, fs.readdirSync(dirOfCache)[0] as string);
    const saved = readIndex(file) as { pubs: unknown[]; results: unknown[]; sizes: unknown[] };
    // The files are as saved: only their entries are damaged (a's data, b's stat columns).
    writeIndex(file, { ...saved, pubs: ['x', saved.pubs[1]], results: [{ parsed: true }, saved.results[1]], sizes: [saved.sizes[0], 'y'] });
    const damaged = open([dir], {});
    expect(damaged.publications(a)).toBeUndefined();
    expect(damaged.result(a, 'idx')).toBeUndefined();
    expect(damaged.publications(b)).toBeUndefined();
    expect(damaged.result(b, 'idx')).toBeUndefined();
    // Another file at the path (a checkout replacing it) with the same size and stamp: another inode or device.
    const ids = saved as unknown as { inos: number[]; devs: number[] };
    writeIndex(file, { ...saved, inos: [(ids.inos[0] as number) + 1, ids.inos[1]], devs: [ids.devs[0], (ids.devs[1] as number) + 1] });
    const moved = open([dir], {});
    expect(moved.result(a, 'idx')).toBeUndefined();
    expect(moved.result(b, 'idx')).toBeUndefined();
    writeIndex(file, { ...saved, results: [0] });
    expect(open([dir], {}).empty).toBe(true);
    writeIndex(file, saved);
    const whole = open([dir], {});
    expect(whole.publications(a)).toEqual([]);
    expect(whole.result(b, 'idx')).toEqual({ file: b, findings: [], parsed: true, notes: [] });
  });

  it('does not trust the stamp of a directory changed just before the run began', () => {
    const top = path.join(tmp, 'src');
    fs.mkdirSync(top);
    fs.writeFileSync(path.join(top, 'a.c'), 'int a;\n');
    // A run that began now: the directory changed within the last seconds, and a file created
    // within the same tick of its clock would leave its stamp as it is.
    const first = ScanCache.open([top], {});
    const files = listFiles([top], first).files;
    first.setResult({ file: files[0] as string, findings: [], parsed: false, notes: [] }, 'idx');
    first.save(files);
    const spy = spying(open([top], {}));
    expect(listFiles([top], spy.listings).files).toEqual(files);
    expect(spy.read).toEqual([top]);
  });
});

describe('commonDirectory', () => {
  it('cuts at a separator', () => {
    expect(commonDirectory(['/k/drivers/md/dm.c', '/k/drivers/mm/x.c'])).toBe('/k/drivers/');
    expect(commonDirectory(['/k/a.c'])).toBe('/k/');
    expect(commonDirectory(['a.c', 'b.c'])).toBe('');
    expect(commonDirectory([])).toBe('');
  });
});

describe('check with the saved index', () => {
  // A file changed within a few seconds before a run began is read again whatever its stamp says
  // (UNSETTLED_MS): a test that wants to see reuse waits that long once its files are written
  // (found in review: these tests passed with no reuse at all, their files being unsettled).
  let shared: string;
  const settle = async (...files: string[]): Promise<void> => {
    const last = Math.max(...files.map((f) => { const st = fs.statSync(f); return Math.max(st.mtimeMs, st.ctimeMs); }));
    await new Promise((r) => setTimeout(r, Math.max(0, last + 3_300 - Date.now())));
  };
  beforeAll(async () => {
    shared = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-settled-'));
    fs.mkdirSync(path.join(shared, 'k'));
    fs.copyFileSync(path.join(ROOT, 'examples', 'kmem_like.c'), path.join(shared, 'k', 'kmem_like.c'));
    // A whole second, so that putting the mtime back below restores it exactly.
    const whole = new Date(Math.floor(Date.now() / 1000) * 1000 - 10_000);
    fs.utimesSync(path.join(shared, 'k', 'kmem_like.c'), whole, whole);
    fs.mkdirSync(path.join(shared, 'linux', 'drivers'), { recursive: true });
    fs.writeFileSync(path.join(shared, 'linux', 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n');
    fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'rules', 'memmap-reserved-zone-device', 'pos_vfio_reserved.c'), path.join(shared, 'linux', 'drivers', 'a.c'));
    await settle(path.join(shared, 'k', 'kmem_like.c'), path.join(shared, 'linux', 'drivers', 'a.c'), path.join(shared, 'k'), path.join(shared, 'linux', 'drivers'));
  });
  afterAll(() => fs.rmSync(shared, { recursive: true, force: true }));

  /** A check in the shared directory, with this test's own cache. */
  const run = (...args: string[]): { code: number | null; findings: string[]; reused: number } => {
    const r = spawnSync(process.execPath, [CLI, 'check', '--no-baseline', '--format', 'json', ...args],
      { cwd: shared, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: path.join(tmp, 'cache') } });
    const report = JSON.parse(r.stdout) as { findings: { rule: string; line: number }[]; stats: { files: number; parsed: number; reused: number } };
    // A file given back unread was not parsed in this run (found in review: counted as both).
    expect(report.stats.parsed + report.stats.reused).toBeLessThanOrEqual(report.stats.files);
    return { code: r.status, findings: report.findings.map((f) => `${f.rule}:${f.line}`), reused: report.stats.reused };
  };

  it('reuses the result of a file whose size and change stamp did not change, and only then', async () => {
    const file = path.join(shared, 'k', 'kmem_like.c');
    const first = run('k');
    expect(first).toMatchObject({ code: 1, reused: 0 });
    expect(first.findings).toContain('resource-busy-window:30');
    expect(run('k')).toEqual({ ...first, reused: 1 });
    // Same size, the mtime set back, other text (found in review): the ctime moved, no user can
    // set it back, and the file is read again, once settled as well.
    const { mtime, size } = fs.statSync(file);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/request_mem_region/g, 'requesx_mem_region'));
    fs.utimesSync(file, mtime, mtime);
    expect(fs.statSync(file)).toMatchObject({ size, mtimeMs: mtime.getTime() });
    await settle(file);
    expect(run('k')).toEqual({ code: 0, findings: [], reused: 0 });
    expect(run('k')).toEqual({ code: 0, findings: [], reused: 1 });
  }, 20_000);

  it('starts afresh when what the settings resolve to changes on disk: the tree\'s .config (found in review)', () => {
    const config = (zoneDevice: boolean): void => fs.writeFileSync(path.join(shared, 'linux', '.config'),
      `CONFIG_X86_64=y\nCONFIG_MEMORY_HOTPLUG=y\n${zoneDevice ? 'CONFIG_ZONE_DEVICE=y' : '# CONFIG_ZONE_DEVICE is not set'}\n`);
    config(true);
    const on = run('linux/drivers');
    expect(on.findings).toEqual([expect.stringMatching(/^memmap-reserved-zone-device:/)]);
    expect(run('linux/drivers')).toEqual({ ...on, reused: 1 });
    config(false);
    expect(run('--no-cache', 'linux/drivers')).toEqual({ code: 0, findings: [], reused: 0 });
    expect(run('linux/drivers')).toEqual({ code: 0, findings: [], reused: 0 });
    expect(run('linux/drivers')).toEqual({ code: 0, findings: [], reused: 1 });
  });
});

describe('the cache directory', () => {
  it('keeps only the most recent saved indexes', () => {
    const { dir, a } = tree();
    const scan = path.join(tmp, 'cache', 'iomem-lens', 'scan');
    fs.mkdirSync(scan, { recursive: true });
    const old = new Date(Date.now() - 3_600_000);
    for (let i = 0; i < MAX_SAVED_INDEXES + 5; i++) {
      const f = path.join(scan, `old${i}.json`);
      fs.writeFileSync(f, '{}');
      fs.utimesSync(f, old, old);
    }
    const c = open([dir], {});
    c.setResult({ file: a, findings: [], parsed: false, notes: [] }, 'idx');
    c.save([a]);
    const left = fs.readdirSync(scan);
    expect(left).toHaveLength(MAX_SAVED_INDEXES);
    expect(open([dir], {}).result(a, 'idx')).toBeDefined();
  });
});
