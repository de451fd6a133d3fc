// Prefilter shortcuts against the plain regular expressions they replaced, on every driver of
// Linux 6.12 that allocates with devm_k*alloc*(): the shortcut must not change an answer.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { devmTargets } from '../../model/src/contracts/index';
import { cFiles } from '../helpers';

const trees = JSON.parse(process.env.IOMEM_LENS_CORPUS_TREES ?? '{}') as Record<string, string>;
const tree = trees['6.12'] as string;

const ORACLE = /([A-Za-z_][\w.>\-[\]]*)\s*=\s*(?:\([^()]*\)\s*)?devm_k[mzc]alloc\w*\s*\(/g;

describe('prefilter shortcuts on Linux 6.12 drivers', () => {
  it('devmTargets() finds the assignment targets the regular expression found', () => {
    let checked = 0;
    for (const f of cFiles(path.join(tree, 'drivers'), /\.c$/)) {
      const text = fs.readFileSync(f, 'latin1');
      if (!/devm_k[mzc]alloc/.test(text)) continue;
      const want = [...new Set([...text.matchAll(ORACLE)].map((m) => (m[1] as string).replace(/\s+/g, '')))].sort();
      expect([...devmTargets(text)].sort(), f).toEqual(want);
      checked++;
    }
    expect(checked).toBeGreaterThan(3000);
  }, 600_000);
});
