// Resource flag and descriptor values exactly as include/linux/ioport.h (6.12) defines them.

import { table } from '../table.js';

export const IORESOURCE_BITS = 0x000000ff;
export const IORESOURCE_TYPE_BITS = 0x00001f00;
export const IORESOURCE_IO = 0x00000100;
export const IORESOURCE_MEM = 0x00000200;
export const IORESOURCE_REG = 0x00000300;
export const IORESOURCE_IRQ = 0x00000400;
export const IORESOURCE_DMA = 0x00000800;
export const IORESOURCE_BUS = 0x00001000;
export const IORESOURCE_PREFETCH = 0x00002000;
export const IORESOURCE_READONLY = 0x00004000;
export const IORESOURCE_CACHEABLE = 0x00008000;
export const IORESOURCE_RANGELENGTH = 0x00010000;
export const IORESOURCE_SHADOWABLE = 0x00020000;
export const IORESOURCE_SIZEALIGN = 0x00040000;
export const IORESOURCE_STARTALIGN = 0x00080000;
export const IORESOURCE_MEM_64 = 0x00100000;
export const IORESOURCE_WINDOW = 0x00200000;
export const IORESOURCE_MUXED = 0x00400000;
export const IORESOURCE_EXT_TYPE_BITS = 0x01000000;
export const IORESOURCE_SYSRAM = 0x01000000;
export const IORESOURCE_SYSRAM_DRIVER_MANAGED = 0x02000000;
export const IORESOURCE_SYSRAM_MERGEABLE = 0x04000000;
export const IORESOURCE_EXCLUSIVE = 0x08000000;
export const IORESOURCE_DISABLED = 0x10000000;
export const IORESOURCE_UNSET = 0x20000000;
export const IORESOURCE_AUTO = 0x40000000;
// 0x80000000 does not fit a signed 32-bit int; flags are kept as unsigned numbers (>>> 0).
export const IORESOURCE_BUSY = 0x80000000;
export const IORESOURCE_SYSTEM_RAM = IORESOURCE_MEM | IORESOURCE_SYSRAM;

export const IORES_DESC_NONE = 0;
export const IORES_DESC_CRASH_KERNEL = 1;
export const IORES_DESC_ACPI_TABLES = 2;
export const IORES_DESC_ACPI_NV_STORAGE = 3;
export const IORES_DESC_PERSISTENT_MEMORY = 4;
export const IORES_DESC_PERSISTENT_MEMORY_LEGACY = 5;
export const IORES_DESC_DEVICE_PRIVATE_MEMORY = 6;
export const IORES_DESC_RESERVED = 7;
export const IORES_DESC_SOFT_RESERVED = 8;
export const IORES_DESC_CXL = 9;

/** Every named constant, for the constant-expression evaluator and for printing flag sets. */
export const RESOURCE_CONSTANTS: Readonly<Record<string, number>> = table({
  IORESOURCE_BITS, IORESOURCE_TYPE_BITS, IORESOURCE_IO, IORESOURCE_MEM, IORESOURCE_REG,
  IORESOURCE_IRQ, IORESOURCE_DMA, IORESOURCE_BUS, IORESOURCE_PREFETCH, IORESOURCE_READONLY,
  IORESOURCE_CACHEABLE, IORESOURCE_RANGELENGTH, IORESOURCE_SHADOWABLE, IORESOURCE_SIZEALIGN,
  IORESOURCE_STARTALIGN, IORESOURCE_MEM_64, IORESOURCE_WINDOW, IORESOURCE_MUXED,
  IORESOURCE_EXT_TYPE_BITS, IORESOURCE_SYSRAM, IORESOURCE_SYSRAM_DRIVER_MANAGED,
  IORESOURCE_SYSRAM_MERGEABLE, IORESOURCE_EXCLUSIVE, IORESOURCE_DISABLED, IORESOURCE_UNSET,
  IORESOURCE_AUTO, IORESOURCE_BUSY, IORESOURCE_SYSTEM_RAM,
  IORES_DESC_NONE, IORES_DESC_CRASH_KERNEL, IORES_DESC_ACPI_TABLES, IORES_DESC_ACPI_NV_STORAGE,
  IORES_DESC_PERSISTENT_MEMORY, IORES_DESC_PERSISTENT_MEMORY_LEGACY,
  IORES_DESC_DEVICE_PRIVATE_MEMORY, IORES_DESC_RESERVED, IORES_DESC_SOFT_RESERVED, IORES_DESC_CXL,
});

/** resource_type() */
export function resourceType(flags: number): number {
  return (flags & IORESOURCE_TYPE_BITS) >>> 0;
}

/** resource_ext_type() */
export function resourceExtType(flags: number): number {
  return (flags & IORESOURCE_EXT_TYPE_BITS) >>> 0;
}

export function hasFlag(flags: number, bit: number): boolean {
  return ((flags & bit) >>> 0) !== 0;
}

const FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [IORESOURCE_BUSY, 'BUSY'],
  [IORESOURCE_SYSRAM, 'SYSRAM'],
  [IORESOURCE_SYSRAM_DRIVER_MANAGED, 'DRIVER_MANAGED'],
  [IORESOURCE_MUXED, 'MUXED'],
  [IORESOURCE_EXCLUSIVE, 'EXCLUSIVE'],
];

/** Short human form of the flags that matter for ownership, e.g. "MEM|BUSY|SYSRAM". */
export function describeFlags(flags: number): string {
  const parts: string[] = [];
  const type = resourceType(flags);
  if (type === IORESOURCE_MEM) parts.push('MEM');
  else if (type === IORESOURCE_IO) parts.push('IO');
  else if (type !== 0) parts.push(`type 0x${type.toString(16)}`);
  for (const [bit, name] of FLAG_NAMES) if (hasFlag(flags, bit)) parts.push(name);
  return parts.length ? parts.join('|') : '0';
}
