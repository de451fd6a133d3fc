// walk_iomem_res_desc() and adjust_resource() against kernel/resource.c.

import { describe, expect, it } from 'vitest';
import {
  IORESOURCE_BUSY, IORESOURCE_MEM, IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE, IORES_DESC_PERSISTENT_MEMORY,
  ResourceTree, defaultLayout, walkIomemResDesc,
} from '../../model/src/index';

describe('walk_iomem_res_desc', () => {
  it('yields the parts of matching resources, lowest first, clipped to the range', () => {
    const { tree } = defaultLayout();
    const parts = walkIomemResDesc(tree, IORES_DESC_NONE, IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0n, 0xffffffffn);
    expect(parts.map((p) => [p.start.toString(16), p.end.toString(16), p.res.name])).toEqual([
      ['1000', '9ffff', 'System RAM'],
      ['100000', '6ffe5fff', 'System RAM'],
    ]);
  });

  it('matches by descriptor', () => {
    const { tree } = defaultLayout();
    const parts = walkIomemResDesc(tree, IORES_DESC_PERSISTENT_MEMORY, IORESOURCE_MEM, 0n, (1n << 46n) - 1n);
    expect(parts.map((p) => p.res.name)).toEqual(['Persistent Memory']);
  });

  it('looks at children only below a top-level resource covering the range', () => {
    const t = new ResourceTree({ name: 'root', start: 0n, end: 0xffffn, flags: IORESOURCE_MEM });
    const bus = t.requestRegion(t.root, 0x1000n, 0x1000n, 'bus').res!;
    bus.flags = IORESOURCE_MEM;
    t.requestRegion(t.root, 0x1100n, 0x100n, 'dev', IORESOURCE_SYSTEM_RAM);
    const parts = walkIomemResDesc(t, IORES_DESC_NONE, IORESOURCE_SYSTEM_RAM, 0x1000n, 0x1fffn);
    expect(parts.map((p) => p.res.name)).toEqual(['dev']);
  });
});

describe('adjust_resource', () => {
  const t = new ResourceTree({ name: 'root', start: 0n, end: 0xffffn, flags: IORESOURCE_MEM });
  const a = t.requestRegion(t.root, 0x1000n, 0x1000n, 'a').res!;
  t.requestRegion(t.root, 0x3000n, 0x1000n, 'b');
  a.flags &= ~IORESOURCE_BUSY;
  t.requestRegion(t.root, 0x1800n, 0x100n, 'child');

  it('grows into free space', () => expect(t.adjustResource(a, 0x1000n, 0x2000n)).toBe(0));
  it('refuses to overlap the next sibling', () => expect(t.adjustResource(a, 0x1000n, 0x2800n)).toBe(-16));
  it('refuses to leave a child out', () => expect(t.adjustResource(a, 0x1900n, 0x100n)).toBe(-16));
  it('refuses to leave the parent', () => expect(t.adjustResource(a, 0xff00n, 0x1000n)).toBe(-16));
});
