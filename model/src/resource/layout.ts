// Machine layouts: the iomem tree the simulations start from, plus what /proc/iomem cannot
// show (the address windows the firmware keeps for memory hotplug, from ACPI SRAT).

import { parseIomem } from './iomem.js';
import { ResourceTree } from './tree.js';

export interface AddressWindow {
  start: bigint;
  end: bigint;
  source: string;
}

export interface MachineLayout {
  name: string;
  tree: ResourceTree;
  /** Ranges the firmware reserved for hot-added memory (not resources: SRAT, DIMM slots). */
  hotplugWindows: AddressWindow[];
  warnings: string[];
}

/**
 * A two-socket x86_64 server with 256 GiB of DRAM, 64 GiB of persistent memory exposed as a
 * dax device, a CXL window, and 128 GiB above the top of RAM that SRAT marks hotpluggable.
 */
export const DEFAULT_IOMEM = `\
00000000-00000fff : Reserved
00001000-0009ffff : System RAM
000a0000-000fffff : Reserved
  000a0000-000bffff : PCI Bus 0000:00
  000c0000-000cffff : Video ROM
  000f0000-000fffff : System ROM
00100000-6ffe5fff : System RAM
  3c000000-3d201b7f : Kernel code
  3d400000-3dfe3fff : Kernel rodata
  3e000000-3e36127f : Kernel data
  3e9f6000-3f5fffff : Kernel bss
6ffe6000-6fffffff : Reserved
70000000-7fffffff : PCI Bus 0000:00
  70000000-70ffffff : 0000:00:02.0
  71000000-7100ffff : 0000:00:1f.3
80000000-8fffffff : PCI MMCONFIG 0000 [bus 00-ff]
  80000000-8fffffff : Reserved
90000000-fed1bfff : PCI Bus 0000:00
  90000000-9fffffff : PCI Bus 0000:01
    90000000-90ffffff : 0000:01:00.0
      90000000-90ffffff : nvme
  a0000000-a0003fff : 0000:00:1f.2
    a0000000-a0003fff : ahci
  fec00000-fec003ff : IOAPIC 0
  fed00000-fed003ff : HPET 0
    fed00000-fed003ff : PNP0103:00
fed1c000-fed1ffff : Reserved
  fed1c000-fed1ffff : pnp 00:05
fee00000-fee00fff : Local APIC
  fee00000-fee00fff : Reserved
ff000000-ffffffff : Reserved
100000000-407fffffff : System RAM
  3c7e000000-3fffffffff : Crash kernel
4080000000-4fffffffff : Persistent Memory
  4080000000-4fffffffff : namespace0.0
5000000000-53ffffffff : Soft Reserved
6000000000-7fffffffff : CXL Window 0
a000000000-dfffffffff : PCI Bus 0000:80
  a000000000-a0ffffffff : 0000:80:00.0
`;

export const DEFAULT_HOTPLUG_WINDOWS: AddressWindow[] = [
  { start: 0x8000000000n, end: 0x9fffffffffn, source: 'ACPI SRAT: hotpluggable memory, node 1' },
];

export function defaultLayout(): MachineLayout {
  const { tree, warnings } = parseIomem(DEFAULT_IOMEM);
  return { name: 'default x86_64 server', tree, hotplugWindows: DEFAULT_HOTPLUG_WINDOWS, warnings };
}

/** A layout read from the user's own /proc/iomem dump (no hotplug windows known). */
export function layoutFromDump(text: string, name: string): MachineLayout {
  const { tree, warnings } = parseIomem(text);
  return { name, tree, hotplugWindows: [], warnings };
}
