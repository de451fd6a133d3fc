// devm-manual-release (seed 004): a resource obtained through devres is released by the
// driver core on probe failure and on detach; releasing it by hand releases it twice.

import { ModelOp, runSchedule } from '../../../model/src/index.js';
import type { LoggedStep } from '../engine/state.js';
import { isDirect } from './ownership.js';
import { FixEdit, RawFinding, createRule } from './rule.js';

export default createRule({
  meta: {
    id: 'devm-manual-release',
    defaultSeverity: 'warning',
    seed: '004',
    summary: 'a devm_* resource released or freed by hand (devm_request_mem_region(), devm_kzalloc(), devm_memremap_pages()): devres releases it again',
  },
  checkPath(ctx) {
    const logged = ctx.st.ops;
    if (!logged.some((o) => 'devm' in o.op && o.op.devm)) return;
    checkMemory(ctx.st.ops, ctx.report);
    if (!logged.some((o) => o.op.kind === 'request_region' || o.op.kind === 'free_region')) return;
    // Only a release by hand frees a region (ResourceWorld.apply()): without one the replay
    // below finds nothing, and it copies the layout's tree for every end of the function.
    if (!logged.some((o) => releasesByHand(o.op))) return;
    const solo = runSchedule(ctx.layout.tree, logged.map((o) => ({ op: o.op, expectOk: o.expectOk })), [], logged.map(() => 'owner' as const));
    const madeBy = new Map<number, LoggedStep>();
    for (const s of solo.steps) {
      const l = logged[s.index];
      if (!l) continue;
      if (s.effect.created) madeBy.set(s.effect.created.id, l);
      if (s.op.kind === 'release_region' && s.op.devm) continue; // devm_release_mem_region(): the right way
      for (const { res, how } of s.effect.removed) {
        const made = madeBy.get(res.id);
        if (how !== 'freed' || !made || !('devm' in made.op && made.op.devm)) continue;
        ctx.report({
          site: l.at,
          message: `${l.callee}() releases a region that ${made.callee}() at line ${made.site.line + 1} registered with devres: the driver core ` +
            `releases it again when probe fails or the driver detaches, so it is released twice (and the second release can hit a region ` +
            `someone else requested since). Use devm_release_mem_region(), or let devres do it`,
          trace: [
            { site: made.site, message: `${made.callee}() requests the region and registers its release with devres` },
            { site: l.site, message: `${l.callee}() releases it by hand` },
          ],
          ...fixFor(l, made, ctx.source),
        });
      }
    }
  },
});

function releasesByHand(op: ModelOp): boolean {
  return op.kind === 'release_resource' || op.kind === 'remove_resource' || (op.kind === 'release_region' && !op.devm);
}

/** devm_kzalloc() memory freed with kfree(), a devm_memremap_pages() mapping torn down by hand. */
function checkMemory(logged: LoggedStep[], report: (f: Omit<RawFinding, 'rule'>) => void): void {
  logged.forEach((l) => {
    const op = l.op;
    if (op.kind === 'mem_free' && !op.devm) {
      const made = logged[op.target];
      if (!made || made.op.kind !== 'mem_alloc' || !made.op.devm) return;
      // Both inside an inlined helper: reported when the helper is analyzed. A free in a helper
      // of memory this function allocated is this function's (found in review: not followed).
      if (!isDirect(l) && !isDirect(made)) return;
      report({
        site: l.at,
        message: `${l.callee}() frees memory ${made.callee}() allocated at line ${made.site.line + 1} through devres: the driver core frees it ` +
          `again when probe fails or the driver detaches (a double free). Use devm_kfree(), or let devres free it`,
        trace: [{ site: made.site, message: `${made.callee}() allocates the memory and registers it with devres` }, { site: l.site, message: `${l.callee}() frees it by hand` }],
      });
    }
    if (op.kind === 'mem_unmap' && isDirect(l)) {
      const mapped = logged.find((m) => m.op.kind === 'mem_remap' && m.op.key === op.key && m.op.devm);
      if (!mapped) return;
      report({
        site: l.at,
        message: `memunmap_pages() tears down a pagemap that devm_memremap_pages() at line ${mapped.site.line + 1} mapped through devres: ` +
          `devres unmaps it again when the driver detaches. Use devm_memunmap_pages(), or let devres do it`,
        trace: [{ site: mapped.site, message: 'devm_memremap_pages() maps the pagemap and registers the unmap with devres' }, { site: l.site, message: 'memunmap_pages() unmaps it by hand' }],
      });
    }
  });
}

function fixFor(release: LoggedStep, made: LoggedStep, source: string): { fix?: { title: string; edits: FixEdit[] } } {
  if (release.callee !== 'release_mem_region' || made.callee !== 'devm_request_mem_region') return {};
  // The device is named as the requesting function names it: only where both calls are this
  // function's own does that name mean the same here (found in review: a helper's parameter).
  if (!isDirect(release) || !isDirect(made)) return {};
  const call = source.slice(made.site.start, made.site.end);
  const dev = /^\w+\s*\(\s*([^,]+),/.exec(call)?.[1]?.trim();
  if (!dev) return {};
  const open = source.indexOf('(', release.site.start);
  return {
    fix: {
      title: 'Release through devres: devm_release_mem_region()',
      edits: [{ start: release.site.start, end: open + 1, newText: `devm_release_mem_region(${dev}, ` }],
    },
  };
}
