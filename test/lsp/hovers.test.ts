// Hover content, computed on parsed text (the stdio test drives the same code through the server).

import { describe, expect, it } from 'vitest';
import { archConstants } from '../../model/src/index';
import { constantHover } from '../../server/src/lsp/features/hovers/constant';
import { CParser } from '../../server/src/syntax/parser';

async function hoverConst(src: string, needle: string, arch: Parameters<typeof archConstants>[0] = 'x86_64') {
  const tree = (await CParser.load()).parse(src)!;
  try {
    return constantHover(tree, src, src.indexOf(needle), archConstants(arch));
  } finally {
    tree.delete();
  }
}

describe('constant hover', () => {
  it('grows to the largest constant expression, through ALIGN()', async () => {
    const h = await hoverConst('void f(void) { x = ALIGN(5 * SZ_1M, SUBSECTION_SIZE); }', '5 *');
    expect(h?.text).toBe('ALIGN(5 * SZ_1M, SUBSECTION_SIZE)');
    expect(h?.value).toBe(6n << 20n);
  });

  it('stops at what is not constant', async () => {
    const h = await hoverConst('void f(struct resource *res) { x = res->start + SZ_2M; }', 'SZ_2M');
    expect(h?.text).toBe('SZ_2M');
    expect(h?.markdown).toMatch(/subsection \(2 MiB\) \| .* \| aligned \(memremap_pages\(\)\)/);
  });

  it('judges alignment with the profile: 128 MiB is a whole block on x86_64, a quarter of one with arm64 64K pages', async () => {
    const src = 'void f(void) { add_memory(0, base, SZ_128M, MHP_NONE); }';
    expect((await hoverConst(src, 'SZ_128M'))?.markdown).toMatch(/memory block \(128 MiB at least: x86 probes up to 2 GiB at boot\) \| memory1, aligned \| aligned/);
    expect((await hoverConst(src, 'SZ_128M', 'arm64-64k'))?.markdown).toMatch(/memory block \(512 MiB\) \| memory0, not aligned \| not aligned/);
  });

  it('reads a shift as a shift and a count of pages as pages, not as bytes (found in review)', async () => {
    const src = 'void f(void) { a = PAGE_SHIFT; b = PAGES_PER_SECTION; c = PMD_SHIFT; }';
    expect((await hoverConst(src, 'PAGE_SHIFT'))?.markdown).toBe('**`PAGE_SHIFT`** = 12 · x86_64, 4-level paging, 4K pages: a shift, 1 << 12 = 0x1000 (4 KiB)');
    expect((await hoverConst(src, 'PAGES_PER_SECTION'))?.markdown).toBe('**`PAGES_PER_SECTION`** = 0x8000 · x86_64, 4-level paging, 4K pages: 32768 pages (128 MiB with 4 KiB pages)');
    expect((await hoverConst(src, 'PMD_SHIFT'))?.markdown).toMatch(/: a shift, 1 << 21 = 0x200000 \(2 MiB\)$/);
  });

  it('knows 32-bit arm\'s LPAE reaches past 4 GiB (found in review: a 32-bit guess)', async () => {
    const src = 'void f(void) { x = 0x100000000ULL; }';
    expect((await hoverConst(src, '0x1000', 'arm'))?.markdown).toMatch(/MAX_PHYSMEM_BITS \(36 bits, 64 GiB\): yes/);
  });

  it('says when an address is beyond MAX_PHYSMEM_BITS for the profile', async () => {
    const src = 'void f(void) { x = 0x400000000000ULL; }';
    expect((await hoverConst(src, '0x4000'))?.markdown).toMatch(/\*\*no\*\*: no memmap can describe it/);
    expect((await hoverConst(src, '0x4000', 'x86_64-la57'))?.markdown).toMatch(/MAX_PHYSMEM_BITS \(52 bits, 4096 TiB\): yes/);
  });

  it('reads resource flags as flags, not as an address or a size, and leaves other flag families alone (found in review)', async () => {
    const h = await hoverConst('void f(struct resource *res) { res->flags = IORESOURCE_MEM | IORESOURCE_BUSY; }', 'IORESOURCE_MEM |');
    expect(h?.text).toBe('IORESOURCE_MEM | IORESOURCE_BUSY');
    expect(h?.markdown).toBe('**`IORESOURCE_MEM | IORESOURCE_BUSY`** = 0x80000200 · resource flags MEM|BUSY');
    expect(await hoverConst('void f(void) { p = kmalloc(8, GFP_KERNEL | __GFP_ZERO); }', 'GFP_KERNEL')).toBeUndefined();
  });

  it('leaves small numbers and non-constants alone', async () => {
    expect(await hoverConst('void f(int i) { x = i + 3; }', '3')).toBeUndefined();
    expect(await hoverConst('void f(int i) { x = i + 3; }', 'i +')).toBeUndefined();
  });
});
