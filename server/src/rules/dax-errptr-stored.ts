// dax-errptr-stored (seed 004): alloc_dax()'s result stored in a struct field before the
// IS_ERR() check leaves an ERR_PTR in the field on the error path; later cleanups (kill_dax(),
// put_dax()) would dereference it. Silent when the field is reset to NULL on that path
// (dm, dcssblk in 6.1).

import { isLocalKey } from '../engine/lvalue.js';
import { createRule } from './rule.js';

export default createRule({
  meta: {
    id: 'dax-errptr-stored',
    defaultSeverity: 'warning',
    seed: '004',
    summary: 'alloc_dax() result stored in a struct field before the IS_ERR() check: the field keeps an ERR_PTR on the error path',
  },
  checkPath(ctx) {
    const st = ctx.st;
    for (const [key, v] of st.bindings) {
      if (v.k !== 'errptr' || v.src === undefined) continue;
      const failed = st.ops[v.src];
      if (!failed || failed.op.kind !== 'dax_alloc_failed') continue;
      // A field of memory that outlives the call: a parameter's struct, a global.
      if (!/->|\./.test(key) || isLocalKey(st, key, ctx.locals)) continue;
      const site = st.writeSites.get(key);
      if (!site) continue;
      ctx.report({
        site,
        message: `${ctx.source.slice(site.start, site.end).split('=')[0]?.trim() ?? key} keeps the ERR_PTR alloc_dax() returned on this path: the result is stored in the field before IS_ERR() checks it, ` +
          `and nothing resets the field, so teardown code that tests the field for NULL (kill_dax(), put_dax()) dereferences an error pointer. ` +
          `Store alloc_dax() in a local, check it, then assign the field`,
        trace: [
          { site: failed.site, message: 'alloc_dax() fails and returns an ERR_PTR' },
          { site, message: 'the ERR_PTR is stored in the field' },
          ...(st.returnSite ? [{ site: st.returnSite, message: 'the function returns with the field still holding it' }] : []),
        ],
      });
    }
  },
});
