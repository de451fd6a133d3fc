// resource-busy-window (seed 000): BUSY cleared on an owned region before add_memory*()
// adds memory inside it. Decided by the two-actor model: another driver requests the same
// range at every point of the path; the rule fires when its request nests inside the
// owner's region and the owner's add then fails on it.

import { Interleaving, Step, enclosingOwned } from '../../../model/src/index.js';
import type { LoggedStep } from '../engine/state.js';
import { racerRuns } from './resource/interleavings.js';
import { runTrace } from './resource/trace.js';
import { createRule } from './rule.js';

export default createRule({
  meta: {
    id: 'resource-busy-window',
    defaultSeverity: 'warning',
    seed: '000',
    summary: 'BUSY cleared on an owned region before add_memory*() adds memory inside it: another requester can nest in the window',
  },
  checkPath(ctx) {
    const logged = ctx.st.ops;
    if (!logged.some((o) => o.op.kind === 'add_memory' && o.expectOk)) return;
    for (const { run } of racerRuns(ctx).runs) {
      const failed = run.interferences.find((x) => x.kind === 'step-failed' && x.step.op.kind === 'add_memory' && x.cause);
      if (!failed || failed.kind !== 'step-failed' || !failed.cause) continue;
      const container = enclosingOwned(run, failed.cause.res, 'owner');
      if (!container) continue;
      const racerAt = run.steps.findIndex((s) => s.actor === 'racer');
      const opener = lastFlagWrite(run, racerAt, logged);
      const add = logged[failed.step.index] as LoggedStep;
      const request = logged.find((o, i) => o.op.kind === 'request_region' && run.world.resolve('owner', i)?.id === container.id);
      ctx.report({
        site: (opener ?? add).at,
        message: `BUSY is cleared on the region requested at line ${(request ?? add).site.line + 1} before ${add.callee}() adds memory inside it: ` +
          `__request_region() descends into resources that are not BUSY, so another driver's request can nest inside it in this window ` +
          `and ${add.callee}() then fails on that request`,
        trace: runTrace(run, logged),
      });
      return;
    }
  },
});

/** The owner's flag write that left the region without BUSY before the racer's step. */
function lastFlagWrite(run: Interleaving, racerAt: number, logged: LoggedStep[]): LoggedStep | undefined {
  for (let i = racerAt - 1; i >= 0; i--) {
    const s = run.steps[i] as Step;
    if (s.actor === 'owner' && s.op.kind === 'set_flags') return logged[s.index];
  }
  return undefined;
}
