// The maps of a path state: what clones share and what they keep apart.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Bindings, CowMap } from '../../server/src/engine/cowMap';

const ptr = (h: number) => ({ k: 'ptr', obj: { kind: 'mem', h } }) as never;

describe('CowMap', () => {
  it('behaves as independent maps under any sequence of clones, writes and deletes', () => {
    // Each of up to four holders against a plain Map copied at every clone.
    const op = fc.oneof(
      fc.record({ kind: fc.constant('clone' as const), from: fc.nat(3), to: fc.nat(3) }),
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(3), k: fc.nat(5), v: fc.nat(9) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(3), k: fc.nat(5) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const cows = Array.from({ length: 4 }, () => new CowMap<number, number>([[0, 0]]));
      const refs = Array.from({ length: 4 }, () => new Map<number, number>([[0, 0]]));
      for (const o of ops) {
        if (o.kind === 'clone') {
          cows[o.to] = (cows[o.from] as CowMap<number, number>).clone();
          refs[o.to] = new Map(refs[o.from]);
        } else if (o.kind === 'set') {
          cows[o.at]?.set(o.k, o.v);
          refs[o.at]?.set(o.k, o.v);
        } else {
          expect(cows[o.at]?.delete(o.k)).toBe(refs[o.at]?.delete(o.k));
        }
        cows.forEach((c, i) => expect([...c]).toEqual([...(refs[i] as Map<number, number>)]));
      }
    }), { numRuns: 300 });
  });
});

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

describe('Bindings.holdsModelValue', () => {
  it('counts the entries holding a value the model produced, through overwrites, deletes and clones', () => {
    const b = new Bindings();
    b.set('x', { k: 'int', v: 1n } as never);
    expect(b.holdsModelValue()).toBe(false);
    b.set('res', ptr(1));
    b.set('rc', { k: 'status', ok: false, code: -16 } as never);
    const c = b.clone();
    b.set('res', { k: 'null' } as never);
    expect(b.holdsModelValue()).toBe(true);
    b.delete('rc');
    expect(b.holdsModelValue()).toBe(false);
    expect(c.holdsModelValue()).toBe(true);
    c.set('rc', { k: 'int', v: 0n } as never);
    c.delete('res');
    expect(c.holdsModelValue()).toBe(false);
  });
});
