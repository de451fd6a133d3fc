// Line starts are remembered for the last text only, and must answer for the text asked about.

import { describe, expect, it } from 'vitest';
import { editLineStarts, lineOf, lineStarts } from '../../server/src/syntax/lines';

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

/** Line starts read from the text itself, without the cache. */
function readStarts(text: string): number[] {
  const out = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') out.push(i + 1);
  return out;
}

describe('editLineStarts', () => {
  it('gives what reading the edited text gives, for random edits that add, drop and keep line breaks', () => {
    let seed = 12345;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const pieces = ['', 'a', '\n', 'ab\ncd', '\r\n', '\n\n', 'x\ny\nz'];
    let text = 'int f(void)\n{\n\treturn 0;\n}\n';
    let starts = lineStarts(text);
    for (let i = 0; i < 2000; i++) {
      const start = random(text.length + 1);
      const end = Math.min(text.length, start + random(6));
      const inserted = pieces[random(pieces.length)] as string;
      starts = editLineStarts(starts, start, end, inserted);
      text = text.slice(0, start) + inserted + text.slice(end);
      expect(Array.from(starts)).toEqual(readStarts(text));
    }
  });
});

describe('the document store', () => {
  it('keeps a document line starts through incremental changes, the answer lineStarts() then gives', async () => {
    const { DocumentStore } = await import('../../server/src/lsp/documents');
    const { CParser } = await import('../../server/src/syntax/parser');
    const store = new DocumentStore(await CParser.load());
    const uri = 'file:///l.c';
    store.open(uri, 'c', 1, 'int a;\nint b;\n');
    const changes = [
      { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'int c;\nint d;\n' },
      { range: { start: { line: 0, character: 3 }, end: { line: 2, character: 2 } }, text: '' },
      // Reversed ends, as some clients send them: read as the editor reads them.
      { range: { start: { line: 1, character: 4 }, end: { line: 0, character: 1 } }, text: '\n\n' },
      // Past the end: clamped.
      { range: { start: { line: 9, character: 0 }, end: { line: 9, character: 0 } }, text: 'int e;\n' },
    ];
    let version = 1;
    for (const c of changes) {
      const d = store.change(uri, ++version, [c])!;
      const text = d.doc.getText();
      expect(Array.from(d.lines)).toEqual(readStarts(text));
      expect(lineStarts(text)).toBe(d.lines);
    }
    store.close(uri);
  });
});
