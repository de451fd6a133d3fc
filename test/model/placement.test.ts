// Where symbolic device ranges are placed on a machine layout.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SYMBOLIC_SIZE, defaultLayout, devicePool, layoutFromDump } from '../../model/src/index';
import { ROOT, analyzeSource, options } from '../helpers';

const SMALL_PMEM = '00000000-00000fff : Reserved\n00001000-0009fbff : System RAM\n00100000-3fffffff : System RAM\n100000000-11fffffff : Persistent Memory\n';

describe('devicePool', () => {
  it('is the persistent-memory container of the layout', () => {
    const pool = devicePool(defaultLayout());
    expect(pool.end - pool.start + 1n).toBeGreaterThanOrEqual(DEFAULT_SYMBOLIC_SIZE);
  });

  it('passes over device memory too small for a symbolic range, and places it above the layout instead (found in review)', () => {
    const pool = devicePool(layoutFromDump(SMALL_PMEM, 'pmem512'));
    expect(pool.start).toBe(0x140000000n);
    expect(pool.end - pool.start + 1n).toBeGreaterThanOrEqual(DEFAULT_SYMBOLIC_SIZE);
  });

  it('keeps a driver\'s findings on a dump with 512 MiB of pmem', async () => {
    const text = fs.readFileSync(path.join(ROOT, 'examples', 'kmem_like.c'), 'utf8');
    const a = await analyzeSource(text, { ...options(), layout: layoutFromDump(SMALL_PMEM, 'pmem512') });
    expect(a.findings.map((f) => f.rule)).toEqual(['resource-busy-window', 'resource-flags-clobber']);
  });
});
