// A path state's write log: forks share what was written before them and add their own.

import { describe, expect, it } from 'vitest';
import { defaultLayout } from '../../model/src/index';
import { PathState } from '../../server/src/engine/state';
import { CParser } from '../../server/src/syntax/parser';
import { snapshot } from '../../server/src/syntax/snode';

describe('PathState.lastWrite', () => {
  it('answers the newest write of a key on the path, and a fork keeps its writes to itself', async () => {
    const text = 'void f(void)\n{\n\ta = 1;\n\tb = 2;\n\ta = 3;\n}\n';
    const parser = await CParser.load();
    const tree = parser.parse(text)!;
    const root = snapshot(tree.rootNode, { text });
    tree.delete();
    const assigns: ReturnType<typeof root.find>[] = [];
    root.walk((n) => {
      if (n.type === 'assignment_expression') assigns.push(n);
    });
    const [a1, b2, a3] = assigns as NonNullable<(typeof assigns)[number]>[];
    const st = new PathState(defaultLayout());
    st.noteWrite('a', a1!);
    const fork = st.fork();
    fork.noteWrite('b', b2!);
    fork.noteWrite('a', a3!);
    expect(st.lastWrite('a')?.line).toBe(2);
    expect(st.lastWrite('b')).toBeUndefined();
    expect(fork.lastWrite('a')).toMatchObject({ line: 4, col: 1, start: a3!.start, end: a3!.end });
    expect(fork.lastWrite('b')?.line).toBe(3);
  });
});
