// tokenText(): the form helper texts enter the function cache key in. Two texts with the same
// form must parse to the same tree, or a cached result would outlive a change that matters.

import * as fs from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { tokenText, withoutComments } from '../../server/src/syntax/tokens';
import { CParser } from '../../server/src/syntax/parser';
import { sampleFiles } from '../helpers';

describe('tokenText', () => {
  it('drops comments and the blanks no token needs', () => {
    expect(tokenText('a = b /* c */ + c; // why\n\tf (x ,y) ;')).toBe(tokenText('a=b+c;\nf(x,y);'));
    expect(tokenText('p ->dev')).toBe(tokenText('p->dev'));
  });

  it('keeps the blanks that keep two tokens apart, line breaks, literals and preprocessor lines', () => {
    const differ = [
      ['int x;', 'intx;'], ['a - -b', 'a --b'], ['a + +b', 'a ++b'], ['x = 1 .5;', 'x = 1.5;'], ['x = 1e +5;', 'x = 1e+5;'],
      ['L "x"', 'L"x"'], ['s = "a  b";', 's = "a b";'], ["c = ' ';", "c = '  ';"], ['#define A (x)', '#define A(x)'],
      ['#ifdef X\nf();', '#ifdef X f();'], ['a\nb', 'a b'],
      ['return - 1;', 'return -1;'], ['x = a + .5;', 'x = a +.5;'],
      // The number the output ends with begins in an earlier piece (tracked as it grows, not read back).
      ['x = 1/2 .5;', 'x = 1/2.5;'], ["x = 'a'1 .5;", "x = 'a'1.5;"],
    ];
    for (const [a, b] of differ) expect(tokenText(a as string), `${a} / ${b}`).not.toBe(tokenText(b as string));
  });

  describe('on real code', () => {
    let parser: CParser;
    beforeAll(async () => {
      parser = await CParser.load();
    });
    const texts = sampleFiles().map((f) => fs.readFileSync(f, 'utf8')).filter((t) => t.length < 20_000);
    const shape = (t: string): string => {
      const tree = parser.parse(t);
      if (!tree) throw new Error('parse timed out');
      try {
        return tree.rootNode.toString();
      } finally {
        tree.delete();
      }
    };

    /** Whether the parser recovers from an error in the top-level item around `i` (where a blank may move its recovery). */
    const inError = (t: string, i: number): boolean => {
      const tree = parser.parse(t);
      if (!tree) throw new Error('parse timed out');
      try {
        for (let n: ReturnType<typeof tree.rootNode.descendantForIndex> = tree.rootNode.descendantForIndex(Math.max(0, i - 1), i); n?.parent; n = n.parent) {
          if (n.hasError) return true;
        }
        return false;
      } finally {
        tree.delete();
      }
    };

    it('gives the same form only to texts that parse to the same tree (a blank typed anywhere outside error recovery)', () => {
      let same = 0;
      fc.assert(fc.property(fc.integer({ min: 0, max: texts.length - 1 }), fc.nat(), fc.constantFrom(' ', '\n', '\t'), (k, at, blank) => {
        const t = texts[k] as string;
        const i = at % (t.length + 1);
        if (inError(t, i)) return;
        const edited = t.slice(0, i) + blank + t.slice(i);
        if (tokenText(edited) !== tokenText(t)) return;
        same++;
        expect(shape(edited)).toBe(shape(t));
      }), { numRuns: 400 });
      // Most blanks typed into code change nothing the parser sees: the property was exercised.
      expect(same).toBeGreaterThan(100);
    });
  });
});

describe('tokenText(t, { lines: false }): a piece of an expression as its tokens read', () => {
  it('drops blanks, line breaks and comments between tokens, keeping literals and the blanks that part two words', () => {
    expect(tokenText('dev_name( dev )', { lines: false })).toBe('dev_name(dev)');
    expect(tokenText('res ->\n\tstart + /* base */ off', { lines: false })).toBe('res->start+off');
    expect(tokenText('sizeof(struct  resource)', { lines: false })).toBe('sizeof(struct resource)');
    expect(tokenText('"System RAM  (kmem)"', { lines: false })).toBe('"System RAM  (kmem)"');
    // Blanks a tree's form does not hold either (found in review): after a number, before a signed one.
    expect(tokenText('names[1 ]', { lines: false })).toBe(tokenText('names[1]', { lines: false }));
    expect(tokenText('names[i - 1]', { lines: false })).toBe(tokenText('names[i -1]', { lines: false }));
    expect(tokenText('unsigned  long', { lines: false })).toBe('unsigned long');
  });

  it('ends a literal a line break cuts short before the break: the parser reads the same tokens however many breaks follow', () => {
    expect(tokenText('"\n\ngrab"', { lines: false })).toBe(tokenText('"\ngrab"', { lines: false }));
    expect(tokenText('"\ngrab"', { lines: false })).not.toContain('\n');
    // With lines kept (a function's key) the break stays part of what is compared.
    expect(tokenText('"\n\ngrab"')).not.toBe(tokenText('"\ngrab"'));
  });
});

describe('withoutComments', () => {
  it('leaves each comment as a blank and literals as they are', () => {
    expect(withoutComments('h./* the device */dax')).toBe('h. dax');
    expect(withoutComments('a // note\n+ b')).toBe('a  \n+ b');
    expect(withoutComments('"a /* not */ b" /* c */')).toBe('"a /* not */ b"  ');
    expect(withoutComments("c == '/' /* d")).toBe("c == '/'  ");
    expect(withoutComments('x / y')).toBe('x / y');
  });
});
