// A path state's write log: forks share what was written before them and add their own.

import { describe, expect, it } from 'vitest';
import { defaultLayout } from '../../model/src/index';
import { PathState, logStep } from '../../server/src/engine/state';
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

describe('PathState.modelKey', () => {
  const site = { start: 0, end: 1, line: 0, col: 0, endLine: 0, endCol: 1 };
  const requested = (): PathState => {
    const st = new PathState(defaultLayout());
    st.ops.push(logStep({ kind: 'request_region', parent: { kind: 'iomem' }, start: 0x1000n, size: 0x1000n, name: 'x', flags: 0 }, true, site, site, 'request_mem_region', 0));
    return st;
  };

  it('tells apart paths that resource-leak judges apart: a write to outliving memory, or a release attempt, after an op', () => {
    // Past a node's state cap only a new model history gets through: a path that leaks a
    // region and one that left the caller a cue (a field it wrote) after requesting it must
    // not be one history (a corpus leak was lost that way once loops ran as documented).
    const plain = requested();
    const wrote = requested();
    wrote.nonLocalWrites.push(1);
    const released = requested();
    released.releaseCalls.push(1);
    expect(new Set([plain.modelKey(), wrote.modelKey(), released.modelKey()]).size).toBe(3);
    // The same writes after the same ops: one history.
    const wroteToo = requested();
    wroteToo.nonLocalWrites.push(0, 1);
    expect(wroteToo.modelKey()).toBe(wrote.modelKey());
  });

  it('leaves them out when no region the path holds comes before them', () => {
    const devm = (): PathState => {
      const st = new PathState(defaultLayout());
      st.ops.push(logStep({ kind: 'request_region', parent: { kind: 'iomem' }, start: 0x1000n, size: 0x1000n, name: 'x', flags: 0, devm: true }, true, site, site, 'devm_request_mem_region', 0));
      return st;
    };
    const wrote = devm();
    wrote.nonLocalWrites.push(1);
    expect(wrote.modelKey()).toBe(devm().modelKey());
  });

  it('leaves them out before any op (nothing for a leak to hold yet)', () => {
    const a = new PathState(defaultLayout());
    const b = new PathState(defaultLayout());
    b.nonLocalWrites.push(0);
    b.releaseCalls.push(0);
    expect(b.modelKey()).toBe(a.modelKey());
  });
});
