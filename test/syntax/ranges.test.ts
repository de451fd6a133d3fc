// Parsing only stretches of a text (the CLI parses the functions it keeps, not the types and
// tables around them): nodes keep their offsets in the whole text, after non-ASCII text too.

import { describe, expect, it } from 'vitest';
import { CParser } from '../../server/src/syntax/parser';
import { findFunctions } from '../../server/src/syntax/functions';

describe('CParser.parse with ranges', () => {
  it('finds only the functions in the ranges, at their offsets in the whole text', async () => {
    const text = [
      '/* é€😀 */ static const char *banner = "ü";',
      'struct table { int a[4]; } t = { { 1, 2, 3, 4 } };',
      'static int skipped(void) { return 1; }',
      'static int kept(int x)',
      '{',
      '\treturn x + 1; /* ü */',
      '}',
      'int after(void) { return 2; }',
    ].join('\n');
    const start = text.indexOf('static int kept');
    const end = text.indexOf('}\nint after') + 1;
    const parser = await CParser.load();
    const tree = parser.parse(text, undefined, { ranges: [{ start, end }] });
    if (!tree) throw new Error('parse timed out');
    try {
      const fns = findFunctions(tree, text);
      expect(fns.map((f) => f.name)).toEqual(['kept']);
      expect(text.slice(fns[0]?.start, fns[0]?.end)).toBe(text.slice(start, end));
      expect(tree.rootNode.hasError).toBe(false);
      // The next whole parse of the same parser is not limited to the old ranges.
      const whole = parser.parse(text);
      expect(whole && findFunctions(whole, text).map((f) => f.name)).toEqual(['skipped', 'kept', 'after']);
      whole?.delete();
    } finally {
      tree.delete();
    }
  });
});
