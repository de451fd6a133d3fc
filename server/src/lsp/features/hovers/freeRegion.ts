// Hover on request_free_mem_region() and friends: the range the search takes on the machine
// layout (as the analysis ran it) and whether the search can reach the hotplug window.

import { GFR_DESCENDING, GFR_REQUEST_REGION, IORES_DESC_DEVICE_PRIVATE_MEMORY, MachineLayout, archConstants, candidateInWindow, hex0x, KernelProfile } from '../../../../../model/src/index.js';
import type { CallFact } from '../../../analysis/callFacts.js';

export const FREE_REGION_APIS: ReadonlySet<string> = new Set(['request_free_mem_region', 'devm_request_free_mem_region', 'alloc_free_mem_region']);

export function freeRegionHover(word: string, fact: CallFact | undefined, layout: MachineLayout, profile: KernelProfile): string {
  const arch = archConstants(profile.arch);
  const parts = [`**${word}()** (iomem-lens resource model)`,
    'get_free_mem_region() walks candidate ranges ' +
      (word === 'alloc_free_mem_region' ? 'upward from the base' : `down from PHYSMEM_END (${hex0x(arch.physmemEnd)} on ${arch.config})`) +
      ' and takes the first one that intersects nothing (REGION_DISJOINT).'];
  if (fact?.picked) {
    const size = BigInt(fact.picked.end) - BigInt(fact.picked.start) + 1n;
    parts.push(`On the layout "${layout.name}" it takes **[${fact.picked.start}-${fact.picked.end}]** (size ${hex0x(size)}).`);
    const picked = { start: BigInt(fact.picked.start), end: BigInt(fact.picked.end) };
    const inside = layout.hotplugWindows.find((w) => picked.start <= w.end && picked.end >= w.start);
    if (inside) parts.push(`That range lies in the hotplug window of ${inside.source} [${hex0x(inside.start)}-${hex0x(inside.end)}]: a later add_memory() there fails.`);
    else if (word !== 'alloc_free_mem_region') {
      for (const w of layout.hotplugWindows) {
        const at = candidateInWindow({ base: layout.tree.root, size, align: 1n << BigInt(arch.sectionSizeBits), name: '', desc: IORES_DESC_DEVICE_PRIVATE_MEMORY,
          flags: GFR_DESCENDING | GFR_REQUEST_REGION, physmemEnd: arch.physmemEnd, version: profile.version }, w);
        if (at !== undefined) parts.push(`Once the space above is taken, the same search reaches the hotplug window of ${w.source}: first candidate there ${hex0x(at)}.`);
      }
    }
  } else if (fact) {
    parts.push('On the paths walked the search did not succeed (or its size is not known).');
  }
  return parts.join('\n\n');
}
