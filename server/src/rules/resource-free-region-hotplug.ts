// resource-free-region-hotplug (seed 001): request_free_mem_region() and friends on
// &iomem_resource search down from PHYSMEM_END for a free range; nothing keeps the search out
// of address space the firmware reserved for memory hotplug (ACPI SRAT ranges, DIMM slots,
// virtio-mem), where a later add_memory() then fails.

import { GFR_DESCENDING, archDir, archDirOfFile, candidateInWindow, hex, hex0x, runSchedule } from '../../../model/src/index.js';
import { isDirect } from './ownership.js';
import { createRule } from './rule.js';

export default createRule({
  meta: {
    id: 'resource-free-region-hotplug',
    defaultSeverity: 'warning',
    seed: '001',
    summary: 'request_free_mem_region()-family on &iomem_resource: the top-down search can take address space reserved for memory hotplug',
  },
  checkPath(ctx) {
    // The layout is a machine of the profile's architecture: code of another architecture
    // (arch/powerpc's ultravisor) never runs on it, and its firmware has no such windows.
    const dir = ctx.file ? archDirOfFile(ctx.file) : undefined;
    if (dir && dir !== archDir(ctx.profile.arch)) return;
    const logged = ctx.st.ops;
    logged.forEach((l, i) => {
      const op = l.op;
      if (op.kind !== 'free_region' || op.base.kind !== 'iomem' || !(op.gfr & GFR_DESCENDING)) return;
      // A call inside an inlined helper is reported where it is written, when the helper is analyzed.
      if (!isDirect(l)) return;
      // The tree as this path had it just before the search.
      const before = runSchedule(ctx.layout.tree, logged.slice(0, i).map((o) => ({ op: o.op, expectOk: o.expectOk })), [], logged.slice(0, i).map(() => 'owner' as const));
      const base = before.world.tree.root;
      const request = { base, size: op.size, align: op.align, name: op.name, desc: op.desc, flags: op.gfr, physmemEnd: op.physmemEnd, version: op.version };
      for (const w of ctx.layout.hotplugWindows) {
        const at = candidateInWindow(request, w);
        if (at === undefined) continue;
        const range = `[${hex(at)}-${hex(at + op.size - 1n)}]`;
        ctx.report({
          site: l.at,
          message: `${l.callee}() searches &iomem_resource down from PHYSMEM_END (${hex(op.physmemEnd)}) for any free range, and nothing keeps ` +
            `it out of address space the firmware reserved for memory hotplug: on the layout "${ctx.layout.name}" it can take ${range} in ` +
            `${w.source} [${hex(w.start)}-${hex(w.end)}], and a later add_memory() of that range fails. Device-private memory only needs ` +
            `PFNs that pfn_to_page() can map; search a window of its own, above the hotpluggable range`,
          trace: [{ site: l.site, message: `get_free_mem_region() takes the first REGION_DISJOINT range it meets going down in steps of ${hex0x(op.align)}; ${range} lies in the hotplug window` }],
        });
        return;
      }
    });
  },
});
