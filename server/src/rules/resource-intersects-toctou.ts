// resource-intersects-toctou (seed 001): region_intersects()/walk_iomem_res_desc() answer for
// the tree as it is at the call; a request made afterwards without resource_lock held across
// both can find the range taken. The locked get_free_mem_region() in kernel/resource.c is the
// correct form.

import { ModelOp, ResourceOp, interferingInterleavings, resourceOverlaps } from '../../../model/src/index.js';
import { RACER_NAME } from './resource/interleavings.js';
import { runTrace } from './resource/trace.js';
import { createRule } from './rule.js';

const REQUESTS = new Set(['request_region', 'link_resource', 'add_memory']);

export default createRule({
  meta: {
    id: 'resource-intersects-toctou',
    defaultSeverity: 'warning',
    seed: '001',
    summary: 'region_intersects()/walk_iomem_res_desc() check, then a request, without resource_lock held across both',
  },
  checkPath(ctx) {
    const logged = ctx.st.ops;
    const owner = logged.map((o) => ({ op: o.op, expectOk: o.expectOk }));
    logged.forEach((check, q) => {
      if (check.op.kind !== 'query') return;
      const qr = { start: check.op.start, end: check.op.start + check.op.size - 1n };
      const later = logged.findIndex((o, i) => i > q && o.expectOk && REQUESTS.has(o.op.kind) && overlapsQuery(o.op, qr));
      if (later < 0) return;
      const req = logged[later];
      if (!req) return;
      const racer: ResourceOp[] = [{ kind: 'request_region', parent: { kind: 'iomem' }, start: qr.start, size: check.op.size, name: RACER_NAME, flags: 0 }];
      for (const run of interferingInterleavings(ctx.layout.tree, owner, racer)) {
        const failed = run.interferences.find((x) => x.kind === 'step-failed' && x.step.index === later);
        const racerAt = run.steps.findIndex((s) => s.actor === 'racer');
        const checkAt = run.steps.findIndex((s) => s.actor === 'owner' && s.index === q);
        if (!failed || racerAt < checkAt) continue;
        ctx.report({
          site: check.at,
          message: `${check.callee}() answers for the tree as it is now, but resource_lock is not held across it and the ${req.callee}() at ` +
            `line ${req.site.line + 1}: another driver can take the range in between and the request fails, or the answer no longer holds. ` +
            `Check and request under resource_lock, as get_free_mem_region() does, or just request and handle the failure`,
          trace: runTrace(run, logged),
        });
        return;
      }
    });
  },
});

function overlapsQuery(op: ModelOp, q: { start: bigint; end: bigint }): boolean {
  if (op.kind === 'request_region' || op.kind === 'add_memory') return resourceOverlaps({ start: op.start, end: op.start + op.size - 1n }, q);
  if (op.kind === 'link_resource') return resourceOverlaps(op, q);
  return false;
}
