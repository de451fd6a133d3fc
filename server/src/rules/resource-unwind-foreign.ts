// resource-unwind-foreign (seed 000): after BUSY was cleared on an owned region, another
// driver's request can nest inside it; unwinding with release_mem_region() then frees that
// request and release_resource() drops it. remove_resource() re-parents it instead.

import { enclosingOwned } from '../../../model/src/index.js';
import type { LoggedStep } from '../engine/state.js';
import { racerRuns } from './resource/interleavings.js';
import { runTrace } from './resource/trace.js';
import { FixEdit, createRule } from './rule.js';

export default createRule({
  meta: {
    id: 'resource-unwind-foreign',
    defaultSeverity: 'warning',
    seed: '000',
    summary: 'release_mem_region()/release_resource() after BUSY was cleared can free or drop what another driver requested inside; remove_resource() relocates it',
  },
  checkPath(ctx) {
    const logged = ctx.st.ops;
    if (!logged.some((o) => o.op.kind === 'release_region' || o.op.kind === 'release_resource')) return;
    for (const { run } of racerRuns(ctx).runs) {
      const hit = run.interferences.find((x) => (x.kind === 'freed' || x.kind === 'dropped') && x.victim === 'racer');
      if (!hit || (hit.kind !== 'freed' && hit.kind !== 'dropped')) continue;
      const racerStep = run.steps.find((s) => s.actor === 'racer' && s.effect.created?.id === hit.res.id);
      const container = racerStep?.effect.created ? enclosingOwned(run, racerStep.effect.created, 'owner') : undefined;
      if (!container) continue;
      const release = logged[hit.step.index] as LoggedStep;
      const request = logged.find((o, i) => o.op.kind === 'request_region' && run.world.resolve('owner', i)?.id === container.id);
      const cleared = logged.find((o) => o.op.kind === 'set_flags' && request && o.op.target === logged.indexOf(request));
      const since = cleared ? ` after BUSY was cleared at line ${cleared.site.line + 1}` : '';
      const message = hit.kind === 'freed'
        ? `${release.callee}() can free a region another driver requested inside "${container.name}"${since}: __request_region() nests requests in resources ` +
          `that are not BUSY, and __release_region() walks down through them and frees the first BUSY resource matching the range exactly, the other driver's; ` +
          `remove_resource() on the owned resource keeps it`
        : `${release.callee}() drops everything nested inside "${container.name}", including a region another driver can request there${since}; ` +
          `remove_resource() moves such children up to the parent instead`;
      ctx.report({ site: release.at, message, trace: runTrace(run, logged), ...fixFor(release) });
      return;
    }
  },
});

/** release_resource(x) -> remove_resource(x); a release by range has no mechanical fix. */
function fixFor(release: LoggedStep): { fix?: { title: string; edits: FixEdit[] } } {
  if (release.op.kind !== 'release_resource' || release.callee !== 'release_resource') return {};
  return {
    fix: {
      title: 'Unwind with remove_resource() (re-parents what is nested inside)',
      edits: [{ start: release.site.start, end: release.site.start + 'release_resource'.length, newText: 'remove_resource' }],
    },
  };
}
