// The memmap model against include/linux/mmzone.h, mm/sparse.c, mm/memory_hotplug.c, mm/memremap.c.

import { describe, expect, it } from 'vitest';
import {
  ARCH_CONSTANTS, MemmapWorld, archConstants, archConstEnv, defaultLayout, evalConst, locate, pagesPerSection, staleUses, subsectionsPerSection,
} from '../../model/src/index';

const x86 = archConstants('x86_64');
const GiB = 1n << 30n;
const MiB = 1n << 20n;

describe('architecture constants', () => {
  it.each([
    ['x86_64', 12, 27, 46], ['x86_64-la57', 12, 27, 52], ['arm64', 12, 27, 48], ['arm64-16k', 14, 27, 48],
    ['arm64-64k', 16, 29, 48], ['ppc64', 16, 24, 51], ['riscv64', 12, 27, 56], ['s390', 12, 28, 46],
  ] as const)('%s: PAGE_SHIFT %i, SECTION_SIZE_BITS %i, MAX_PHYSMEM_BITS %i', (arch, page, section, phys) => {
    const a = ARCH_CONSTANTS[arch];
    expect([a.pageShift, a.sectionSizeBits, a.maxPhysmemBits, a.subsectionShift]).toEqual([page, section, phys, 21]);
    expect(a.sources.length).toBeGreaterThan(3);
  });

  it('derives PAGES_PER_SECTION and SUBSECTIONS_PER_SECTION as mmzone.h does', () => {
    expect(pagesPerSection(x86)).toBe(32768n);
    expect(subsectionsPerSection(x86)).toBe(64n);
    expect(pagesPerSection(ARCH_CONSTANTS['arm64-64k'])).toBe(8192n);
    // ppc64: 16 MiB sections are smaller than... no: 2^24 > 2^21, 8 subsections.
    expect(subsectionsPerSection(ARCH_CONSTANTS.ppc64)).toBe(8n);
  });

  it('evaluates constant expressions with the architecture values', () => {
    const env = archConstEnv(x86);
    expect(evalConst('PAGES_PER_SECTION << PAGE_SHIFT', env)).toBe(128n * MiB);
    expect(evalConst('ALIGN(5 * SZ_1M, SUBSECTION_SIZE)', env)).toBe(6n * MiB);
    expect(evalConst('PMD_SIZE', archConstEnv(ARCH_CONSTANTS['arm64-64k']))).toBe(512n * MiB);
    // Where the tables are not a page of 8-byte entries per level (found in review: 2 MiB and 512 MiB).
    expect(evalConst('PMD_SIZE', archConstEnv(ARCH_CONSTANTS.s390))).toBe(1n * MiB);
    expect(evalConst('PMD_SIZE', archConstEnv(ARCH_CONSTANTS.ppc64))).toBe(2n * MiB);
    expect(evalConst('PMD_SHIFT', env)).toBe(21n);
  });
});

describe('address arithmetic', () => {
  it('locates an address in page, section, subsection and memory block', () => {
    const l = locate(x86, 0x4080000000n + 3n * MiB);
    expect(l.pfn).toBe((0x4080000000n + 3n * MiB) >> 12n);
    expect(l.section).toBe(0x4080000000n / (128n * MiB));
    expect(l.subsection).toBe(1n);
    expect(l.offsets.subsection).toBe(MiB);
    expect(l.offsets.page).toBe(0n);
    expect(l.addressable).toBe(true);
    expect(locate(x86, 1n << 46n).addressable).toBe(false);
  });
});

describe('memmap', () => {
  const world = (): MemmapWorld => MemmapWorld.fromLayout(defaultLayout(), x86);
  const pfn = (addr: bigint): bigint => addr >> 12n;

  it('boot RAM is early and online; holes have no memmap', () => {
    const w = world();
    expect(w.pfnValid(pfn(0x100000000n))).toBe(true);
    expect(w.pfnToOnlinePage(pfn(0x100000000n))).toBe(true);
    expect(w.pfnValid(pfn(0x8000000000n))).toBe(false);
  });

  it('hot-added memory has a memmap before it is onlined, but it is not initialized (seed 003)', () => {
    const w = world();
    expect(w.addMemory(0x8000000000n, GiB)).toBe(0);
    expect(w.pfnValid(pfn(0x8000000000n))).toBe(true);
    expect(w.pfnToOnlinePage(pfn(0x8000000000n))).toBe(false);
    expect(w.memmapState(pfn(0x8000000000n))).toBe('uninitialized');
    expect(w.onlinePages(0x8000000000n, GiB)).toBe(0);
    expect(w.memmapState(pfn(0x8000000000n))).toBe('online');
    expect(w.removeMemory(0x8000000000n, GiB)).toBe(-16); // still online
    w.offlinePages(0x8000000000n, GiB);
    expect(w.memmapState(pfn(0x8000000000n))).toBe('uninitialized');
    expect(w.removeMemory(0x8000000000n, GiB)).toBe(0);
    expect(w.pfnValid(pfn(0x8000000000n))).toBe(false);
  });

  it('add_memory() wants memory-block alignment (check_hotplug_memory_range())', () => {
    expect(world().addMemory(0x8000000000n + 64n * MiB, GiB)).toBe(-22);
    expect(world().addMemory(0x8000000000n, 96n * MiB)).toBe(-22);
  });

  it('memremap_pages() is subsection-granular (check_pfn_span()) and makes ZONE_DEVICE pages PG_reserved', () => {
    const w = world();
    expect(w.memremapPages(0x4080000000n + MiB, 2n * MiB, 'fs-dax')).toBe(-22);
    expect(w.memremapPages(0x4080000000n + 2n * MiB, 2n * MiB, 'fs-dax')).toBe(0);
    const p = pfn(0x4080000000n + 2n * MiB);
    expect(w.pfnValid(p)).toBe(true);
    expect(w.pfnValid(pfn(0x4080000000n))).toBe(false); // other subsection of the section
    expect(w.pfnToOnlinePage(p)).toBe(false);
    expect(w.getDevPagemap(p)?.type).toBe('fs-dax');
    expect(w.pageReserved(p)).toBe(true);
    expect(w.memunmapPages(0x4080000000n + 2n * MiB)).toBe(0);
    expect(w.pfnValid(p)).toBe(false);
  });

  it('a clone is a world of its own: neither sees what the other does after the clone, through clones of clones', () => {
    const at = 0x8000000000n;
    const p = pfn(at);
    const w = world();
    w.addMemory(at, GiB);
    const a = w.clone();
    w.onlinePages(at, GiB); // the original, after it was cloned
    expect(a.memmapState(p)).toBe('uninitialized');
    expect(w.memmapState(p)).toBe('online');
    const b = a.clone();
    a.onlinePages(at, GiB);
    const c = a.clone();
    expect(b.memmapState(p)).toBe('uninitialized');
    expect(c.memmapState(p)).toBe('online');
    c.offlinePages(at, GiB);
    expect(c.removeMemory(at, GiB)).toBe(0);
    expect([w.pfnValid(p), a.pfnValid(p), b.pfnValid(p), c.pfnValid(p)]).toEqual([true, true, true, false]);
    expect(a.memmapState(p)).toBe('online');
    // Boot memory untouched by all of this, in every world.
    for (const x of [w, a, b, c]) expect(x.pfnToOnlinePage(pfn(0x100000000n))).toBe(true);
    expect(b.memremapPages(at + 2n * GiB, 2n * MiB, 'generic')).toBe(0);
    expect(c.getDevPagemap(pfn(at + 2n * GiB))).toBeUndefined();
  });

  it('a page from pfn_to_online_page() goes stale when the reader sleeps and the memory is offlined and removed (seed 003)', () => {
    const w = world();
    w.addMemory(0x8000000000n, GiB);
    w.onlinePages(0x8000000000n, GiB);
    const p = pfn(0x8000000000n);
    const racer = [{ kind: 'offline', start: 0x8000000000n, size: GiB }, { kind: 'remove', start: 0x8000000000n, size: GiB }] as const;
    const sleeping = staleUses(w, [{ kind: 'lookup', pfn: p, how: 'pfn_to_online_page' }, { kind: 'may-sleep', what: 'mutex_lock()' }, { kind: 'use', pfn: p, what: 'PageLRU()' }], [...racer]);
    expect(sleeping.length).toBeGreaterThan(0);
    expect(sleeping[0]!.order.map((o) => o.actor)).toEqual(['reader', 'reader', 'racer', 'racer', 'reader']);
    expect(sleeping[0]!.memmap).toBe('none');
    const atomic = staleUses(w, [{ kind: 'lookup', pfn: p, how: 'pfn_to_online_page' }, { kind: 'use', pfn: p, what: 'PageLRU()' }], [...racer]);
    expect(atomic).toEqual([]);
  });
});
