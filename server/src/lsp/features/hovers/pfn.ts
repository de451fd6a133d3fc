// Hover on pfn_valid() / pfn_to_online_page() / pfn_to_page(): what the call guarantees and what
// it does not, and whether memory hotplug is held off at this call on the paths walked.

import { type KernelProfile, type MachineLayout, archDirOfFile } from '../../../../../model/src/index.js';
import type { CallFact } from '../../../analysis/callFacts.js';
import { hotplugExample, memmapCapabilities } from '../../../rules/memmap/common.js';

const GUARANTEES: Readonly<Record<string, { does: string; doesNot: string }>> = {
  pfn_valid: {
    does: 'a memmap exists for the PFN: its section is present with a memmap (with SPARSEMEM_VMEMMAP, its subsection is populated), so `pfn_to_page()` points at allocated struct pages.',
    doesNot: 'that the memmap is **initialized**: memory hot-added but not onlined, or being offlined, has a poisoned memmap. Nor that the page is online, not ZONE_DEVICE, or still there after the call.',
  },
  pfn_to_online_page: {
    does: 'the section is online and the PFN is not ZONE_DEVICE, at the time of the call: the struct page is initialized.',
    doesNot: 'that it stays so: without `get_online_mems()` another CPU can offline and remove the memory at any time after the call.',
  },
  pfn_to_page: {
    does: 'nothing: it computes the struct page address (`vmemmap + pfn`).',
    doesNot: 'that a memmap exists, is initialized or stays: check with `pfn_to_online_page()` instead.',
  },
};

export const PFN_APIS: ReadonlySet<string> = new Set(Object.keys(GUARANTEES));

export function pfnHover(word: string, fact: CallFact | undefined, layout: MachineLayout, profile: KernelProfile, file?: string): string | undefined {
  const g = GUARANTEES[word];
  if (!g) return undefined;
  const parts = [`**${word}()** (iomem-lens memmap model)`, `Guarantees: ${g.does}`, `Does not guarantee: ${g.doesNot}`];
  // Without memory hotplug nothing is hot-added, offlined or removed (found in review: the
  // hover showed a hot-added example on mips and arm, where the rules rightly say nothing).
  if (!memmapCapabilities(profile, file).hotplug) {
    parts.push(`On ${file && archDirOfFile(file) ? `arch/${archDirOfFile(file)}` : `this profile (${profile.arch})`}: no memory hotplug (the architecture does not enable it, or CONFIG_MEMORY_HOTPLUG=n): ` +
      'every memmap is initialized at boot and stays, so the answer does not change after the call.');
    return parts.join('\n\n');
  }
  const ex = hotplugExample(layout, profile, false);
  parts.push(`On this machine: ${ex.text}: pfn_valid() ${ex.world.pfnValid(ex.pfn) ? 'returns 1' : 'returns 0'}, ` +
    `pfn_to_online_page() returns ${ex.world.pfnToOnlinePage(ex.pfn) ? 'the page' : 'NULL'}, the memmap is ${ex.world.memmapState(ex.pfn)}.`);
  if (fact) parts.push(`Here: ${hotplugHere(fact)}`);
  return parts.join('\n\n');
}

function hotplugHere(f: CallFact): string {
  const of = `${f.paths} path${f.paths === 1 ? '' : 's'} walked through this call`;
  if (f.hotplugHeld === f.paths) return `memory hotplug is held off (\`get_online_mems()\`, \`mem_hotplug_begin()\`) on all ${of}: the answer holds until the hold is released.`;
  if (f.hotplugHeld === 0) return `nothing holds memory hotplug off on any of the ${of}: the answer can change right after the call.`;
  return `memory hotplug is held off on ${f.hotplugHeld} of the ${of} only.`;
}
