// A path's write counts (engine/versions.ts): what forks share and what they keep apart.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Versions } from '../../server/src/engine/versions';

describe('Versions', () => {
  it('behaves as independent counters under any sequence of forks and writes', () => {
    // Four holders against a plain Map copied at every fork; twenty names, so that the names
    // written lately join the shared rest (more than eight) in many sequences.
    const op = fc.oneof(
      fc.record({ kind: fc.constant('fork' as const), from: fc.nat(3), to: fc.nat(3) }),
      fc.record({ kind: fc.constant('bump' as const), at: fc.nat(3), name: fc.nat(19) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
      const vs = Array.from({ length: 4 }, () => new Versions());
      const refs = Array.from({ length: 4 }, () => new Map<string, number>());
      for (const o of ops) {
        if (o.kind === 'fork') {
          vs[o.to] = (vs[o.from] as Versions).clone();
          refs[o.to] = new Map(refs[o.from]);
        } else {
          const name = `n${o.name}`;
          vs[o.at]?.bump(name);
          refs[o.at]?.set(name, (refs[o.at]?.get(name) ?? 0) + 1);
        }
        for (let i = 0; i < 4; i++) {
          for (let n = 0; n < 20; n++) expect(vs[i]?.get(`n${n}`)).toBe(refs[i]?.get(`n${n}`) ?? 0);
        }
      }
    }), { numRuns: 300 });
  });

  it('counts a name written many times on one path, past the shared rest', () => {
    const v = new Versions();
    for (let i = 0; i < 30; i++) v.bump(`x${i % 12}`);
    const fork = v.clone();
    fork.bump('x0');
    expect(v.get('x0')).toBe(3);
    expect(fork.get('x0')).toBe(4);
    expect(fork.get('x11')).toBe(2);
    expect(v.get('never')).toBe(0);
  });
});
