// Reading source text as code for quick fixes: literals and comments are not code.

import { describe, expect, it } from 'vitest';
import { closingBrace, nextWord, replaceInCode, simpleStatementEnd } from '../../server/src/syntax/codeScan';

describe('codeScan', () => {
  it('matches a brace past braces in strings, characters and comments', () => {
    const t = `{ pr_err("}"); c = '}'; /* } */ // }\n x = 1; }tail`;
    expect(t.slice(closingBrace(t, 0))).toBe('tail');
    expect(closingBrace('{ "unterminated', 0)).toBeUndefined();
  });

  it('ends a simple statement at its own semicolon, and not one that holds others', () => {
    const t = ' return f(a, ";", g(b)); next;';
    expect(t.slice(0, simpleStatementEnd(t, 0))).toBe(' return f(a, ";", g(b));');
    expect(simpleStatementEnd(' if (x) y;', 0)).toBeUndefined();
    expect(simpleStatementEnd(' /* c */ { y; }', 0)).toBeUndefined();
    expect(simpleStatementEnd(' y) ;', 0)).toBeUndefined();
  });

  it('finds the next word past blanks and comments', () => {
    expect(nextWord(' /* } */\n\t// x\n  else {', 0)).toBe('else');
    expect(nextWord('  (x)', 0)).toBeUndefined();
  });

  it('replaces whole expressions in code only', () => {
    const t = 'if (IS_ERR(fs->dax)) { fs->dax_ops = 0; x->fs->dax = 1; pr("fs->dax"); /* fs->dax */ return PTR_ERR(fs->dax); }';
    expect(replaceInCode(t, 'fs->dax', 'dax_dev')).toBe('if (IS_ERR(dax_dev)) { fs->dax_ops = 0; x->fs->dax = 1; pr("fs->dax"); /* fs->dax */ return PTR_ERR(dax_dev); }');
    expect(replaceInCode('a.b + ab.b + a.bc', 'a.b', 'z')).toBe('z + ab.b + a.bc');
  });
});
