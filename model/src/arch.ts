// Architecture constants of the memory model, each read from Linux 6.12 (file:line noted).
// The `Arch` names of the profile map to the configuration a distribution kernel uses.

import type { Arch } from './profile.js';

export interface ArchConstants {
  /** Human name of the configuration. */
  config: string;
  pageShift: number;
  sectionSizeBits: number;
  maxPhysmemBits: number;
  /** include/linux/mmzone.h:1795 SUBSECTION_SHIFT 21 (generic). */
  subsectionShift: number;
  /** Highest physical address the kernel maps: PHYSMEM_END. */
  physmemEnd: bigint;
  /** Default memory block size (sysfs memoryN granularity). */
  memoryBlockSize: bigint;
}

const SUBSECTION_SHIFT = 21; // include/linux/mmzone.h:1795

function profile(config: string, pageShift: number, sectionSizeBits: number, maxPhysmemBits: number, physmemEnd?: bigint): ArchConstants {
  return {
    config, pageShift, sectionSizeBits, maxPhysmemBits, subsectionShift: SUBSECTION_SHIFT,
    // include/linux/mm.h:102 PHYSMEM_END ((1ULL << MAX_PHYSMEM_BITS) - 1), unless the arch says.
    physmemEnd: physmemEnd ?? (1n << BigInt(maxPhysmemBits)) - 1n,
    // include/linux/memory.h:24 MIN_MEMORY_BLOCK_SIZE (1UL << SECTION_SIZE_BITS)
    memoryBlockSize: 1n << BigInt(sectionSizeBits),
  };
}

export const ARCH_CONSTANTS: Readonly<Record<Arch, ArchConstants>> = {
  // arch/x86/include/asm/sparsemem.h:28-29: SECTION_SIZE_BITS 27, MAX_PHYSMEM_BITS 46 (52 with
  // 5-level paging); arch/x86/mm/kaslr.c:97 physmem_end = (1ULL << MAX_PHYSMEM_BITS) - 1.
  x86_64: profile('x86_64, 4-level paging, 4K pages', 12, 27, 46),
  // arch/arm64/include/asm/sparsemem.h:10,27: MAX_PHYSMEM_BITS PHYS_MASK_SHIFT (48 with
  // ARM64_PA_BITS_48), SECTION_SIZE_BITS 27 for 4K pages; PHYSMEM_END is __pa(PAGE_END - 1)
  // (arch/arm64/include/asm/memory.h:113): the linear map spans half the 48-bit VA space.
  arm64: profile('arm64, 4K pages, 48-bit PA', 12, 27, 48, (1n << 47n) - 1n),
  // arch/powerpc/include/asm/sparsemem.h:11 SECTION_SIZE_BITS 24; book3s/64/radix.h:111
  // R_MAX_PHYSMEM_BITS 51; 64K pages (CONFIG_PPC_64K_PAGES, distribution default).
  ppc64: profile('ppc64 book3s, 64K pages', 16, 24, 51),
  // arch/riscv/include/asm/sparsemem.h:8,12: MAX_PHYSMEM_BITS 56, SECTION_SIZE_BITS 27.
  riscv64: profile('riscv64, 4K pages', 12, 27, 56),
  // arch/s390/include/asm/sparsemem.h:5-6: SECTION_SIZE_BITS 28, MAX_PHYSMEM_BITS
  // CONFIG_MAX_PHYSMEM_BITS (arch/s390/Kconfig:672, default 46).
  s390: profile('s390x, 4K pages', 12, 28, 46),
  // 32-bit and aliasing-cache architectures matter for DAX profiles; their memory
  // constants are the common 32-bit ones (arch/arm/include/asm/sparsemem.h: 28/32).
  arm: profile('arm (32-bit)', 12, 28, 32),
  mips: profile('mips (32-bit)', 12, 28, 32),
  parisc: profile('parisc (32-bit)', 12, 28, 32),
};

export function archConstants(arch: Arch): ArchConstants {
  return ARCH_CONSTANTS[arch];
}
