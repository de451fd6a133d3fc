// The CLI's one-scan prefilter answers as the per-prefilter regular expressions do.

import * as fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PREFILTER_WORDS, fileMentionsModel, mentionsModelGiven } from '../../server/src/analysis/facts';
import { PublishIndex, scanPublications } from '../../server/src/analysis/publish';
import { WordScanner } from '../../server/src/analysis/wordScan';
import { sampleFiles } from '../helpers';

const texts = sampleFiles().map((f) => fs.readFileSync(f, 'latin1'));

describe('WordScanner', () => {
  it('finds whole identifiers only', () => {
    const s = new WordScanner(['put_dax', 'kfree']);
    expect([...s.present('x = put_dax(d); my_put_dax(d); put_dax_x; kfree(p); kfreeze();')]).toEqual(['put_dax', 'kfree']);
    expect(new WordScanner([]).present('anything').size).toBe(0);
  });

  it('gives the model prefilter the same answer as its regular expressions, on every fixture and on fragments of them', () => {
    const scanner = new WordScanner(PREFILTER_WORDS);
    for (const t of texts) expect(mentionsModelGiven(scanner.present(t), t)).toBe(fileMentionsModel(t));
    fc.assert(fc.property(fc.integer({ min: 0, max: texts.length - 1 }), fc.nat(), fc.nat(), (k, a, b) => {
      const t = texts[k] as string;
      const frag = t.slice(Math.min(a, b) % (t.length + 1), Math.max(a, b) % (t.length + 1));
      return mentionsModelGiven(scanner.present(frag), frag) === fileMentionsModel(frag);
    }), { numRuns: 300 });
  });

  it('gives the published-globals prefilter the same answer', () => {
    const index = new PublishIndex();
    texts.forEach((t, i) => index.add(scanPublications(t, `f${i}.c`)));
    const paired = index.paired();
    expect(paired.size).toBeGreaterThan(0);
    const scanner = new WordScanner([...PREFILTER_WORDS, ...paired.names()]);
    for (const t of texts) expect(paired.plainAccessGiven(scanner.present(t), t)).toBe(paired.plainAccessIn(t));
  });
});
