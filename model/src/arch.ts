// Architecture constants of the memory model, each read from Linux 6.12 (file:line noted).
// An `Arch` of the profile names the configuration a distribution kernel builds.

import type { Arch } from './profile.js';

export interface ArchConstants {
  /** Human name of the configuration. */
  config: string;
  pageShift: number;
  sectionSizeBits: number;
  maxPhysmemBits: number;
  /** SUBSECTION_SHIFT, include/linux/mmzone.h:1795 (21, generic). */
  subsectionShift: number;
  /** Highest physical address the kernel maps: PHYSMEM_END. */
  physmemEnd: bigint;
  /** Default memory block size (sysfs memoryN granularity). */
  memoryBlockSize: bigint;
  /** PMD_SHIFT: what one page-middle-directory entry maps (a huge page's size). */
  pmdShift: number;
  /** Where each constant comes from. */
  sources: readonly string[];
}

const SUBSECTION_SHIFT = 21; // include/linux/mmzone.h:1795

function profile(
  config: string, pageShift: number, sectionSizeBits: number, maxPhysmemBits: number, sources: string[],
  extra: { physmemEnd?: bigint; memoryBlockSize?: bigint; pmdShift?: number } = {},
): ArchConstants {
  return {
    config, pageShift, sectionSizeBits, maxPhysmemBits, subsectionShift: SUBSECTION_SHIFT,
    // One page of 8-byte entries per level: PMD_SHIFT = PAGE_SHIFT + (PAGE_SHIFT - 3), unless
    // the arch says (s390's segment table, powerpc's radix tables).
    pmdShift: extra.pmdShift ?? 2 * pageShift - 3,
    // include/linux/mm.h:102 PHYSMEM_END ((1ULL << MAX_PHYSMEM_BITS) - 1), unless the arch says.
    physmemEnd: extra.physmemEnd ?? (1n << BigInt(maxPhysmemBits)) - 1n,
    // include/linux/memory.h:24 MIN_MEMORY_BLOCK_SIZE (1UL << SECTION_SIZE_BITS), the default
    // of memory_block_size_bytes() (drivers/base/memory.c) unless the arch probes another.
    memoryBlockSize: extra.memoryBlockSize ?? 1n << BigInt(sectionSizeBits),
    sources: ['include/linux/mmzone.h:1795 SUBSECTION_SHIFT 21', 'include/linux/mm.h:102 PHYSMEM_END', 'include/linux/memory.h:24 MIN_MEMORY_BLOCK_SIZE', ...sources],
  };
}

export const ARCH_CONSTANTS: Readonly<Record<Arch, ArchConstants>> = {
  x86_64: profile('x86_64, 4-level paging, 4K pages', 12, 27, 46, [
    'arch/x86/Kconfig: PAGE_SHIFT 12 (CONFIG_PAGE_SHIFT)',
    'arch/x86/include/asm/sparsemem.h:28 SECTION_SIZE_BITS 27',
    'arch/x86/include/asm/sparsemem.h:29 MAX_PHYSMEM_BITS (pgtable_l5_enabled() ? 52 : 46)',
    'arch/x86/mm/kaslr.c:97 physmem_end = (1ULL << MAX_PHYSMEM_BITS) - 1',
  ]),
  'x86_64-la57': profile('x86_64, 5-level paging, 4K pages', 12, 27, 52, [
    'arch/x86/include/asm/sparsemem.h:29 MAX_PHYSMEM_BITS 52 with 5-level paging',
  ]),
  // arch/arm64/include/asm/memory.h:113 PHYSMEM_END __pa(PAGE_END - 1): the linear map covers half
  // of the VA space (48-bit VA: 2^47 bytes from PHYS_OFFSET, taken as 0 here).
  arm64: profile('arm64, 4K pages, 48-bit VA and PA', 12, 27, 48, [
    'arch/arm64/include/asm/sparsemem.h:10 MAX_PHYSMEM_BITS PHYS_MASK_SHIFT (48)',
    'arch/arm64/include/asm/sparsemem.h:29 SECTION_SIZE_BITS 27 (4K and 16K pages)',
    'arch/arm64/include/asm/memory.h:113 PHYSMEM_END __pa(PAGE_END - 1)',
  ], { physmemEnd: (1n << 47n) - 1n }),
  'arm64-16k': profile('arm64, 16K pages, 48-bit VA and PA', 14, 27, 48, [
    'arch/arm64/include/asm/sparsemem.h:29 SECTION_SIZE_BITS 27 ("16K follows 4K for simplicity")',
  ], { physmemEnd: (1n << 47n) - 1n }),
  'arm64-64k': profile('arm64, 64K pages, 48-bit VA and PA', 16, 29, 48, [
    'arch/arm64/include/asm/sparsemem.h:19 SECTION_SIZE_BITS 29 (CONFIG_ARM64_64K_PAGES)',
  ], { physmemEnd: (1n << 47n) - 1n }),
  ppc64: profile('ppc64 book3s, 64K pages (radix)', 16, 24, 51, [
    'arch/powerpc/include/asm/sparsemem.h:11 SECTION_SIZE_BITS 24',
    'arch/powerpc/include/asm/book3s/64/radix.h:111 R_MAX_PHYSMEM_BITS 51',
    'arch/powerpc/include/asm/book3s/64/radix.h:35 RADIX_PMD_SHIFT (PAGE_SHIFT + RADIX_PTE_INDEX_SIZE)',
    'arch/powerpc/include/asm/book3s/64/radix-64k.h:8 RADIX_PTE_INDEX_SIZE 5',
  ], { pmdShift: 16 + 5 }),
  riscv64: profile('riscv64, 4K pages', 12, 27, 56, [
    'arch/riscv/include/asm/sparsemem.h:8 MAX_PHYSMEM_BITS 56',
    'arch/riscv/include/asm/sparsemem.h:12 SECTION_SIZE_BITS 27',
  ]),
  s390: profile('s390x, 4K pages', 12, 28, 46, [
    'arch/s390/include/asm/sparsemem.h:5 SECTION_SIZE_BITS 28',
    'arch/s390/include/asm/sparsemem.h:6 MAX_PHYSMEM_BITS CONFIG_MAX_PHYSMEM_BITS (arch/s390/Kconfig:672, default 46)',
    'arch/s390/include/asm/pgtable.h:335 _SEGMENT_SHIFT 20',
    'arch/s390/include/asm/pgtable.h:353 PMD_SHIFT _SEGMENT_SHIFT',
  ], { pmdShift: 20 }),
  // 32-bit architectures matter for the DAX profiles (aliasing data caches); their memory
  // constants are their sparsemem.h's (found in review: a common 32-bit guess, 32 bits of
  // physical address, hid arm's LPAE and mips' 48 bits).
  arm: profile('arm (32-bit), 4K pages', 12, 28, 36, ['arch/arm/include/asm/sparsemem.h:22 MAX_PHYSMEM_BITS 36 (LPAE), :23 SECTION_SIZE_BITS 28']),
  mips: profile('mips (32-bit), 4K pages', 12, 28, 48, ['arch/mips/include/asm/sparsemem.h:13 SECTION_SIZE_BITS 28 (4K pages), :15 MAX_PHYSMEM_BITS 48']),
  // parisc selects SPARSEMEM only with 64BIT (arch/parisc/Kconfig): its sections are the 64-bit
  // kernel's (found in review: 28 and 32 bits were shown).
  parisc: profile('parisc, 4K pages', 12, 27, 39, ['arch/parisc/include/asm/sparsemem.h:11 MAX_PHYSMEM_BITS 39, :12 SECTION_SIZE_BITS 27; arch/parisc/Kconfig: SPARSEMEM depends on 64BIT']),
};

export function archConstants(arch: Arch): ArchConstants {
  return ARCH_CONSTANTS[arch];
}

/** The base architecture (`x86_64-la57` -> `x86_64`), for questions that do not depend on paging. */
export function archFamily(arch: Arch): string {
  return arch.replace(/-.*$/, '');
}

/**
 * Kernel arch directories whose Kconfig selects ARCH_ENABLE_MEMORY_HOTPLUG (6.12: arch/x86,
 * arm64, loongarch, powerpc, riscv, s390 Kconfig). Elsewhere MEMORY_HOTPLUG (mm/Kconfig:543,
 * "depends on ARCH_ENABLE_MEMORY_HOTPLUG") cannot be set: no memory is ever offline.
 */
export const HOTPLUG_ARCH_DIRS: ReadonlySet<string> = new Set(['x86', 'arm64', 'loongarch', 'powerpc', 'riscv', 's390']);

/**
 * Arch directories that select ARCH_HAS_PTE_DEVMAP (6.12: x86, arm64, loongarch, powerpc,
 * riscv): ZONE_DEVICE (mm/Kconfig:1105) depends on it and on MEMORY_HOTPLUG.
 */
export const ZONE_DEVICE_ARCH_DIRS: ReadonlySet<string> = new Set(['x86', 'arm64', 'loongarch', 'powerpc', 'riscv']);

const ARCH_DIR: Readonly<Record<string, string>> = {
  x86_64: 'x86', arm64: 'arm64', ppc64: 'powerpc', riscv64: 'riscv', s390: 's390', arm: 'arm', mips: 'mips', parisc: 'parisc',
};

/** The `arch/<dir>` of the kernel the profile's architecture builds. */
export function archDir(arch: Arch): string {
  return ARCH_DIR[archFamily(arch)] ?? archFamily(arch);
}

/** The `arch/<dir>/` a source file lives in, if it is architecture code. */
export function archDirOfFile(file: string): string | undefined {
  return /(?:^|[\\/])arch[\\/]([\w-]+)[\\/]/.exec(file)?.[1];
}
