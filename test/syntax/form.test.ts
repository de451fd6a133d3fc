// formHash(): a subtree's kinds, nesting and token texts, without comments or blanks.

import { describe, expect, it } from 'vitest';
import { withApiCursors } from '../../server/src/syntax/cursor';
import { formHash } from '../../server/src/syntax/form';
import { withTree } from '../helpers';

/** formHash() of `text`'s tree, which the public cursor API must give too. */
function form(text: string): Promise<string> {
  return withTree(text, (tree) => {
    const direct = formHash(tree.rootNode, text);
    expect(withApiCursors(() => formHash(tree.rootNode, text))).toBe(direct);
    return direct;
  });
}

describe('formHash', () => {
  it('is the same across blanks and comments, and tells tokens, nesting and missing tokens apart', async () => {
    const base = await form('int f(int a)\n{\n\treturn a + 1;\n}\n');
    expect(await form('int  f( int a )\n{\n\t/* why */ return a+1; // so\n}\n')).toBe(base);
    expect(await form('int f(int a)\n{\n\treturn a + 2;\n}\n')).not.toBe(base);
    expect(await form('int f(int a)\n{\n\treturn (a + 1);\n}\n')).not.toBe(base);
    expect(await form('int f(int a)\n{\n\t{ return a + 1; }\n}\n')).not.toBe(base);
    // `return a + 1` without its `;`: the parser makes one up.
    expect(await form('int f(int a)\n{\n\treturn a + 1\n}\n')).not.toBe(base);
  });

  it('tells apart two trees error recovery made of the same tokens', async () => {
    const text = (blank: string): string => `int f(int a)\n{\n\t*${blank}{ , ) : = @@ ; (;\n\treturn a;\n}\n`;
    expect(await form(text(' '))).not.toBe(await form(text('  ')));
  });
});
