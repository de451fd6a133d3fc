// Hover on an integer literal or a constant expression (SZ_64M, 0x8000000000ULL + SZ_1M,
// PAGES_PER_SECTION << PAGE_SHIFT): where it falls as an address and how it aligns as a size,
// for the active architecture profile.

import {
  ArchConstants, archConstEnv, builtinConstants, definesEnv, describeFlags, evalConst, hex0x, locate, pageSize, sectionSize, subsectionSize,
} from '../../../../../model/src/index.js';
import { fileDefines } from '../../../analysis/defines.js';
import type { Tree } from '../../../syntax/parser.js';
import { ancestryAt } from '../../../syntax/snode.js';

/** Expression nodes a constant expression grows through (a call only when it evaluates: ALIGN(), BIT()). */
const GROWS_THROUGH = new Set(['binary_expression', 'parenthesized_expression', 'cast_expression', 'unary_expression', 'call_expression', 'argument_list']);

/**
 * Flag families: a value made of them is no address or size (found in review:
 * IORESOURCE_SYSTEM_RAM was explained as 2 GiB with a PFN and section table).
 */
const FLAG_NAMES = /\b(?:IORESOURCE_\w+|IORES_DESC_\w+|MHP_\w+|_*GFP_\w+|VM_\w+|MEMREMAP_\w+|PGMAP_\w+|MEMORY_DEVICE_\w+|MF_\w+)\b/;

/** Names that make a small value worth explaining as memory. */
const MEMORY_NAMES = /\b(?:SZ_\w+|PAGE_\w+|SECTION\w*|SUBSECTION\w*|PAGES_PER_\w+|PMD_\w+|PUD_\w+|MEMORY_BLOCK\w*|PHYSMEM\w*)\b/;

export interface ConstantHover {
  text: string;
  value: bigint;
  markdown: string;
}

/** The constant environment of a text (its #defines over the arch's constants), for the last text seen. */
let lastEnv: { source: string; arch: ArchConstants; env: ReturnType<typeof definesEnv> } | undefined;
function envFor(source: string, arch: ArchConstants): ReturnType<typeof definesEnv> {
  if (lastEnv?.source !== source || lastEnv.arch !== arch) {
    lastEnv = { source, arch, env: definesEnv(fileDefines(source), (name) => archConstEnv(arch)(name) ?? builtinConstants(name)) };
  }
  return lastEnv.env;
}

export function constantHover(tree: Tree, source: string, offset: number, arch: ArchConstants): ConstantHover | undefined {
  const [leaf, ...ancestors] = ancestryAt(tree, offset);
  if (!leaf || (leaf.type !== 'number_literal' && leaf.type !== 'identifier')) return undefined;
  const env = envFor(source, arch);
  // Text from the document, not the tree: the parser saw kernel annotation macros masked.
  const textOf = (n: { start: number; end: number }): string => source.slice(n.start, n.end);
  const own = evalConst(textOf(leaf), env);
  if (own === undefined) return undefined;
  let best = { text: textOf(leaf), value: own };
  // Grow to the largest enclosing expression that is still constant.
  for (const p of ancestors) {
    if (!GROWS_THROUGH.has(p.type)) break;
    if (p.type === 'argument_list') continue;
    const v = evalConst(textOf(p), env);
    if (v === undefined) break;
    best = { text: textOf(p), value: v };
  }
  if (best.value < 0n) return undefined;
  if (FLAG_NAMES.test(best.text) && !MEMORY_NAMES.test(best.text)) {
    // Resource flags read as the tree prints them; other flag families have nothing to add.
    if (!/\bIORESOURCE_/.test(best.text) || best.value > 0xffffffffn) return undefined;
    return { ...best, markdown: `**\`${best.text.replace(/\s+/g, ' ')}\`** = ${hex0x(best.value)} · resource flags ${describeFlags(Number(best.value))}` };
  }
  if (best.value < pageSize(arch) && !MEMORY_NAMES.test(best.text)) return undefined;
  // A shift or a count of pages is no address or size in bytes (found in review: PAGE_SHIFT
  // "12 bytes", PAGES_PER_SECTION "32 KiB").
  const name = /^[A-Z_][A-Z0-9_]*$/.test(best.text.trim()) ? best.text.trim() : undefined;
  if (name && /_(?:SHIFT|BITS|ORDER)$/.test(name) && best.value < 128n) {
    return { ...best, markdown: `**\`${name}\`** = ${best.value} · ${arch.config}: a shift, 1 << ${best.value} = ${hex0x(1n << best.value)} (${human(1n << best.value)})` };
  }
  if (name && /^(?:PAGES_PER_\w+|\w+_NR_PAGES|NR_\w*PAGES)$/.test(name)) {
    return { ...best, markdown: `**\`${name}\`** = ${hex0x(best.value)} · ${arch.config}: ${best.value} pages (${human(best.value * pageSize(arch))} with ${human(pageSize(arch))} pages)` };
  }
  return { ...best, markdown: describe(best.text, best.value, arch) };
}

function human(v: bigint): string {
  const units: [bigint, string][] = [[1n << 40n, 'TiB'], [1n << 30n, 'GiB'], [1n << 20n, 'MiB'], [1n << 10n, 'KiB']];
  for (const [u, name] of units) if (v >= u && v % u === 0n) return `${v / u} ${name}`;
  for (const [u, name] of units) if (v >= u) return `${(Number(v) / Number(u)).toFixed(2)} ${name}`;
  return `${v} bytes`;
}

const mark = (ok: boolean): string => (ok ? 'aligned' : 'not aligned');

/**
 * Where the memory block size is the boot's choice, not the section's: the table's figure is the
 * smallest (found in review: stated as the size). arch/x86/mm/init_64.c probe_memory_block_size()
 * takes up to 2 GiB on bare metal with 64 GiB or more; powerpc's platforms probe theirs
 * (arch/powerpc/kernel/setup_64.c memory_block_size_bytes()).
 */
const BLOCK_PROBED: Readonly<Record<string, string>> = {
  x86_64: ' at least: x86 probes up to 2 GiB at boot',
  ppc64: ' at least: powernv and pseries probe theirs, 1 GiB or the LMB size',
};

function describe(text: string, v: bigint, a: ArchConstants): string {
  const l = locate(a, v);
  const sub = subsectionSize(a);
  const sec = sectionSize(a);
  const block = a.memoryBlockSize;
  const expr = text.replace(/\s+/g, ' ');
  const head = `**\`${expr.length > 80 ? `${expr.slice(0, 77)}...` : expr}\`** = ${hex0x(v)} (${human(v)}) · ${a.config}`;
  const rows = [
    '| | as an address | as a size |',
    '|---|---|---|',
    `| page (${human(pageSize(a))}) | PFN ${hex0x(l.pfn)}${l.offsets.page ? ` + ${hex0x(l.offsets.page)}` : ''} | ${v / pageSize(a)} pages, ${mark(v % pageSize(a) === 0n)} |`,
    `| subsection (${human(sub)}) | subsection ${l.subsection} of section ${l.section}, ${mark(l.offsets.subsection === 0n)} | ${mark(v % sub === 0n)} (memremap_pages()) |`,
    `| section (${human(sec)}) | section ${l.section}, ${mark(l.offsets.section === 0n)} | ${mark(v % sec === 0n)} |`,
    `| memory block (${human(block)}${BLOCK_PROBED[a.config.split(/[ ,]/)[0] ?? ''] ?? ''}) | memory${l.memoryBlock}, ${mark(l.offsets.memoryBlock === 0n)} | ${mark(v % block === 0n)} (add_memory()) |`,
  ];
  const limit = `Below 1 << MAX_PHYSMEM_BITS (${a.maxPhysmemBits} bits, ${human(1n << BigInt(a.maxPhysmemBits))}): ` +
    (l.addressable ? 'yes' : '**no**: no memmap can describe it; pfn_valid() is 0 and add_memory() refuses it');
  return [head, rows.join('\n'), limit].join('\n\n');
}
