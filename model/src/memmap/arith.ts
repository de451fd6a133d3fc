// Address <-> PFN <-> section <-> subsection <-> memory block, for one architecture
// (include/linux/mmzone.h: PFN_SECTION_SHIFT, PAGES_PER_SECTION, SUBSECTION_SHIFT, ...).

import type { ArchConstants } from '../arch.js';
import { table } from '../table.js';

export interface Location {
  addr: bigint;
  pfn: bigint;
  section: bigint;
  /** Subsection index inside its section. */
  subsection: bigint;
  memoryBlock: bigint;
  /** Offsets into each granule (0 = aligned). */
  offsets: { page: bigint; subsection: bigint; section: bigint; memoryBlock: bigint };
  /** Below 1 << MAX_PHYSMEM_BITS. */
  addressable: boolean;
}

export function pageSize(a: ArchConstants): bigint {
  return 1n << BigInt(a.pageShift);
}

export function sectionSize(a: ArchConstants): bigint {
  return 1n << BigInt(a.sectionSizeBits);
}

export function subsectionSize(a: ArchConstants): bigint {
  return 1n << BigInt(a.subsectionShift);
}

/** PAGES_PER_SECTION */
export function pagesPerSection(a: ArchConstants): bigint {
  return 1n << BigInt(a.sectionSizeBits - a.pageShift);
}

/** SUBSECTIONS_PER_SECTION */
export function subsectionsPerSection(a: ArchConstants): bigint {
  return 1n << BigInt(Math.max(0, a.sectionSizeBits - a.subsectionShift));
}

export function locate(a: ArchConstants, addr: bigint): Location {
  const sec = sectionSize(a);
  const sub = subsectionSize(a);
  const block = a.memoryBlockSize;
  return {
    addr,
    pfn: addr >> BigInt(a.pageShift),
    section: addr / sec,
    subsection: (addr % sec) / sub,
    memoryBlock: addr / block,
    offsets: { page: addr % pageSize(a), subsection: addr % sub, section: addr % sec, memoryBlock: addr % block },
    addressable: addr < 1n << BigInt(a.maxPhysmemBits),
  };
}

export function pfnToAddr(a: ArchConstants, pfn: bigint): bigint {
  return pfn << BigInt(a.pageShift);
}

/** Constants an expression in kernel code may name, with this architecture's values. */
export function archConstEnv(a: ArchConstants): (name: string) => bigint | undefined {
  const names: Readonly<Record<string, bigint>> = table({
    PAGE_SHIFT: BigInt(a.pageShift),
    PAGE_SIZE: pageSize(a),
    SECTION_SIZE_BITS: BigInt(a.sectionSizeBits),
    PA_SECTION_SHIFT: BigInt(a.sectionSizeBits),
    PFN_SECTION_SHIFT: BigInt(a.sectionSizeBits - a.pageShift),
    PAGES_PER_SECTION: pagesPerSection(a),
    SUBSECTION_SHIFT: BigInt(a.subsectionShift),
    SUBSECTION_SIZE: subsectionSize(a),
    PAGES_PER_SUBSECTION: 1n << BigInt(a.subsectionShift - a.pageShift),
    MAX_PHYSMEM_BITS: BigInt(a.maxPhysmemBits),
    MIN_MEMORY_BLOCK_SIZE: sectionSize(a),
    PMD_SHIFT: BigInt(a.pmdShift),
    PMD_SIZE: 1n << BigInt(a.pmdShift),
  });
  return (name) => names[name];
}
