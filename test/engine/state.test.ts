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

describe('PathState.fork', () => {
  it('gives the fork its own loop counts, escaped and clobbered objects, memory and mappings, empty or not', () => {
    const st = new PathState(defaultLayout());
    // Empty in the parent (copied without reading them), then filled: neither side sees the other's.
    const empty = st.fork();
    empty.loops.set(1, 1);
    empty.escaped.add(7);
    empty.clobbered.add(7);
    empty.mem.set(7, { freed: false } as never);
    empty.remapped.set('&p->pgmap', { devm: true, op: 0 });
    expect([st.loops.size, st.escaped.size, st.clobbered.size, st.mem.size, st.remapped.size]).toEqual([0, 0, 0, 0, 0]);
    // Filled in the parent: the fork starts with the same entries and changes its own.
    const full = empty.fork();
    expect([...full.loops]).toEqual([[1, 1]]);
    expect([...full.escaped]).toEqual([7]);
    expect([...full.remapped.keys()]).toEqual(['&p->pgmap']);
    full.loops.set(1, 2);
    full.escaped.add(8);
    full.clobbered.delete(7);
    full.mem.delete(7);
    full.remapped.delete('&p->pgmap');
    expect([...empty.loops]).toEqual([[1, 1]]);
    expect([...empty.escaped]).toEqual([7]);
    expect([...empty.clobbered]).toEqual([7]);
    expect([...empty.mem.keys()]).toEqual([7]);
    expect([...empty.remapped.keys()]).toEqual(['&p->pgmap']);
  });
});
