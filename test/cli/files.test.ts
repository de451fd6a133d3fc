// listFiles(): each file once, however the operands overlap, without resolving every file
// when they cannot.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { listFiles } from '../../server/src/cli/files';

// realpathSync() counted (a namespace export cannot be spied on).
const resolved = vi.hoisted(() => ({ calls: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const realpathSync = ((p: fs.PathLike, o?: unknown) => {
    resolved.calls++;
    return real.realpathSync(p, o as undefined);
  }) as typeof real.realpathSync;
  return { ...real, realpathSync, default: { ...real, realpathSync } };
});

function tree(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-files-'));
  for (const d of ['kernel', 'mm', 'mm/damon']) fs.mkdirSync(path.join(dir, d));
  for (const f of ['kernel/resource.c', 'mm/memory_hotplug.c', 'mm/damon/ops.c', 'mm/internal.h']) fs.writeFileSync(path.join(dir, f), '');
  return dir;
}

describe('listFiles', () => {
  it('lists sibling directories in full, without resolving each file (the core directories of a tree)', () => {
    const dir = tree();
    resolved.calls = 0;
    const files = listFiles([path.join(dir, 'kernel'), path.join(dir, 'mm')]).files;
    expect(files.map((f) => path.relative(dir, f))).toEqual(['kernel/resource.c', 'mm/damon/ops.c', 'mm/internal.h', 'mm/memory_hotplug.c']);
    // One per operand, not one per file.
    expect(resolved.calls).toBe(2);
  });

  it('lists a file once where operands overlap: a directory under another, a file under one, a link to one', () => {
    const dir = tree();
    fs.symlinkSync(path.join(dir, 'mm'), path.join(dir, 'mmlink'));
    const rel = (ops: string[]) => listFiles(ops.map((o) => path.join(dir, o))).files.map((f) => path.relative(dir, f));
    expect(rel(['mm', 'mm/damon'])).toEqual(['mm/damon/ops.c', 'mm/internal.h', 'mm/memory_hotplug.c']);
    expect(rel(['mm/internal.h', 'mm'])).toEqual(['mm/internal.h', 'mm/damon/ops.c', 'mm/memory_hotplug.c']);
    expect(rel(['mm', 'mmlink'])).toEqual(['mm/damon/ops.c', 'mm/internal.h', 'mm/memory_hotplug.c']);
    expect(rel(['mm', 'mm'])).toEqual(['mm/damon/ops.c', 'mm/internal.h', 'mm/memory_hotplug.c']);
  });
});

describe('listFiles with many operands (found in review: every pair was compared, 21 s for 20,000)', () => {
  it('finds an operand under another wherever the others sort between them', () => {
    const dir = tree();
    const rel = (ops: string[]) => listFiles(ops.map((o) => path.join(dir, o))).files.map((f) => path.relative(dir, f));
    // Sorted: mm/, mm/damon/ops.c/, mm/internal.h/, ... the prefix is a neighbour of one under it.
    expect(rel(['mm/internal.h', 'kernel', 'mm/damon/ops.c', 'mm'])).toEqual(['mm/internal.h', 'kernel/resource.c', 'mm/damon/ops.c', 'mm/memory_hotplug.c']);
    const many = Array.from({ length: 2_000 }, (_, i) => `missing${i}.c`);
    expect(rel([...many, 'kernel/resource.c', 'kernel'])).toEqual(['kernel/resource.c']);
  });
});
