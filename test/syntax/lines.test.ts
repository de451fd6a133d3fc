// Line starts are remembered for the last text only, and must answer for the text asked about.

import { describe, expect, it } from 'vitest';
import { lineOf, lineStarts } from '../../server/src/syntax/lines';

describe('lineStarts', () => {
  it('answers each text, also one of the same length after another (an edit that moves a line break)', () => {
    expect(Array.from(lineStarts('ab\ncd\n'))).toEqual([0, 3, 6]);
    expect(Array.from(lineStarts('a\nbcd\n'))).toEqual([0, 2, 6]);
    expect(Array.from(lineStarts('a\nbcd\n'))).toEqual([0, 2, 6]);
    expect(Array.from(lineStarts(''))).toEqual([0]);
    expect(Array.from(lineStarts('no break'))).toEqual([0]);
  });

  it('maps offsets to lines', () => {
    const starts = lineStarts('x\n\nyz\n');
    expect([0, 1, 2, 3, 4, 5, 6].map((o) => lineOf(starts, o))).toEqual([0, 0, 1, 2, 2, 2, 3]);
  });
});
