// resource-leak (seed 000): a region requested in the function (not through devres) that is
// still in the tree when the function returns an error, and was not handed to anything that
// outlives the call.

import { isHeldRequest } from '../engine/state.js';
import { handedOver, isErrorReturn } from './ownership.js';
import { createRule } from './rule.js';

export default createRule({
  meta: {
    id: 'resource-leak',
    defaultSeverity: 'warning',
    seed: '000',
    summary: 'a region requested in the function (not through devres) is still held when the function returns an error',
  },
  checkPath(ctx) {
    const st = ctx.st;
    if (!isErrorReturn(st.returned, ctx.returnsPointer)) return;
    st.ops.forEach((l, h) => {
      if (!isHeldRequest(l)) return;
      const res = st.world.resolve('owner', h);
      if (!res || !st.world.tree.isLinked(res)) return;
      if (handedOver(st, h, ctx.locals)) return;
      // A release the model could not resolve (computed range, helper not walked) may be it.
      if (st.releaseCalls.some((at) => at > h)) return;
      // State left in a struct that outlives the call may be the caller's cue to clean up.
      if (st.nonLocalWrites.some((at) => at > h)) return;
      const at = st.returnSite ?? l.at;
      ctx.report({
        site: at,
        message: `the region ${l.callee}() requested at line ${l.site.line + 1} is still held when the function returns an error here: ` +
          `nothing releases it on this path and it was not handed over, so the range stays BUSY until reboot and the next probe fails to request it`,
        trace: [
          { site: l.site, message: `${l.callee}() requests the region` },
          ...st.trace.filter((t) => t.site.start > l.site.start && /is (true|false) on this path|continues at label/.test(t.message)).slice(-4),
          { site: at, message: 'the function returns an error with the region still requested' },
        ],
      });
    });
  },
});
