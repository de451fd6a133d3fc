// devmTargets() finds what the one global regular expression it replaced found, only faster.

import * as fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { devmTargets } from '../../model/src/contracts/index';
import { sampleFiles } from '../helpers';

/** The expression devmTargets() replaced: it tries every identifier of the text as a target. */
const ORACLE = /([A-Za-z_][\w.>\-[\]]*)\s*=\s*(?:\([^()]*\)\s*)?devm_k[mzc]alloc\w*\s*\(/g;
const oracle = (text: string): string[] => [...new Set([...text.matchAll(ORACLE)].map((m) => (m[1] as string).replace(/\s+/g, '')))].sort();
const targets = (text: string): string[] => [...devmTargets(text)].sort();

describe('devmTargets', () => {
  it('finds the lvalues devm_k*alloc*() results are stored in', () => {
    expect(targets('p = devm_kzalloc(dev, sizeof(*p), GFP_KERNEL);\n  priv->buf = (u8 *) devm_kmalloc_array(dev, n, 1, 0);\n' +
      'x[i] =\n\tdevm_kcalloc(dev, 2, 4, 0); y = kzalloc(4, 0); z == devm_kzalloc(d, 1, 0);')).toEqual(['p', 'priv->buf', 'x[i]']); // z == ... compares
    expect(targets('return devm_kzalloc(dev, 4, GFP_KERNEL);')).toEqual([]);
  });

  it('answers as the regular expression it replaced on every fixture', () => {
    for (const f of sampleFiles()) {
      const text = fs.readFileSync(f, 'latin1');
      expect(targets(text), f).toEqual(oracle(text));
    }
  });

  it('answers as the regular expression it replaced on generated C fragments', () => {
    const piece = fc.constantFrom('p', 'priv', '->', '.', 'buf', '[i]', ' ', '\n', '=', '==', '(', ')', '(u8 *)', ';', ',', 'devm_kzalloc', 'devm_kmalloc_array',
      'devm_kcalloc', 'kzalloc', '(dev, 4, GFP_KERNEL)', 'x1', '_', '-', '>', 'return ');
    fc.assert(fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
      const text = parts.join('');
      expect(targets(text)).toEqual(oracle(text));
    }), { numRuns: 3000 });
  });
});
