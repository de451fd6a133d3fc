// dax-null-check (seed 004): alloc_dax()'s result used as a device after a check that misses
// what it can return on this profile: only a NULL test (ERR_PTR goes through), or only
// IS_ERR() where the CONFIG_DAX=n stub of kernels before 6.9 returns NULL.

import { createRule } from './rule.js';

export default createRule({
  meta: {
    id: 'dax-null-check',
    defaultSeverity: 'warning',
    seed: '004',
    summary: 'alloc_dax() result checked only against NULL (misses ERR_PTR), or only with IS_ERR() where NULL is possible for the profile',
  },
  checkPath(ctx) {
    const st = ctx.st;
    for (const l of st.ops) {
      const vio = l.dax?.violation;
      if (!vio || (vio.kind !== 'deref-null' && vio.kind !== 'deref-errptr')) continue;
      if (l.op.kind !== 'dax_use' && l.op.kind !== 'dax_add_host') continue;
      const failed = [...st.ops].reverse().find((o) => o.op.kind === 'dax_alloc_failed' && o.site.start < l.site.start);
      if (!failed) continue;
      const isNull = vio.kind === 'deref-null';
      const check = st.trace.find((t) => t.site.start > failed.site.start && t.site.start < l.site.start && /is (true|false) on this path/.test(t.message));
      const checkText = check ? ctx.source.slice(check.site.start, check.site.end) : undefined;
      const fix = checkText && check ? fixFor(checkText, check.site.start) : undefined;
      ctx.report({
        site: l.at,
        message: isNull
          ? `${vio.what} dereferences NULL: on this profile (kernel ${ctx.profile.version.major}.${ctx.profile.version.minor}, CONFIG_DAX=n) ` +
            `the alloc_dax() stub returns NULL, which IS_ERR() does not catch`
          : `${vio.what} dereferences an ERR_PTR: alloc_dax() reports failure with ERR_PTR(), which a NULL check does not catch`,
        trace: [
          { site: failed.site, message: isNull ? 'alloc_dax() returns NULL (CONFIG_DAX=n stub)' : 'alloc_dax() returns an ERR_PTR' },
          ...(check ? [{ site: check.site, message: `${check.message}: the check lets it through` }] : []),
          { site: l.site, message: `${vio.what} dereferences it` },
        ],
        ...(fix ? { fix } : {}),
      });
    }
  },
});

/** `IS_ERR(x)` or `!x` -> `IS_ERR_OR_NULL(x)` in the condition that let the value through. */
function fixFor(cond: string, at: number): { title: string; edits: { start: number; end: number; newText: string }[] } | undefined {
  const m = /^(?:IS_ERR\(\s*([^()]+?)\s*\)|!\s*([A-Za-z_][\w>.\-]*))$/.exec(cond.trim());
  const v = m?.[1] ?? m?.[2];
  if (!v) return undefined;
  return { title: 'Check with IS_ERR_OR_NULL()', edits: [{ start: at, end: at + cond.length, newText: `IS_ERR_OR_NULL(${v})` }] };
}
