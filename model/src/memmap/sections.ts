// SPARSEMEM section state (include/linux/mmzone.h, mm/sparse.c, mm/memory_hotplug.c,
// mm/memremap.c): which PFNs have a memmap, which are online, which are ZONE_DEVICE, and what
// pfn_valid(), pfn_to_online_page(), pfn_to_page() and get_dev_pagemap() answer for a PFN.

import type { ArchConstants } from '../arch.js';
import type { MachineLayout } from '../resource/layout.js';
import { pagesPerSection, subsectionsPerSection } from './arith.js';

export type PagemapType = 'device-private' | 'fs-dax' | 'generic' | 'pci-p2pdma';

export interface SectionState {
  /** SECTION_MARKED_PRESENT */
  present: boolean;
  /** SECTION_HAS_MEM_MAP */
  hasMemmap: boolean;
  /** SECTION_IS_ONLINE */
  online: boolean;
  /** SECTION_IS_EARLY: boot memory, pfn_valid() for the whole section */
  early: boolean;
  /** SECTION_TAINT_ZONE_DEVICE */
  zoneDevice: boolean;
  /** usage->subsection_map: one bit per subsection with a memmap */
  subsections: bigint;
  /** Subsections whose pages are initialized (onlined RAM or a mapped pagemap) */
  initialized: bigint;
}

export interface Pagemap {
  start: bigint;
  end: bigint;
  type: PagemapType;
}

/** What the memmap is for a PFN: absent, present but garbage, or initialized (and how). */
export type MemmapState = 'none' | 'uninitialized' | 'online' | 'zone-device';

export class MemmapWorld {
  /**
   * Sections as they were when this world was last cloned, shared with its clones and never
   * written; `own` holds the sections written since. A race runs every schedule on a clone of
   * the machine's world, and copying its hundreds of sections each time was most of the cost of
   * a function that uses a page after a sleep.
   */
  private base: ReadonlyMap<bigint, SectionState> = new Map();
  private own = new Map<bigint, SectionState>();
  readonly pagemaps: Pagemap[] = [];

  constructor(readonly arch: ArchConstants) {}

  /** Boot memory: every "System RAM" range of the layout is early and online. */
  static fromLayout(layout: MachineLayout, arch: ArchConstants): MemmapWorld {
    const w = new MemmapWorld(arch);
    for (const { res } of layout.tree.walk()) {
      if (res.name !== 'System RAM' || !res.parent || res.parent !== layout.tree.root) continue;
      w.forSections(res.start, res.end - res.start + 1n, (s) => {
        s.present = s.hasMemmap = s.online = s.early = true;
        s.subsections = s.initialized = w.fullMap();
      });
    }
    return w;
  }

  clone(): MemmapWorld {
    if (this.own.size) {
      // Both go on from one frozen map: this world's writes folded into a new base.
      this.base = new Map([...this.base, ...this.own]);
      this.own = new Map();
    }
    const c = new MemmapWorld(this.arch);
    c.base = this.base;
    c.pagemaps.push(...this.pagemaps.map((p) => ({ ...p })));
    return c;
  }

  private read(nr: bigint): SectionState | undefined {
    return this.own.get(nr) ?? this.base.get(nr);
  }

  private fullMap(): bigint {
    return (1n << subsectionsPerSection(this.arch)) - 1n;
  }

  /** The section to write: this world's own copy. */
  private section(nr: bigint): SectionState {
    let s = this.own.get(nr);
    if (!s) {
      const shared = this.base.get(nr);
      s = shared ? { ...shared } : { present: false, hasMemmap: false, online: false, early: false, zoneDevice: false, subsections: 0n, initialized: 0n };
      this.own.set(nr, s);
    }
    return s;
  }

  private forSections(start: bigint, size: bigint, fn: (s: SectionState, mask: bigint) => void): void {
    const secBytes = 1n << BigInt(this.arch.sectionSizeBits);
    const subBytes = 1n << BigInt(this.arch.subsectionShift);
    const end = start + size;
    for (let a = start - (start % secBytes); a < end; a += secBytes) {
      const lo = a > start ? a : start;
      const hi = a + secBytes < end ? a + secBytes : end;
      let mask = 0n;
      for (let b = (lo - a) / subBytes; b * subBytes + a < hi; b++) mask |= 1n << b;
      fn(this.section(a / secBytes), mask);
    }
  }

  /** add_memory() -> add_memory_resource(): memory-block aligned, sections present and offline. */
  addMemory(start: bigint, size: bigint): number {
    const block = this.arch.memoryBlockSize;
    if (size === 0n || start % block !== 0n || size % block !== 0n) return -22;
    this.forSections(start, size, (s, mask) => {
      s.present = s.hasMemmap = true;
      s.subsections |= mask;
    });
    return 0;
  }

  /** online_pages(): the memmap is initialized and the sections go online. */
  onlinePages(start: bigint, size: bigint): number {
    let ok = true;
    this.forSections(start, size, (s) => {
      if (!s.present) ok = false;
    });
    if (!ok) return -22;
    this.forSections(start, size, (s, mask) => {
      s.online = true;
      s.initialized |= mask;
    });
    return 0;
  }

  /** offline_pages(): the sections go offline and their memmap is poisoned again. */
  offlinePages(start: bigint, size: bigint): number {
    this.forSections(start, size, (s, mask) => {
      s.online = false;
      s.initialized &= ~mask;
    });
    return 0;
  }

  /** remove_memory(): offline memory only; the memmap is freed. */
  removeMemory(start: bigint, size: bigint): number {
    let busy = false;
    this.forSections(start, size, (s) => {
      if (s.online) busy = true;
    });
    if (busy) return -16;
    this.forSections(start, size, (s, mask) => {
      s.subsections &= ~mask;
      if (s.subsections === 0n) {
        s.present = s.hasMemmap = false;
      }
    });
    return 0;
  }

  /**
   * memremap_pages() -> pagemap_range() -> add_pages(): subsection-aligned (check_pfn_span()),
   * a ZONE_DEVICE memmap whose pages __init_zone_device_page() initializes with PG_reserved.
   */
  memremapPages(start: bigint, size: bigint, type: PagemapType): number {
    const pages = 1n << BigInt(this.arch.subsectionShift - this.arch.pageShift);
    const pfn = start >> BigInt(this.arch.pageShift);
    const nr = size >> BigInt(this.arch.pageShift);
    if (size === 0n || (pfn | nr) % pages !== 0n || start % (1n << BigInt(this.arch.pageShift)) !== 0n) return -22;
    if (this.pagemaps.some((p) => p.start <= start + size - 1n && p.end >= start)) return -16;
    this.forSections(start, size, (s, mask) => {
      s.present = s.hasMemmap = s.zoneDevice = true;
      s.subsections |= mask;
      s.initialized |= mask;
    });
    this.pagemaps.push({ start, end: start + size - 1n, type });
    return 0;
  }

  memunmapPages(start: bigint): number {
    const i = this.pagemaps.findIndex((p) => p.start === start);
    if (i < 0) return -22;
    const p = this.pagemaps[i] as Pagemap;
    this.pagemaps.splice(i, 1);
    this.forSections(p.start, p.end - p.start + 1n, (s, mask) => {
      s.subsections &= ~mask;
      s.initialized &= ~mask;
      if (s.subsections === 0n) s.present = s.hasMemmap = s.zoneDevice = false;
    });
    return 0;
  }

  private where(pfn: bigint): { s: SectionState | undefined; bit: bigint } {
    const nr = pfn / pagesPerSection(this.arch);
    const inSection = pfn % pagesPerSection(this.arch);
    const bit = 1n << (inSection / (1n << BigInt(this.arch.subsectionShift - this.arch.pageShift)));
    return { s: this.read(nr), bit };
  }

  /** pfn_valid(): a memmap exists (early sections: the whole section). It may be garbage. */
  pfnValid(pfn: bigint): boolean {
    const { s, bit } = this.where(pfn);
    if (!s?.present || !s.hasMemmap) return false;
    return s.early || (s.subsections & bit) !== 0n;
  }

  /** get_dev_pagemap(): the pagemap covering the PFN, if any. */
  getDevPagemap(pfn: bigint): Pagemap | undefined {
    const addr = pfn << BigInt(this.arch.pageShift);
    return this.pagemaps.find((p) => p.start <= addr && p.end >= addr);
  }

  /** pfn_to_online_page(): the page only if its section is online and it is not a ZONE_DEVICE PFN. */
  pfnToOnlinePage(pfn: bigint): boolean {
    const { s, bit } = this.where(pfn);
    if (!s?.online) return false;
    if ((s.subsections & bit) === 0n && !s.early) return false;
    if (!s.zoneDevice) return true;
    return this.getDevPagemap(pfn) === undefined;
  }

  /** What pfn_to_page() hands back: which memmap, in which state. */
  memmapState(pfn: bigint): MemmapState {
    if (!this.pfnValid(pfn)) return 'none';
    const { s, bit } = this.where(pfn);
    if (this.getDevPagemap(pfn)) return 'zone-device';
    return s && (s.initialized & bit) !== 0n && s.online ? 'online' : 'uninitialized';
  }

  /** PageReserved() as the memmap says: ZONE_DEVICE pages are PG_reserved (__init_zone_device_page()). */
  pageReserved(pfn: bigint): boolean | undefined {
    const st = this.memmapState(pfn);
    if (st === 'zone-device') return true;
    if (st === 'online') return false;
    return undefined;
  }
}
