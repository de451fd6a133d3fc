// dax-lifecycle (seed 004): the dax_device lifecycle alloc_dax() -> dax_add_host() ->
// dax_remove_host() -> kill_dax() -> put_dax() broken on a path: use after put_dax(),
// put_dax() before kill_dax(), kill_dax() without put_dax(), a host left registered or a device
// leaked on a failure path. Silent where the put happens in a release callback the device was
// handed to (drivers/dax/bus.c).

import { handedOver, isDirect, isErrorReturn } from './ownership.js';
import { createRule } from './rule.js';

export default createRule({
  meta: {
    id: 'dax-lifecycle',
    defaultSeverity: 'warning',
    seed: '004',
    summary: 'kill_dax() without put_dax(), put_dax() before kill_dax(), dax_add_host() not undone on a failure path, use after put_dax()',
  },
  checkPath(ctx) {
    const st = ctx.st;
    for (const l of st.ops) {
      const vio = l.dax?.violation;
      if (vio?.kind === 'use-after-put') {
        ctx.report({ site: l.at, message: `${vio.what} uses a dax_device after put_dax() dropped the last reference the function held: the device may be freed`, trace: [{ site: l.site, message: `${vio.what} on a device already put` }] });
      } else if (vio?.kind === 'put-before-kill') {
        ctx.report({ site: l.at, message: 'put_dax() before kill_dax(): the device is freed while it is still alive, and users in a dax_read_lock() section can still reach it; kill_dax() first', trace: [{ site: l.site, message: 'put_dax() on a device that was never killed' }] });
      }
    }
    // The NULL-cleanup leak is dax-unwind-unassigned's finding.
    if (st.ops.some((l) => (l.op.kind === 'dax_kill' || l.op.kind === 'dax_put') && l.dax?.noop)) return;
    const failing = isErrorReturn(st.returned, ctx.returnsPointer);
    for (const [h, d] of st.dax.devices) {
      const made = st.ops[h];
      // A device a called helper allocated is that helper's business (reported when it is analyzed).
      if (!made || !isDirect(made) || handedOver(st, h, ctx.locals)) continue;
      const kill = st.ops.find((l) => l.op.kind === 'dax_kill' && 'target' in l.op && 'h' in l.op.target && l.op.target.h === h);
      if (d.state === 'killed' && kill) {
        ctx.report({ site: kill.at, message: `kill_dax() without put_dax() on this path: the reference alloc_dax() gave at line ${made.site.line + 1} is never dropped, so the dax_device, its inode and its minor leak`,
          trace: [{ site: made.site, message: 'alloc_dax() returns the device' }, { site: kill.site, message: 'kill_dax() kills it' }, ...(st.returnSite ? [{ site: st.returnSite, message: 'the function returns without put_dax()' }] : [])] });
      }
      if (failing && d.hosts.length) {
        const add = st.ops.find((l) => l.op.kind === 'dax_add_host' && 'h' in l.op.target && l.op.target.h === h);
        ctx.report({ site: st.returnSite ?? made.at, message: `dax_add_host() registered the device as the DAX host of ${d.hosts.join(', ')}, and this failure path returns without dax_remove_host(): the dax_hosts entry outlives the device`,
          trace: [...(add ? [{ site: add.site, message: 'dax_add_host() registers the host' }] : []), ...(st.returnSite ? [{ site: st.returnSite, message: 'the function fails without dax_remove_host()' }] : [])] });
      }
      if (failing && d.state === 'alive') {
        ctx.report({ site: st.returnSite ?? made.at, message: `the dax_device alloc_dax() returned at line ${made.site.line + 1} leaks on this failure path: it is neither killed and put, nor handed to anything that will`,
          trace: [{ site: made.site, message: 'alloc_dax() returns the device' }, ...(st.returnSite ? [{ site: st.returnSite, message: 'the function fails without kill_dax()/put_dax()' }] : [])] });
      }
    }
  },
});
