// What the engine keeps per expression node: kept once, but never shared between the
// environments (a file's #defines) it was computed under.

import { describe, expect, it } from 'vitest';
import { builtinConstants, definesEnv } from '../../model/src/consteval';
import { constantOf, containsCall } from '../../server/src/engine/nodeFacts';
import { SNode, snapshot } from '../../server/src/syntax/snode';
import { withTree } from '../helpers';

async function expressionOf(src: string): Promise<SNode> {
  const text = `int f(void) { return ${src}; }`;
  return withTree(text, (tree) => {
    const ret = snapshot(tree.rootNode, { text }).find((n) => n.type === 'return_statement');
    const e = ret?.namedChildren[0];
    if (!e) throw new Error('no expression');
    return e;
  });
}

describe('constantOf', () => {
  it('evaluates a node under each environment it is asked with', async () => {
    const e = await expressionOf('WIDTH * 2');
    const narrow = definesEnv(new Map([['WIDTH', '4']]), builtinConstants);
    const wide = definesEnv(new Map([['WIDTH', '64']]), builtinConstants);
    expect(constantOf(e, narrow)).toBe(8n);
    expect(constantOf(e, wide)).toBe(128n);
    expect(constantOf(e, narrow)).toBe(8n);
  });

  it('remembers that a node is not constant', async () => {
    const e = await expressionOf('len * 2');
    const env = definesEnv(new Map(), builtinConstants);
    expect(constantOf(e, env)).toBeUndefined();
    expect(constantOf(e, env)).toBeUndefined();
  });
});

describe('containsCall', () => {
  it('finds calls, assignments and increments anywhere below the node', async () => {
    expect(containsCall(await expressionOf('a + f(b)'))).toBe(true);
    expect(containsCall(await expressionOf('a + (b = 2)'))).toBe(true);
    expect(containsCall(await expressionOf('a + b++'))).toBe(true);
    expect(containsCall(await expressionOf('a + b * 2'))).toBe(false);
  });
});
