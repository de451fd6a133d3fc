// Property tests: random operation sequences keep the tree's invariants, and
// release_resource / remove_resource differ exactly on the children.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IORESOURCE_BUSY, IORESOURCE_MEM, Resource, ResourceTree } from '../../model/src/index';

type Op =
  | { k: 'request'; start: number; len: number; busy: boolean }
  | { k: 'insert'; start: number; len: number }
  | { k: 'release'; pick: number }
  | { k: 'remove'; pick: number }
  | { k: 'releaseRegion'; pick: number }
  | { k: 'clearBusy'; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ k: fc.constant('request' as const), start: fc.integer({ min: 0, max: 250 }), len: fc.integer({ min: 1, max: 64 }), busy: fc.boolean() }),
  fc.record({ k: fc.constant('insert' as const), start: fc.integer({ min: 0, max: 250 }), len: fc.integer({ min: 1, max: 120 }) }),
  fc.record({ k: fc.constant('release' as const), pick: fc.nat() }),
  fc.record({ k: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ k: fc.constant('releaseRegion' as const), pick: fc.nat() }),
  fc.record({ k: fc.constant('clearBusy' as const), pick: fc.nat() }),
);

function linked(t: ResourceTree): Resource[] {
  return [...t.walk()].map((x) => x.res);
}

/** Siblings sorted and disjoint, children inside their parent, parent pointers consistent. */
function checkInvariants(t: ResourceTree): void {
  const visit = (p: Resource): void => {
    let prev: Resource | undefined;
    for (let c = p.child; c; c = c.sibling) {
      expect(c.parent).toBe(p);
      expect(c.start).toBeGreaterThanOrEqual(p.start);
      expect(c.end).toBeLessThanOrEqual(p.end);
      expect(c.start).toBeLessThanOrEqual(c.end);
      if (prev) expect(prev.end).toBeLessThan(c.start);
      prev = c;
      visit(c);
    }
  };
  visit(t.root);
}

function apply(t: ResourceTree, o: Op): void {
  const all = linked(t);
  const pick = (n: number): Resource | undefined => all[n % Math.max(all.length, 1)];
  switch (o.k) {
    case 'request': {
      const r = t.requestRegion(t.root, BigInt(o.start), BigInt(o.len), `r${o.start}`).res;
      // A request that is not BUSY stands for a container others may nest in.
      if (r && !o.busy) r.flags = (r.flags & ~IORESOURCE_BUSY) >>> 0;
      break;
    }
    case 'insert':
      t.insertResource(t.root, t.alloc({ name: `i${o.start}`, start: BigInt(o.start), end: BigInt(o.start + o.len - 1), flags: IORESOURCE_MEM }));
      break;
    case 'release': { const r = pick(o.pick); if (r) t.releaseResource(r); break; }
    case 'remove': { const r = pick(o.pick); if (r) t.removeResource(r); break; }
    case 'releaseRegion': { const r = pick(o.pick); if (r) t.releaseRegion(t.root, r.start, r.end - r.start + 1n); break; }
    case 'clearBusy': { const r = pick(o.pick); if (r) r.flags = (r.flags & ~IORESOURCE_BUSY) >>> 0; break; }
  }
}

describe('resource tree properties', () => {
  it('random request/insert/release/remove sequences keep the invariants', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
      const t = new ResourceTree({ name: 'root', start: 0n, end: 0x1ffn, flags: IORESOURCE_MEM });
      for (const o of ops) {
        apply(t, o);
        checkInvariants(t);
      }
    }), { numRuns: 300 });
  });

  it('release_resource and remove_resource differ exactly on the children', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 30 }), fc.nat(), (ops, pick) => {
      const t = new ResourceTree({ name: 'root', start: 0n, end: 0x1ffn, flags: IORESOURCE_MEM });
      for (const o of ops) apply(t, o);
      const all = linked(t);
      if (!all.length) return;
      const victim = all[pick % all.length] as Resource;
      const descendants = new Set([...t.walk(victim)].map((x) => x.res.id));
      const children = t.children(victim).map((c) => c.id);
      const before = new Set(all.map((r) => r.id));
      const a = t.clone();
      const b = t.clone();
      expect(a.releaseResource(a.get(victim.id)!)).toBe(0);
      expect(b.removeResource(b.get(victim.id)!)).toBe(0);
      const afterA = new Set(linked(a).map((r) => r.id));
      const afterB = new Set(linked(b).map((r) => r.id));
      // release drops the victim and everything under it; remove drops only the victim.
      expect([...before].filter((id) => !afterA.has(id)).sort()).toEqual([victim.id, ...descendants].sort());
      expect([...before].filter((id) => !afterB.has(id))).toEqual([victim.id]);
      // remove re-parents exactly the direct children to the victim's old parent.
      for (const id of children) expect(b.get(id)!.parent?.id).toBe(victim.parent?.id);
      checkInvariants(a);
      checkInvariants(b);
    }), { numRuns: 300 });
  });

  it('matches a hand-checked trace: nest, clear BUSY, nest again, remove', () => {
    const t = new ResourceTree({ name: 'root', start: 0n, end: 0xffn, flags: IORESOURCE_MEM });
    const a = t.requestRegion(t.root, 0x10n, 0x40n, 'a').res!;
    expect(t.requestRegion(t.root, 0x10n, 0x10n, 'b').res).toBeNull(); // a is BUSY
    a.flags &= ~IORESOURCE_BUSY;
    const b = t.requestRegion(t.root, 0x10n, 0x10n, 'b').res!;
    expect(b.parent).toBe(a);
    const c = t.requestRegion(t.root, 0x30n, 0x10n, 'c').res!;
    expect(c.parent).toBe(a);
    t.removeResource(a);
    expect(t.children(t.root).map((r) => r.name)).toEqual(['b', 'c']);
  });
});
