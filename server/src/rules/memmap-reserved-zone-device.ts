// memmap-reserved-zone-device (seed 003): PageReserved() used to decide that a page is not
// refcounted or must not be touched, on a PFN that can be ZONE_DEVICE, without telling
// ZONE_DEVICE pages apart: __init_zone_device_page() marks every ZONE_DEVICE page PG_reserved,
// yet they are refcounted (kvm_pfn_to_refcounted_page() checks kvm_is_zone_device_page()).

import { hex0x } from '../../../model/src/index.js';
import { ZONE_DISCRIMINATORS, functionCalls, pageOrigin, memmapCapabilities, zoneDeviceExample } from './memmap/common.js';
import { isDirect } from './ownership.js';
import { createRule } from './rule.js';

export default createRule({
  meta: {
    id: 'memmap-reserved-zone-device',
    defaultSeverity: 'warning',
    seed: '003',
    summary: 'PageReserved() decides "not refcounted / do not touch" on PFNs that can be ZONE_DEVICE (whose pages are PG_reserved) without is_zone_device_page()',
  },
  checkPath(ctx) {
    if (!memmapCapabilities(ctx.profile, ctx.file).zoneDevice) return;
    // A function that consults the zone or the memory type anywhere has dealt with ZONE_DEVICE
    // pages deliberately (KVM's kvm_is_mmio_pfn() falls back to PAT only when PAT is enabled).
    // A static helper of the file that does (a wrapper of is_zone_device_page() under another
    // name) counts as well (found in review).
    if (functionCalls(ctx.cfg, ctx.zoneCheckers ?? ZONE_DISCRIMINATORS)) return;
    const ops = ctx.st.ops;
    for (const l of ops) {
      const op = l.op;
      if (op.kind !== 'page_read' || op.what !== 'PageReserved()' || op.result !== true || !isDirect(l)) continue;
      const origin = pageOrigin(ops, op.target);
      // PFNs that mappings hand out (page tables, GUP, a caller's pfn) can be ZONE_DEVICE pages in
      // use; a PFN computed from a physical address range is judged by what the range is, which
      // the caller knows (a System RAM resource holds no ZONE_DEVICE pages).
      if (!origin || origin.via !== 'pfn_to_page' || origin.phys) continue;
      if (ops.some((o) => o.op.kind === 'page_zone_check' && o.op.target === op.target)) continue;
      // The model's case: a persistent-memory PFN mapped by memremap_pages() for fs-dax.
      const ex = zoneDeviceExample(ctx.layout, ctx.profile);
      ctx.report({
        site: l.at,
        message: `PageReserved() decides this path (the page is treated as reserved) without telling ZONE_DEVICE pages apart: ` +
          `__init_zone_device_page() sets PG_reserved on every ZONE_DEVICE page, which are still refcounted and in use ` +
          `(on this machine, e.g. PFN ${hex0x(ex.pfn)} of device memory mapped by memremap_pages() for fs-dax: PageReserved() ${ex.reserved ? 'is true' : 'is false'}, ` +
          `get_dev_pagemap() finds a ${ex.pagemap ?? 'no'} pagemap). Check is_zone_device_page() before concluding`,
        trace: [
          { site: origin.step.site, message: 'pfn_to_page() of a PFN that can belong to a ZONE_DEVICE pagemap' },
          { site: l.site, message: 'PageReserved() is true on this path, and no is_zone_device_page() check follows' },
          ...(ctx.st.returnSite ? [{ site: ctx.st.returnSite, message: 'the path concludes as for a reserved page' }] : []),
        ],
      });
      return;
    }
  },
});
