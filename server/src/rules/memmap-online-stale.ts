// memmap-online-stale (seed 003): a page from pfn_to_online_page() used after the context can
// sleep or drop a lock, without holding memory hotplug off: the memory can be offlined and
// removed in between and the page's memmap is gone. Info by default: upstream tolerates some of
// these races knowingly (the thread's pfn_active() with light locking was never merged).
// The engine does not log the sleeps and page reads this rule cannot judge by (engine/idleOps.ts):
// keep the two in step.

import type { ReaderStep } from '../../../model/src/index.js';
import { PAGE_REF_DROPPERS, PAGE_REF_TAKERS, staleUses } from '../../../model/src/index.js';
import { hotplugExample, pageOrigin, memmapCapabilities } from './memmap/common.js';
import { isDirect } from './ownership.js';
import { TraceEntry, createRule } from './rule.js';

export default createRule({
  meta: {
    id: 'memmap-online-stale',
    defaultSeverity: 'info',
    seed: '003',
    summary: 'a page from pfn_to_online_page() used after the context can sleep or drop locks, without holding off memory hotplug',
  },
  checkPath(ctx) {
    if (!memmapCapabilities(ctx.profile, ctx.file).hotplug) return;
    const ops = ctx.st.ops;
    let holds = 0;
    const sleptSince = new Map<number, number>(); // page handle -> index of the first sleep after its lookup, unprotected
    // Pages this path holds a reference on: offline_pages() cannot isolate a page with a
    // reference (__test_page_isolated_in_pageblock() passes only free, poisoned or offline
    // pages), so the memory is not removed under it (found in review: reported as stale).
    const pinned = new Set<number>();
    ops.forEach((l, i) => {
      const op = l.op;
      if (op.kind === 'hotplug_hold') holds++;
      else if (op.kind === 'hotplug_release') holds = Math.max(0, holds - 1);
      else if (op.kind === 'may_sleep' && holds === 0) {
        for (let h = 0; h < i; h++) {
          const o = pageOrigin(ops, h);
          if (o?.via === 'pfn_to_online_page' && !sleptSince.has(h) && !pinned.has(h)) sleptSince.set(h, i);
        }
      } else if (op.kind === 'page_read' && PAGE_REF_TAKERS.has(op.what) && op.result !== false && !sleptSince.has(op.target)) {
        pinned.add(op.target);
      } else if (op.kind === 'page_read' && pinned.has(op.target)) {
        if (PAGE_REF_DROPPERS.has(op.what)) pinned.delete(op.target);
      } else if (op.kind === 'page_read' && isDirect(l)) {
        const sleep = sleptSince.get(op.target);
        const origin = pageOrigin(ops, op.target);
        if (sleep === undefined || !origin || holds > 0) return;
        sleptSince.delete(op.target);
        const sleeper = ops[sleep];
        if (!sleeper || sleeper.op.kind !== 'may_sleep') return;
        const ex = hotplugExample(ctx.layout, ctx.profile, true);
        const reader: ReaderStep[] = [
          { kind: 'lookup', pfn: ex.pfn, how: 'pfn_to_online_page' },
          { kind: 'may-sleep', what: sleeper.op.what },
          { kind: 'use', pfn: ex.pfn, what: op.what },
        ];
        const race = staleUses(ex.world, reader, [{ kind: 'offline', start: ex.start, size: ex.size }, { kind: 'remove', start: ex.start, size: ex.size }])[0];
        // Reader steps at their lines; the racer's at the sleep it slips into.
        const readerSites = [origin.step.site, sleeper.site, l.site];
        let r = 0;
        const trace: TraceEntry[] = (race?.order ?? []).map((o) => o.actor === 'racer'
          ? { site: sleeper.site, message: `another CPU: ${o.note}`, actor: 'racer' as const }
          : { site: readerSites[r++] ?? l.site, message: o.note, actor: 'owner' as const });
        ctx.report({
          site: l.at,
          message: `${op.what} uses a page pfn_to_online_page() returned before ${sleeper.op.what}: nothing holds memory hotplug off ` +
            `(get_online_mems(), mem_hotplug_begin()), so while this context sleeps another CPU can offline and remove the memory ` +
            `(on this machine, e.g. ${ex.text}) and the memmap behind the page is gone. Upstream tolerates some of these races knowingly; ` +
            `if this one matters, take get_online_mems() around the lookup and the use, or look the page up again after sleeping`,
          trace: trace.length ? trace : [{ site: l.site, message: 'the page is used after a sleep' }],
        });
      }
    });
  },
});
