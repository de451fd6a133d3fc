// get_free_mem_region(): search order, alignment, PHYSMEM_END, 6.1 vs 6.12.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GFR_DESCENDING, GFR_REQUEST_REGION, IORESOURCE_BUSY, IORESOURCE_MEM, IORES_DESC_DEVICE_PRIVATE_MEMORY, IORES_DESC_NONE,
  REGION_DISJOINT, ResourceTree, archConstants, candidateInWindow, defaultLayout, getFreeMemRegion, gfrCandidates, hasFlag,
  regionIntersectsIn,
} from '../../model/src/index';
import { takeFreeRange } from '../../model/src/resource/freeRegion';
import type { FreeRegionRequest, FreeRegionResult } from '../../model/src/resource/freeRegion';

const x86 = archConstants('x86_64');
const v612 = { major: 6, minor: 12 };
const v61 = { major: 6, minor: 1 };

describe('get_free_mem_region', () => {
  it('request_free_mem_region() takes the highest free section-aligned range below PHYSMEM_END', () => {
    const { tree } = defaultLayout();
    const size = 1n << 30n;
    const align = 1n << BigInt(x86.sectionSizeBits);
    const r = getFreeMemRegion(tree, {
      base: tree.root, size, align, name: 'hmm', desc: IORES_DESC_DEVICE_PRIVATE_MEMORY,
      flags: GFR_DESCENDING | GFR_REQUEST_REGION, physmemEnd: x86.physmemEnd, version: v612,
    });
    expect(r.res?.start).toBe(x86.physmemEnd - size + 1n);
    expect(r.res?.end).toBe(x86.physmemEnd);
    expect(hasFlag(r.res!.flags, IORESOURCE_BUSY)).toBe(true);
    expect(r.res?.desc).toBe(IORES_DESC_DEVICE_PRIVATE_MEMORY);
  });

  it('steps down past occupied ranges', () => {
    const t = new ResourceTree({ name: 'root', start: 0n, end: 0xffffn, flags: IORESOURCE_MEM });
    t.requestRegion(t.root, 0xf000n, 0x1000n, 'top');
    const r = getFreeMemRegion(t, { base: t.root, size: 0x1000n, align: 0x1000n, name: 'x', desc: 0, flags: GFR_DESCENDING | GFR_REQUEST_REGION, physmemEnd: 0xffffn, version: v612 });
    expect(r.res?.start).toBe(0xe000n);
  });

  it('alloc_free_mem_region() searches upwards and inserts under the base', () => {
    const t = new ResourceTree({ name: 'root', start: 0n, end: 0xffffn, flags: IORESOURCE_MEM });
    const win = t.requestRegion(t.root, 0x4000n, 0x4000n, 'CXL Window').res!;
    win.flags &= ~IORESOURCE_BUSY;
    t.requestRegion(win, 0x4000n, 0x1000n, 'used');
    const r = getFreeMemRegion(t, { base: win, size: 0x1000n, align: 0x1000n, name: 'region0', desc: IORES_DESC_NONE, flags: 0, physmemEnd: 0xffffn, version: v612 });
    expect(r.res?.start).toBe(0x5000n);
    expect(r.res?.parent).toBe(win);
  });

  it('6.12 never starts an ascending search at address 0; 6.1 does', () => {
    const t = new ResourceTree({ name: 'root', start: 0n, end: 0xffffn, flags: IORESOURCE_MEM });
    const req = { base: t.root, size: 0x1000n, align: 0x1000n, flags: 0, physmemEnd: 0xffffn };
    expect(gfrCandidates({ ...req, version: v612 }).next().value).toBe(0x1000n);
    expect(gfrCandidates({ ...req, version: v61 }).next().value).toBe(0n);
  });

  it('answers -ERANGE when nothing is free', () => {
    const t = new ResourceTree({ name: 'root', start: 0n, end: 0xffffn, flags: IORESOURCE_MEM });
    t.requestRegion(t.root, 0n, 0x10000n, 'all');
    const r = getFreeMemRegion(t, { base: t.root, size: 0x1000n, align: 0x1000n, name: 'x', desc: 0, flags: GFR_DESCENDING | GFR_REQUEST_REGION, physmemEnd: 0xffffn, version: v612 });
    expect(r).toMatchObject({ res: null, error: -34 });
  });

  it('finds where the top-down search would land in the firmware hotplug window', () => {
    const layout = defaultLayout();
    const w = layout.hotplugWindows[0]!;
    const at = candidateInWindow({
      base: layout.tree.root, size: 1n << 30n, align: 1n << 27n, name: 'x', desc: 0,
      flags: GFR_DESCENDING | GFR_REQUEST_REGION, physmemEnd: x86.physmemEnd, version: v612,
    }, w);
    expect(at).toBe(w.end - (1n << 30n) + 1n);
  });
});

/** The kernel's loop as written: every candidate tested with __region_intersects(). */
function stepwise(tree: ResourceTree, r: FreeRegionRequest, maxTries = 1 << 20): FreeRegionResult {
  const size = ((r.size + r.align - 1n) / r.align) * r.align;
  let tried = 0;
  for (const addr of gfrCandidates(r)) {
    if (++tried > maxTries) break;
    if (regionIntersectsIn(r.base, addr, size, 0, IORES_DESC_NONE) !== REGION_DISJOINT) continue;
    const res = takeFreeRange(tree, r, addr, size);
    if (!res) break;
    return { res, tried };
  }
  return { res: null, error: -34, tried };
}

describe('get_free_mem_region skipping blocked candidates', () => {
  const span = fc.record({ start: fc.integer({ min: 0, max: 1023 }), len: fc.integer({ min: 1, max: 200 }) });
  it('takes the same range after the same number of tries as testing every candidate', () => {
    fc.assert(fc.property(
      fc.array(span, { maxLength: 12 }), fc.option(span, { nil: undefined }), fc.array(span, { maxLength: 6 }),
      fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 1100 }), fc.boolean(), fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
      (spans, window, inside, alignBits, sizeUnits, flags, physmemEnd, v612, maxTries) => {
        const t = new ResourceTree({ name: 'root', start: 0n, end: 1023n, flags: IORESOURCE_MEM });
        for (const s of spans) t.requestRegion(t.root, BigInt(s.start), BigInt(s.len), 'used');
        let base = t.root;
        if (window) {
          const w = t.requestRegion(t.root, BigInt(window.start), BigInt(window.len), 'window').res;
          if (w) {
            w.flags &= ~IORESOURCE_BUSY;
            for (const s of inside) t.requestRegion(w, BigInt(s.start), BigInt(s.len), 'inside');
            base = w;
          }
        }
        const align = 1n << BigInt(alignBits);
        const req = (tree: ResourceTree): FreeRegionRequest => ({
          base: tree.get(base.id)!, size: BigInt(sizeUnits) * align + 1n, align, name: 'x', desc: 0, flags,
          physmemEnd: BigInt(physmemEnd), version: v612 ? { major: 6, minor: 12 } : v61,
        });
        const a = t.clone();
        const b = t.clone();
        const fast = getFreeMemRegion(a, req(a), maxTries);
        const slow = stepwise(b, req(b), maxTries);
        expect({ start: fast.res?.start, end: fast.res?.end, parent: fast.res?.parent?.id, error: fast.error, tried: fast.tried })
          .toEqual({ start: slow.res?.start, end: slow.res?.end, parent: slow.res?.parent?.id, error: slow.error, tried: slow.tried });
      },
    ), { numRuns: 3000 });
  });
});
