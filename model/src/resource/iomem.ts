// /proc/iomem: rendering a tree the way r_show() in kernel/resource.c prints it, and reading
// a real dump back into a tree.

import {
  IORESOURCE_BUSY, IORESOURCE_MEM, IORESOURCE_SYSRAM_DRIVER_MANAGED, IORESOURCE_SYSTEM_RAM,
  IORES_DESC_ACPI_NV_STORAGE, IORES_DESC_ACPI_TABLES, IORES_DESC_CXL, IORES_DESC_NONE,
  IORES_DESC_PERSISTENT_MEMORY, IORES_DESC_PERSISTENT_MEMORY_LEGACY, IORES_DESC_RESERVED,
  IORES_DESC_SOFT_RESERVED,
} from './flags.js';
import { Resource, ResourceTree, U64_MAX } from './tree.js';
import { table } from '../table.js';

/** r_show(): MAX_IORES_LEVEL caps the indentation, not the walk. */
const MAX_IORES_LEVEL = 5;

export interface RenderOptions {
  /** Marks lines, e.g. to highlight the region a hover is about. */
  mark?: (r: Resource) => string | undefined;
  /** Appends the flags the dump itself does not show. */
  showFlags?: (r: Resource) => string | undefined;
  /** Only resources overlapping this range (and their ancestors) are printed. */
  window?: { start: bigint; end: bigint };
}

export function renderIomem(tree: ResourceTree, opts: RenderOptions = {}): string {
  const width = tree.root.end < 0x10000n ? 4 : 8;
  const lines: string[] = [];
  for (const { res, depth } of tree.walk()) {
    if (opts.window && (res.end < opts.window.start || res.start > opts.window.end)) continue;
    const indent = ' '.repeat(Math.min(depth, MAX_IORES_LEVEL) * 2);
    let line = `${indent}${res.start.toString(16).padStart(width, '0')}-${res.end.toString(16).padStart(width, '0')} : ${res.name}`;
    const flags = opts.showFlags?.(res);
    if (flags) line += `  [${flags}]`;
    const mark = opts.mark?.(res);
    if (mark) line += `  ${mark}`;
    lines.push(line);
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}

export class IomemParseError extends Error {
  constructor(message: string, readonly line?: number) {
    super(line ? `line ${line}: ${message}` : message);
  }
}

export interface ParsedIomem {
  tree: ResourceTree;
  /** Lines that were not understood, reported but not fatal. */
  warnings: string[];
}

const LINE = /^( *)([0-9a-fA-F]+)-([0-9a-fA-F]+) : (.*)$/;
const PCI_DEVICE = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/;

/**
 * Flags and desc a dump does not show, inferred the way the kernel sets them when it builds
 * the tree (arch/x86/kernel/e820.c do_mark_busy(), e820_type_to_iores_desc(), the PCI core).
 */
export function inferFlags(name: string, start: bigint, hasChildren: boolean): { flags: number; desc: number } {
  const below1M = start < 0x100000n;
  if (name === 'System RAM') return { flags: IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, desc: IORES_DESC_NONE };
  if (name.startsWith('System RAM (')) {
    return { flags: IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY | IORESOURCE_SYSRAM_DRIVER_MANAGED, desc: IORES_DESC_NONE };
  }
  const e820: Readonly<Record<string, { busy: boolean; desc: number }>> = table({
    'Reserved': { busy: below1M, desc: IORES_DESC_RESERVED },
    'reserved': { busy: below1M, desc: IORES_DESC_RESERVED },
    'Soft Reserved': { busy: below1M, desc: IORES_DESC_SOFT_RESERVED },
    'Persistent Memory': { busy: below1M, desc: IORES_DESC_PERSISTENT_MEMORY },
    'Persistent Memory (legacy)': { busy: below1M, desc: IORES_DESC_PERSISTENT_MEMORY_LEGACY },
    'ACPI Tables': { busy: true, desc: IORES_DESC_ACPI_TABLES },
    'ACPI Non-volatile Storage': { busy: true, desc: IORES_DESC_ACPI_NV_STORAGE },
    'Unusable memory': { busy: true, desc: IORES_DESC_NONE },
    'CXL Window 0': { busy: false, desc: IORES_DESC_CXL },
  });
  const known = e820[name];
  if (known) return { flags: IORESOURCE_MEM | (known.busy ? IORESOURCE_BUSY : 0), desc: known.desc };
  if (/^CXL Window/.test(name)) return { flags: IORESOURCE_MEM, desc: IORES_DESC_CXL };
  // Bus windows, BARs and firmware containers are not BUSY: drivers nest their requests in them.
  if (name.startsWith('PCI Bus') || PCI_DEVICE.test(name) || /^(PCI MMCONFIG|pnp |region\d|namespace|dax\d|hmem)/.test(name)) {
    return { flags: IORESOURCE_MEM, desc: IORES_DESC_NONE };
  }
  // Kernel images and other leaves requested by a driver are BUSY; containers with children
  // that are not System RAM are usually not.
  return { flags: IORESOURCE_MEM | (hasChildren ? 0 : IORESOURCE_BUSY), desc: IORES_DESC_NONE };
}

/**
 * Reads /proc/iomem text. Nesting comes from the two-space indentation. A dump read without
 * CAP_SYS_ADMIN has every address printed as zero; it is refused with a message saying so.
 */
export function parseIomem(text: string): ParsedIomem {
  if (text.includes('\0')) throw new IomemParseError('not a /proc/iomem dump: it contains NUL bytes');
  const rows: { depth: number; start: bigint; end: bigint; name: string; line: number }[] = [];
  const warnings: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    if (!raw.trim() || raw.trimStart().startsWith('#')) return;
    const m = LINE.exec(raw);
    if (!m) {
      // A dump cut off mid-line (copied from a terminal, a partial read) ends in a half line.
      const last = lines.slice(i + 1).every((l) => !l.trim());
      warnings.push(`line ${i + 1}: not a /proc/iomem line: ${JSON.stringify(raw.slice(0, 60))}${last ? ' (the dump looks truncated)' : ''}; ignored`);
      return;
    }
    const [, indent, s, e, name] = m as unknown as [string, string, string, string, string];
    if (indent.length % 2) warnings.push(`line ${i + 1}: odd indentation, nesting guessed`);
    const start = BigInt('0x' + s);
    const end = BigInt('0x' + e);
    if (end > U64_MAX) throw new IomemParseError('address does not fit 64 bits', i + 1);
    if (start > end) throw new IomemParseError(`${name.trim()}: start ${s} is above end ${e}`, i + 1);
    rows.push({ depth: Math.floor(indent.length / 2), start, end, name: name.trim(), line: i + 1 });
  });
  if (rows.length === 0) throw new IomemParseError('no /proc/iomem lines found');
  if (rows.every((r) => r.start === 0n && r.end === 0n)) {
    throw new IomemParseError('every address is zero: this dump was read without root (CAP_SYS_ADMIN); read /proc/iomem as root');
  }
  const tree = new ResourceTree({ name: 'PCI mem', start: 0n, end: U64_MAX, flags: IORESOURCE_MEM });
  const stack: Resource[] = [tree.root];
  rows.forEach((row, idx) => {
    const next = rows[idx + 1];
    const hasChildren = !!next && next.depth > row.depth;
    const depth = Math.min(row.depth, stack.length - 1);
    stack.length = depth + 1;
    const parent = stack[depth] as Resource;
    const { flags, desc } = inferFlags(row.name, row.start, hasChildren);
    const res = tree.alloc({ name: row.name, start: row.start, end: row.end, flags, desc });
    const conflict = tree.requestResourceConflict(parent, res);
    if (conflict) {
      throw new IomemParseError(
        `${row.name} ${row.start.toString(16)}-${row.end.toString(16)} overlaps ${conflict === parent ? 'the end of its parent' : conflict.name} or is out of order`,
        row.line);
    }
    stack.push(res);
  });
  return { tree, warnings };
}
