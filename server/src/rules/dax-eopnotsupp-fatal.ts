// dax-eopnotsupp-fatal (seed 004): from 6.9, alloc_dax() returns ERR_PTR(-EOPNOTSUPP) where the
// data cache aliases (and from the CONFIG_DAX=n stub); a caller that fails its probe on it
// loses a device that works without DAX. pmem, dm and dcssblk treat it as "no DAX".

import { createRule } from './rule.js';
import { isErrorReturn } from './ownership.js';

export default createRule({
  meta: {
    id: 'dax-eopnotsupp-fatal',
    defaultSeverity: 'info',
    seed: '004',
    summary: 'kernel >= 6.9: -EOPNOTSUPP from alloc_dax() fails a probe whose device works without DAX',
  },
  checkPath(ctx) {
    const st = ctx.st;
    if (!isErrorReturn(st.returned, ctx.returnsPointer)) return;
    const failed = st.ops.find((l) => l.op.kind === 'dax_alloc_failed' && l.op.code === -95);
    if (!failed) return;
    ctx.report({
      site: failed.at,
      message: `on this profile (kernel ${ctx.profile.version.major}.${ctx.profile.version.minor}, ${ctx.profile.arch}) alloc_dax() can return ` +
        `ERR_PTR(-EOPNOTSUPP), meaning "no DAX here" rather than a failure, and this path fails the whole function with it; ` +
        `if the device works without DAX, go on without it (pmem, dm and dcssblk treat -EOPNOTSUPP as non-fatal)`,
      trace: [
        { site: failed.site, message: 'alloc_dax() returns ERR_PTR(-EOPNOTSUPP)' },
        ...(st.returnSite ? [{ site: st.returnSite, message: 'the function returns the error' }] : []),
      ],
    });
  },
});
