// memmap-range-align (seed 001): memremap_pages() ranges must be subsection-aligned
// (check_pfn_span()), add_memory*() ranges memory-block-aligned (check_hotplug_memory_range());
// anything else fails with -EINVAL.

import { archConstants, hex0x } from '../../../model/src/index.js';
import { isDirect } from './ownership.js';
import { createRule } from './rule.js';

export default createRule({
  meta: {
    id: 'memmap-range-align',
    defaultSeverity: 'warning',
    seed: '001',
    summary: 'memremap_pages()/add_memory*() ranges not aligned to the subsection / memory block granularity',
  },
  checkPath(ctx) {
    const a = archConstants(ctx.profile.arch);
    const sub = 1n << BigInt(a.subsectionShift);
    for (const l of ctx.st.ops) {
      if (!isDirect(l)) continue;
      const op = l.op;
      if (op.kind === 'add_memory') {
        const block = a.memoryBlockSize;
        if (op.start % block === 0n && op.size % block === 0n) continue;
        ctx.report({
          site: l.at,
          message: `${l.callee}() of [${hex0x(op.start)}, +${hex0x(op.size)}] is not aligned to the memory block size ` +
            `(${hex0x(block)} on ${a.config}): check_hotplug_memory_range() refuses it with -EINVAL ("Block size unaligned hotplug range")`,
          trace: [{ site: l.site, message: `start % block = ${hex0x(op.start % block)}, size % block = ${hex0x(op.size % block)}` }],
        });
      } else if (op.kind === 'mem_remap' && op.start !== undefined && op.end !== undefined) {
        const size = op.end - op.start + 1n;
        if (op.start % sub === 0n && size % sub === 0n) continue;
        ctx.report({
          site: l.at,
          message: `the pagemap range [${hex0x(op.start)}-${hex0x(op.end)}] is not aligned to a subsection (${hex0x(sub)}): ` +
            `memremap_pages() -> pagemap_range() -> add_pages() -> check_pfn_span() refuses it with -EINVAL`,
          trace: [{ site: l.site, message: `start % subsection = ${hex0x(op.start % sub)}, size % subsection = ${hex0x(size % sub)}` }],
        });
      }
    }
  },
});
