// The maps of a path state: what clones share and what they keep apart.

import { describe, expect, it } from 'vitest';
import { Bindings } from '../../server/src/engine/cowMap';

const ptr = (h: number) => ({ k: 'ptr', obj: { kind: 'mem', h } }) as never;

describe('Bindings.pointers', () => {
  it('lists the entries that point at modeled objects, each clone its own', () => {
    const a = new Bindings([['x', { k: 'int', v: 1n }], ['p', ptr(1)]]);
    const b = a.clone();
    b.set('q', ptr(2));
    b.set('p', { k: 'null' });
    a.delete('x');
    expect([...a.pointers()].map(([k]) => k)).toEqual(['p']);
    expect([...b.pointers()].map(([k]) => k)).toEqual(['q']);
    b.delete('q');
    expect([...b.pointers()]).toEqual([]);
  });
});

describe('Bindings.mayHaveFieldsOf', () => {
  it('knows every lvalue a key has been a field or element of, in the bindings and all their clones', () => {
    const a = new Bindings([['dev->res.start', { k: 'int', v: 1n }]]);
    expect(a.mayHaveFieldsOf('dev')).toBe(true);
    expect(a.mayHaveFieldsOf('dev->res')).toBe(true);
    expect(a.mayHaveFieldsOf('dev->res.start')).toBe(false);
    expect(a.mayHaveFieldsOf('ret')).toBe(false);
    const b = a.clone();
    b.set('tbl[i]', { k: 'int', v: 2n });
    // Shared and only growing: an over-approximation for every state of the walk.
    expect(a.mayHaveFieldsOf('tbl')).toBe(true);
    b.delete('tbl[i]');
    expect(b.mayHaveFieldsOf('tbl')).toBe(true);
    expect(b.mayHaveFieldsOf('tb')).toBe(false);
  });
});
