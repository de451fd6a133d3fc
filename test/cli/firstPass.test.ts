// The first pass of `check`: one read of every file decides which ones the check pass reads
// again. A file it settles must be one checkFile() finds nothing in, whatever order the
// shared published globals were found in.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { PublishIndex, Publication } from '../../server/src/analysis/publish';
import { checkFile, firstPassScanner, scanFile } from '../../server/src/cli/checkFile';
import { coreFirst, firstPass, startCore } from '../../server/src/cli/firstPass';
import { listFiles } from '../../server/src/cli/files';
import { WorkerPool } from '../../server/src/cli/pool';
import { ROOT } from '../helpers';
import { resolveSettings } from '../../server/src/settings';
import { CParser } from '../../server/src/syntax/parser';

/** A tree with a shared name published in the core, and one published outside it that the core reads. */
const TREE: Record<string, string> = {
  'kernel/pub.c': 'struct foo *shared_ptr;\nvoid pub(struct foo *p) { rcu_assign_pointer(shared_ptr, p); }\nstruct foo *get(void) { return rcu_dereference(shared_ptr); }\n',
  'kernel/late_reader.c': 'void k(void) { late_ptr->y = 2; }\n',
  'mm/quiet.c': 'int quiet;\nint f(void) { return quiet; }\n',
  'net/core_reader.c': 'void n(void) { shared_ptr->x = 2; }\n',
  'drivers/reader.c': 'void r(void) { shared_ptr->x = 1; }\n',
  'drivers/late.c': 'struct bar *late_ptr;\nvoid l(struct bar *b) { smp_store_release(&late_ptr, b); }\nstruct bar *g(void) { return smp_load_acquire(&late_ptr); }\n',
  'drivers/model.c': 'int m(void) { if (!request_mem_region(0x1000, 0x100, "m")) return -16; return 0; }\n',
  'drivers/other.c': 'int o(void) { return kfree_rcu_thing(); }\n',
  'drivers/bin.c': 'int x;\0\0\0',
};

function makeTree(): { root: string; files: string[] } {
  return makeTreeOf(TREE);
}

function makeTreeOf(tree: Record<string, string>): { root: string; files: string[] } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-first-'));
  const files = Object.entries(tree).map(([rel, text]) => {
    const f = path.join(root, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, text);
    return f;
  }).sort();
  return { root, files };
}

const paired = (files: string[]) => (pubs: ReadonlyMap<string, Publication[]>): PublishIndex => {
  const index = new PublishIndex();
  index.add(files.flatMap((f) => pubs.get(f) ?? []));
  return index.paired();
};

describe('firstPass', () => {
  it('marks what names the model, publishes or names a shared global, wherever it was published', async () => {
    const { root, files } = makeTree();
    try {
      const fp = await firstPass(files, [], { settings: {}, root }, 0, paired(files));
      const rel = (s: Iterable<string>): string[] => [...s].map((f) => path.relative(root, f)).sort();
      expect(fp.index.sharedNames().slice().sort()).toEqual(['late_ptr', 'shared_ptr']);
      // net/core_reader.c was scanned with the core, before shared_ptr was known: it goes again
      // with the rest. kernel/late_reader.c was scanned before drivers/late.c published
      // late_ptr: the scan for the names found outside the core marks it.
      expect(rel(fp.candidates)).toEqual(['drivers/late.c', 'drivers/model.c', 'drivers/reader.c', 'kernel/late_reader.c', 'kernel/pub.c', 'net/core_reader.c']);
      expect(rel(fp.settled.keys())).toEqual(['drivers/bin.c', 'drivers/other.c', 'mm/quiet.c']);
      expect(fp.settled.get(path.join(root, 'drivers/bin.c'))?.skipped).toBe('binary file (NUL bytes), not C source');
      expect(fp.fresh.get(path.join(root, 'drivers/late.c'))?.map((p) => p.kind)).toEqual(['release', 'acquire']);

      // What it settles, checkFile() finds nothing in with the run's index.
      const parser = await CParser.load();
      const { options } = resolveSettings({}, root);
      options.publications = new PublishIndex();
      options.publications.add(fp.index.toJSON());
      for (const [f, r] of fp.settled) expect(checkFile(f, parser, options)).toEqual(r);
      // The others it looks at: each is parsed, but the two that only publish and read with the
      // ordered primitives (no walk, no plain access: nothing to parse for).
      for (const f of fp.candidates) expect(checkFile(f, parser, options).parsed, f).toBe(!/kernel\/pub\.c$|drivers\/late\.c$/.test(f));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('starts from the publications a saved index holds', async () => {
    const { root, files } = makeTree();
    try {
      const saved = (await firstPass(files, [], { settings: {}, root }, 0, paired(files))).fresh;
      const late = path.join(root, 'drivers/late.c');
      const rest = files.filter((f) => f !== late);
      const fp = await firstPass(rest, saved.get(late) ?? [], { settings: {}, root }, 0, (pubs) => paired(files)(new Map([...pubs, [late, saved.get(late) ?? []]])));
      expect(fp.candidates.has(path.join(root, 'kernel/late_reader.c'))).toBe(true);
      expect(fp.fresh.has(late)).toBe(false);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

/** A tree whose shared names are all published in the core (as in Linux): nothing found late. */
const CORE_ONLY: Record<string, string> = {
  'kernel/pub.c': 'struct foo *core_ptr;\nvoid pub(struct foo *p) { smp_store_release(&core_ptr, p); }\nstruct foo *get(void) { return smp_load_acquire(&core_ptr); }\n',
  'kernel/model.c': 'int k(u64 s) { if (!request_mem_region(s, 0x100, "k")) return -EBUSY; if (g()) return -EINVAL; return 0; }\n',
  'drivers/model.c': 'int m(u64 s) { if (!request_mem_region(s, 0x100, "m")) return -EBUSY; if (g()) return -EINVAL; return 0; }\n',
  'drivers/model_reader.c': 'int r(u64 s) { if (!request_mem_region(s, 0x100, "r")) return -EBUSY; core_ptr->x = 1; return 0; }\n',
  'drivers/model_pub.c': 'static struct foo *own;\nint p(u64 s, struct foo *f) { if (!request_mem_region(s, 0x100, "p")) return -EBUSY; smp_store_release(&own, f); return 0; }\nint q(void) { return smp_load_acquire(&own)->x; }\n',
  'drivers/quiet.c': 'int quiet(void) { return 0; }\n',
};

describe('firstPass with check', () => {
  /** What checkFile() finds in each file with the run's index: what the run reports. */
  async function expected(fp: Awaited<ReturnType<typeof firstPass>>, root: string, files: string[]): Promise<Map<string, ReturnType<typeof checkFile>>> {
    const parser = await CParser.load();
    const { options } = resolveSettings({}, root);
    options.publications = new PublishIndex();
    options.publications.add(fp.index.toJSON());
    return new Map(files.map((f) => [f, checkFile(f, parser, options)]));
  }

  it('checks, as it scans them, the files that name the model and that no publication can reach, with checkFile()\'s result', async () => {
    const { root, files } = makeTreeOf(CORE_ONLY);
    try {
      const fp = await firstPass(files, [], { settings: {}, root, check: true }, 0, paired(files));
      const rel = (s: Iterable<string>): string[] => [...s].map((f) => path.relative(root, f)).sort();
      // A reader of a shared global and a publisher go to the check pass, with the index.
      expect(rel(fp.candidates)).toEqual(['drivers/model_pub.c', 'drivers/model_reader.c', 'kernel/pub.c']);
      // The core's model file is checked with the rest, once the core's names are known.
      const want = await expected(fp, root, files);
      for (const f of ['drivers/model.c', 'kernel/model.c']) {
        const r = fp.settled.get(path.join(root, f));
        expect(r?.parsed, f).toBe(true);
        expect(r?.findings.map((x) => x.rule)).toEqual(['resource-leak']);
      }
      for (const [f, r] of fp.settled) expect(r, f).toEqual(want.get(f));
      expect(want.get(path.join(root, 'drivers/model_reader.c'))?.findings.map((x) => x.rule)).toContain('publish-unpaired');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('leaves every file to the check pass when a shared name turns up outside the core: the files checked may name it', async () => {
    const extra = { 'drivers/model_late.c': 'int ml(u64 s) { if (!request_mem_region(s, 0x100, "l")) return -EBUSY; late_ptr->y = 1; return 0; }\n' };
    const { root, files } = makeTreeOf({ ...TREE, ...extra });
    try {
      const fp = await firstPass(files, [], { settings: {}, root, check: true }, 0, paired(files));
      const rel = (s: Iterable<string>): string[] => [...s].map((f) => path.relative(root, f)).sort();
      expect(rel(fp.candidates)).toContain('drivers/model_late.c');
      expect(rel(fp.candidates)).toContain('drivers/model.c');
      expect([...fp.settled.values()].every((r) => !r.parsed)).toBe(true);
      const want = await expected(fp, root, files);
      expect(want.get(path.join(root, 'drivers/model_late.c'))?.findings.map((x) => x.rule)).toContain('publish-unpaired');
      for (const [f, r] of fp.settled) expect(r, f).toEqual(want.get(f));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('startCore', () => {
  /** firstPass() on the workers of `pool` with the core started early, `before` run between the start and the listing. */
  async function withEarlyCore(tree: Record<string, string>, saved: Publication[], before?: (root: string) => void) {
    const { root } = makeTreeOf(tree);
    const pool = new WorkerPool(path.join(ROOT, 'dist', 'worker.js'), 2);
    try {
      const setup = { settings: {}, root, check: true };
      const early = startCore(root, setup, pool);
      before?.(root);
      const files = listFiles([root]).files;
      const run = vi.spyOn(pool, 'run');
      const fp = await firstPass(files, saved, setup, 2, paired(files), undefined, pool, early);
      const reference = await firstPass(files, saved, setup, 0, paired(files));
      return { root, files, early, fp, reference, runs: run.mock.calls.map(([list]) => list.length) };
    } finally {
      await pool.close();
    }
  }

  const same = (a: Awaited<ReturnType<typeof firstPass>>, b: Awaited<ReturnType<typeof firstPass>>): void => {
    expect([...a.candidates].sort()).toEqual([...b.candidates].sort());
    expect(new Map([...a.settled].sort())).toEqual(new Map([...b.settled].sort()));
    expect(a.index.toJSON()).toEqual(b.index.toJSON());
  };

  it('scans the core as the whole listing orders it, and the first pass adopts that scan', async () => {
    const { root, files, early, fp, reference, runs } = await withEarlyCore(TREE, []);
    try {
      expect(early?.files).toEqual(coreFirst(files, root).core);
      same(fp, reference);
      // No pass of the core's own: the rest with the core again, then the late names.
      expect(runs.every((n) => n !== early?.files.length)).toBe(true);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('scans the core again when it changed before the listing, or names are saved to scan it for', async () => {
    const changed = await withEarlyCore(TREE, [], (root) => fs.writeFileSync(path.join(root, 'kernel', 'added.c'), 'void a(void) { shared_ptr->z = 3; }\n'));
    const saved: Publication[] = [{ name: 'shared_ptr', kind: 'rcu', file: '/elsewhere/pub.c', line: 0, fileStatic: false, pointer: true }];
    const named = await withEarlyCore(TREE, saved);
    try {
      for (const r of [changed, named]) {
        same(r.fp, r.reference);
        expect(r.runs[0]).toBe(coreFirst(r.files, r.root).core.length);
      }
      expect([...changed.fp.candidates].map((f) => path.relative(changed.root, f))).toContain('kernel/added.c');
    } finally {
      for (const r of [changed, named]) fs.rmSync(r.root, { recursive: true, force: true });
    }
  });
});

describe('scanFile', () => {
  it('hands a file whose text cannot be decoded (too long for a string) to the check pass instead of failing the run', () => {
    const { root } = makeTree();
    const spy = vi.spyOn(Buffer.prototype, 'toString').mockImplementation(() => {
      throw new RangeError('Cannot create a string longer than 0x1fffffe8 characters');
    });
    try {
      const r = scanFile(path.join(root, 'kernel/pub.c'), firstPassScanner([]), new Set());
      expect(r).toMatchObject({ candidate: true, parsed: false, findings: [] });
      expect(r.pubs).toBeUndefined();
    } finally {
      spy.mockRestore();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('coreFirst', () => {
  it('puts the core directories first, for absolute paths and paths relative to the current directory', () => {
    const root = path.resolve('linux');
    const rel = path.relative(process.cwd(), root);
    const files = [path.join(root, 'drivers/a.c'), path.join(root, 'kernel/b.c'), path.join(rel, 'mm/c.c'), path.join(rel, 'kernelx/d.c'), path.join(rel, 'net/core/e.h')];
    expect(coreFirst(files, root)).toEqual({ core: [files[1], files[2], files[4]], rest: [files[0], files[3]] });
    expect(coreFirst(files, undefined)).toEqual({ core: [], rest: files });
  });

  it('matches the directory right under the root only, also when the root is the current directory', () => {
    const files = ['kernel/a.c', 'drivers/kernel/b.c', 'mm.c', 'kernel', 'net/c.c', path.resolve('lib/d.c')];
    expect(coreFirst(files, process.cwd())).toEqual({ core: ['kernel/a.c', 'net/c.c', path.resolve('lib/d.c')], rest: ['drivers/kernel/b.c', 'mm.c', 'kernel'] });
    expect(coreFirst(['/kernel/a.c', '/drivers/b.c'], '/')).toEqual({ core: ['/kernel/a.c'], rest: ['/drivers/b.c'] });
  });

  it('decides each file as if alone, whatever files come before it', () => {
    // Each file on its own: under one of the root's spellings, the directory right under it is a core one.
    const alone = (f: string, root: string): boolean => {
      const abs = path.resolve(root);
      return [abs, path.relative(process.cwd(), abs)].map((r) => (r === '' || r.endsWith(path.sep) ? r : r + path.sep)).some((r) => {
        if (!f.startsWith(r)) return false;
        const end = f.indexOf(path.sep, r.length);
        return end > r.length && ['kernel', 'mm', 'net'].includes(f.slice(r.length, end));
      });
    };
    const seg = fc.constantFrom('kernel', 'kernelx', 'mm', 'drivers', 'net', 'a.c', '..', '');
    const file = fc.tuple(fc.constantFrom('', 'linux/', path.resolve('linux') + path.sep, path.sep, '../'), fc.array(seg, { minLength: 1, maxLength: 3 }))
      .map(([start, parts]) => start + parts.join(path.sep));
    fc.assert(fc.property(fc.array(file, { maxLength: 30 }), fc.constantFrom('linux', process.cwd(), path.sep), (files, root) => {
      const want = { core: files.filter((f) => alone(f, root)), rest: files.filter((f) => !alone(f, root)) };
      expect(coreFirst(files, root)).toEqual(want);
    }), { numRuns: 500 });
  });
});
