// The resource tree against kernel/resource.c semantics.

import { describe, expect, it } from 'vitest';
import {
  IORESOURCE_BUSY, IORESOURCE_MEM, IORESOURCE_MUXED, Resource, ResourceOp, ResourceTree, ResourceWorld, hasFlag,
} from '../../model/src/index';

function tree(): ResourceTree {
  const t = new ResourceTree();
  const add = (name: string, start: bigint, end: bigint, flags: number, parent = t.root): Resource => {
    const r = t.alloc({ name, start, end, flags });
    expect(t.requestResourceConflict(parent, r)).toBeNull();
    return r;
  };
  const pmem = add('Persistent Memory', 0x1000n, 0x1fffn, IORESOURCE_MEM);
  add('System RAM', 0x3000n, 0x3fffn, IORESOURCE_MEM | IORESOURCE_BUSY);
  void pmem;
  return t;
}

const names = (t: ResourceTree): string[] => [...t.walk()].map(({ res, depth }) => `${'  '.repeat(depth)}${res.name}`);

describe('__request_region', () => {
  it('descends into a resource that is not BUSY', () => {
    const t = tree();
    const r = t.requestRegion(t.root, 0x1000n, 0x100n, 'drv');
    expect(r.res?.parent?.name).toBe('Persistent Memory');
    expect(hasFlag(r.res!.flags, IORESOURCE_BUSY)).toBe(true);
  });

  it('fails on a BUSY conflict and names it', () => {
    const t = tree();
    const r = t.requestRegion(t.root, 0x3800n, 0x10n, 'drv');
    expect(r.res).toBeNull();
    expect(r.conflict?.name).toBe('System RAM');
    expect(r.muxedWait).toBe(false);
  });

  it('reports a MUXED conflict as a wait, as the kernel sleeps on it', () => {
    const t = tree();
    expect(t.requestRegion(t.root, 0x1000n, 0x10n, 'a', IORESOURCE_MUXED).res).not.toBeNull();
    const r = t.requestRegion(t.root, 0x1000n, 0x10n, 'b', IORESOURCE_MUXED);
    expect(r.res).toBeNull();
    expect(r.muxedWait).toBe(true);
  });

  it('inherits type and desc from the parent it lands in', () => {
    const t = tree();
    const pm = t.findContaining(0x1000n, 0x1000n);
    pm.desc = 4;
    const r = t.requestRegion(t.root, 0x1000n, 0x10n, 'drv');
    expect(r.res?.desc).toBe(4);
  });
});

describe('__release_region', () => {
  it('frees the exact BUSY match, walking through non-BUSY resources', () => {
    const t = tree();
    const r = t.requestRegion(t.root, 0x1000n, 0x100n, 'drv').res!;
    const out = t.releaseRegion(t.root, 0x1000n, 0x100n);
    expect(out.freed).toBe(r);
    expect(t.isLinked(r)).toBe(false);
  });

  it('frees nothing and warns when the BUSY resource does not match exactly', () => {
    const t = tree();
    t.requestRegion(t.root, 0x1000n, 0x100n, 'drv');
    const out = t.releaseRegion(t.root, 0x1000n, 0x80n);
    expect(out.freed).toBeNull();
    expect(out.warning).toMatch(/Trying to free nonexistent resource <00001000-0000107f>/);
  });

  it('frees a child someone else requested once the owner cleared BUSY (seed 000)', () => {
    const t = tree();
    const mine = t.requestRegion(t.root, 0x1000n, 0x100n, 'mine').res!;
    mine.flags &= ~IORESOURCE_BUSY;
    const theirs = t.requestRegion(t.root, 0x1000n, 0x100n, 'theirs').res!;
    expect(theirs.parent).toBe(mine);
    expect(t.releaseRegion(t.root, 0x1000n, 0x100n).freed).toBe(theirs);
    expect(t.isLinked(mine)).toBe(true);
  });
});

describe('release_resource and remove_resource', () => {
  const setup = (): { t: ResourceTree; mine: Resource; theirs: Resource } => {
    const t = tree();
    const mine = t.requestRegion(t.root, 0x1000n, 0x100n, 'mine').res!;
    mine.flags &= ~IORESOURCE_BUSY;
    const theirs = t.requestRegion(t.root, 0x1000n, 0x80n, 'theirs').res!;
    return { t, mine, theirs };
  };

  it('release_resource drops the whole subtree', () => {
    const { t, mine, theirs } = setup();
    expect(t.releaseResource(mine)).toBe(0);
    expect(t.isLinked(theirs)).toBe(false);
  });

  it('remove_resource re-parents the children to the parent', () => {
    const { t, mine, theirs } = setup();
    expect(t.removeResource(mine)).toBe(0);
    expect(t.isLinked(theirs)).toBe(true);
    expect(theirs.parent?.name).toBe('Persistent Memory');
    expect(names(t)).toEqual(['Persistent Memory', '  theirs', 'System RAM']);
  });

  it('both return -EINVAL for a resource that is not in the tree', () => {
    const t = tree();
    const r = t.alloc({ name: 'x', start: 0n, end: 1n, flags: 0 });
    expect(t.releaseResource(r)).toBe(-22);
    expect(t.removeResource(r)).toBe(-22);
  });
});

describe('insert_resource', () => {
  it('adopts the resources it covers as children', () => {
    const t = tree();
    const a = t.requestRegion(t.root, 0x1100n, 0x10n, 'a').res!;
    const b = t.requestRegion(t.root, 0x1200n, 0x10n, 'b').res!;
    const nu = t.alloc({ name: 'window', start: 0x1100n, end: 0x12ffn, flags: IORESOURCE_MEM });
    expect(t.insertResource(t.root, nu)).toBe(0);
    expect(a.parent).toBe(nu);
    expect(b.parent).toBe(nu);
    expect(nu.parent?.name).toBe('Persistent Memory');
  });

  it('refuses a partial overlap', () => {
    const t = tree();
    t.requestRegion(t.root, 0x1100n, 0x100n, 'a');
    const nu = t.alloc({ name: 'half', start: 0x1180n, end: 0x12ffn, flags: IORESOURCE_MEM });
    expect(t.insertResource(t.root, nu)).toBe(-16);
  });
});

describe('clone', () => {
  it('is deep and keeps ids', () => {
    const t = tree();
    const r = t.requestRegion(t.root, 0x1000n, 0x10n, 'x').res!;
    const c = t.clone();
    const rc = c.get(r.id)!;
    rc.flags = 0;
    expect(r.flags).not.toBe(0);
    expect(c.isLinked(rc)).toBe(true);
    expect(names(c)).toEqual(names(t));
  });

  it('copies every resource once, released ones unlinked, and shares no object with the original', () => {
    const t = tree();
    const outer = t.requestRegion(t.root, 0x1000n, 0x1000n, 'outer').res!;
    const inner = t.requestRegion(outer, 0x1100n, 0x100n, 'inner').res!;
    const gone = t.requestRegion(t.root, 0x4000n, 0x10n, 'gone').res!;
    expect(t.releaseResource(gone)).toBe(0);
    const c = t.clone();
    const shape = (x: ReturnType<typeof tree>): unknown[] => [...x.walk()].map(({ res, depth }) => [res.id, res.name, res.start, res.end, res.flags, depth, res.parent?.id]);
    expect(shape(c)).toEqual(shape(t));
    const originals = new Set<unknown>([t.root, ...[...t.walk()].map((x) => x.res), gone]);
    for (const { res } of c.walk()) expect(originals.has(res)).toBe(false);
    expect(c.get(inner.id)!.parent).toBe(c.get(outer.id));
    expect(c.get(gone.id)).not.toBe(gone);
    expect(c.isLinked(c.get(gone.id)!)).toBe(false);
  });
});

describe('ResourceWorld.apply reports re-parented resources', () => {
  const world = (): ResourceWorld => new ResourceWorld(tree());
  const region = (name: string, start: bigint, size: bigint): ResourceOp => ({ kind: 'request_region', parent: { kind: 'iomem' }, start, size, name, flags: 0 });

  it('insert_resource() adopts the resources it covers', () => {
    const w = world();
    w.apply('racer', 0, region('racer', 0x1100n, 0x100n));
    const e = w.apply('owner', 0, { kind: 'link_resource', parent: { kind: 'iomem' }, start: 0x1000n, end: 0x1fffn, flags: IORESOURCE_MEM, name: 'cover', insert: true });
    // __insert_resource() stops descending at a resource of the same range and becomes its
    // parent: 'Persistent Memory' (with the racer's region still inside it) moves under it.
    expect(e.ok).toBe(true);
    expect(e.reparented.map((x) => [x.res.name, x.from.name, x.to.name])).toEqual([['Persistent Memory', 'PCI mem', 'cover']]);
  });

  it('remove_resource() moves the children up; release_resource() and requests re-parent nothing', () => {
    const w = world();
    w.apply('owner', 0, region('outer', 0x1000n, 0x800n));
    const inner = w.apply('owner', 1, { kind: 'request_region', parent: { kind: 'handle', handle: 0 }, start: 0x1100n, size: 0x100n, name: 'inner', flags: 0 });
    expect(inner.reparented).toEqual([]);
    const e = w.apply('owner', 2, { kind: 'remove_resource', target: 0 });
    expect(e.reparented.map((x) => [x.res.name, x.from.name, x.to.name])).toEqual([['inner', 'outer', 'Persistent Memory']]);
    const w2 = world();
    w2.apply('owner', 0, region('outer', 0x1000n, 0x800n));
    w2.apply('owner', 1, { kind: 'request_region', parent: { kind: 'handle', handle: 0 }, start: 0x1100n, size: 0x100n, name: 'inner', flags: 0 });
    expect(w2.apply('owner', 2, { kind: 'release_resource', target: 0 }).reparented).toEqual([]);
  });
});
