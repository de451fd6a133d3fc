// memmap-pfn-valid-uninit (seed 003): pfn_valid() then pfn_to_page() and a read of the page's
// state. pfn_valid() only says a memmap exists; for memory that is hot-added but not online (or
// being offlined) the memmap is uninitialized (poisoned), so the read sees garbage.

import { isDirect } from './ownership.js';
import { hotplugExample, pageOrigin, pfnChecks, memmapCapabilities } from './memmap/common.js';
import { createRule } from './rule.js';

export default createRule({
  meta: {
    id: 'memmap-pfn-valid-uninit',
    defaultSeverity: 'warning',
    seed: '003',
    summary: 'pfn_valid() then pfn_to_page() and page state reads: the memmap may be uninitialized; use pfn_to_online_page()',
  },
  checkPath(ctx) {
    if (!memmapCapabilities(ctx.profile, ctx.file).hotplug) return;
    const ops = ctx.st.ops;
    const reported = new Set<number>();
    ops.forEach((l) => {
      if (l.op.kind !== 'page_read' || !isDirect(l) || reported.has(l.op.target)) return;
      const origin = pageOrigin(ops, l.op.target);
      // A PFN a mapping gave (pte_pfn(), a GUP) points at memory in use, whose memmap is
      // initialized; one computed from a physical address can be any PFN, offline ones too.
      if (!origin || origin.via !== 'pfn_to_page' || !origin.phys) return;
      const checks = pfnChecks(ops, origin.pfn, l.op.target);
      if (!checks.valid || checks.online) return;
      reported.add(l.op.target);
      const ex = hotplugExample(ctx.layout, ctx.profile, false);
      ctx.report({
        site: l.at,
        message: `${l.op.what} reads the struct page of a PFN that only pfn_valid() checked: pfn_valid() says a memmap exists, not that it is ` +
          `initialized. Memory that is hot-added but not onlined, or being offlined, has a poisoned memmap (on this machine, e.g. ` +
          `${ex.text}: pfn_valid() ${ex.world.pfnValid(ex.pfn) ? 'returns 1' : 'returns 0'}, the memmap is ${ex.world.memmapState(ex.pfn)}), ` +
          `so the read returns garbage. Use pfn_to_online_page(), which also leaves out ZONE_DEVICE PFNs`,
        trace: [
          { site: (checks.valid ?? l).site, message: 'pfn_valid() accepts the PFN: a memmap exists' },
          { site: origin.step.site, message: 'pfn_to_page() returns its struct page without any further check' },
          { site: l.site, message: `${l.op.what} reads page state that nobody initialized if the section is offline` },
        ],
      });
    });
  },
});
