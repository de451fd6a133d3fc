// The byte scan of the prefilter finds exactly what `\b(?:words)\b` finds in the decoded text.

import * as fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PREFILTER_WORDS } from '../../server/src/analysis/facts';
import { ByteScanner } from '../../server/src/analysis/byteScan';
import { WordScanner } from '../../server/src/analysis/wordScan';
import { sampleFiles } from '../helpers';

/** The specification: JavaScript's regular expression over the latin1 decoding. */
function oracle(words: readonly string[], bytes: Uint8Array): string[] {
  if (!words.length) return [];
  const sorted = [...new Set(words)].sort((a, b) => b.length - a.length);
  const re = new RegExp(`\\b(?:${sorted.join('|')})\\b`, 'g');
  return [...new Set([...Buffer.from(bytes).toString('latin1').matchAll(re)].map((m) => m[0]))].sort();
}

function found(words: readonly string[], bytes: Uint8Array): string[] {
  return [...new ByteScanner(words).present(bytes)].sort();
}

// Few letters, so that words share prefixes and suffixes and texts are full of near misses.
const word = fc.stringMatching(/^[ab_1]{1,9}$/);
const words = fc.uniqueArray(word, { minLength: 1, maxLength: 6 });
const piece = (ws: readonly string[]): fc.Arbitrary<string> => fc.oneof(
  fc.constantFrom(...ws),
  fc.constantFrom(' ', '(', '\n', '\u00e9', '\u00ff', '\u0080', '0', 'x', '_', 'a', 'b'),
  fc.stringMatching(/^[ab_1 ()]{0,12}$/),
);
/** Texts of a few windows up to several thousand (four cursors from 1024 windows on). */
const case_ = words.chain((ws) => fc.tuple(fc.constant(ws), fc.array(piece(ws), { maxLength: 1500, size: 'max' })));

describe('ByteScanner', () => {
  it('finds what the regular expression finds, for any words and any bytes', () => {
    fc.assert(fc.property(case_, ([ws, parts]) => {
      const bytes = Buffer.from(parts.join(''), 'latin1');
      const want = oracle(ws, bytes);
      expect(found(ws, bytes)).toEqual(want);
      expect(new ByteScanner(ws).any(bytes)).toBe(want.length > 0);
    }), { numRuns: 400 });
  });

  it('finds a word at every position of a long text: the ends, and either side of where the cursors split it', () => {
    const ws = ['request_mem_region', 'request_mem_region_muxed', 'kfree'];
    const scanner = new ByteScanner(ws);
    const filler = 'x'.repeat(5000);
    for (const w of ['request_mem_region', 'kfree', 'request_mem_region_muxed']) {
      for (let at = 0; at <= filler.length; at++) {
        const bytes = Buffer.from(`${filler.slice(0, at).replace(/x$/, ' ')}${w}${filler.slice(at).replace(/^x/, ' ')}`, 'latin1');
        expect([...scanner.present(bytes)]).toEqual([w]);
        expect(scanner.any(bytes)).toBe(true);
      }
    }
  });

  it('reads no word out of a longer identifier or one glued to a non-ASCII byte it is not part of', () => {
    const s = new ByteScanner(['put_dax', 'kfree']);
    expect([...s.present(Buffer.from('my_put_dax(d); put_dax_x; kfreeze(); 0kfree'))]).toEqual([]);
    expect([...s.present(Buffer.from([0xe9, ...Buffer.from('kfree'), 0xff]))]).toEqual(['kfree']);
  });

  it('handles one-letter words, words longer than a byte can move, and no words', () => {
    expect(found(['G', 'kfree'], Buffer.from('x = G; kfree(G2);'))).toEqual(['G', 'kfree']);
    const long = `a${'b'.repeat(300)}`;
    expect(found([long], Buffer.from(`${'z '.repeat(1000)}${long} `))).toEqual([long]);
    expect(found([long], Buffer.from(`${'z '.repeat(1000)}${long}b`))).toEqual([]);
    expect(new ByteScanner([]).present(Buffer.from('kfree')).size).toBe(0);
    expect(new ByteScanner([]).any(Buffer.from('kfree'))).toBe(false);
    expect(() => new ByteScanner(['a-b'])).toThrow(/identifiers/);
  });

  it('answers as the regular expression on every sample file, for the model prefilter words', () => {
    for (const f of sampleFiles()) {
      const bytes = fs.readFileSync(f);
      expect(found(PREFILTER_WORDS, bytes)).toEqual(oracle(PREFILTER_WORDS, bytes));
    }
  });
});

describe('WordScanner', () => {
  it('gives a file the same answer as bytes and as text', () => {
    const scanner = new WordScanner([...PREFILTER_WORDS, 'G']);
    for (const f of sampleFiles()) {
      const bytes = fs.readFileSync(f);
      const text = bytes.toString('latin1');
      expect([...scanner.present(bytes)].sort()).toEqual([...scanner.present(text)].sort());
      expect(scanner.any(bytes)).toBe(scanner.any(text));
    }
  });
});
