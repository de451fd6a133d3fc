// resource-flags-clobber (seed 000): `res->flags = X` on a resource the kernel filled in
// (__request_region() computed its type and extension bits from the parent, and BUSY)
// replaces every bit, including ones the caller never meant to touch.

import { IORESOURCE_BUSY, RESOURCE_CONSTANTS, describeFlags, runSchedule } from '../../../model/src/index.js';
import { createRule } from './rule.js';

/** Flag names, composite ones first, as kernel code would spell a mask. */
const NAMED: [string, number][] = Object.entries(RESOURCE_CONSTANTS)
  .filter(([n]) => n.startsWith('IORESOURCE_') && !n.endsWith('_BITS'))
  .sort((a, b) => popcount(b[1]) - popcount(a[1]));

function popcount(v: number): number {
  let n = 0;
  for (let x = v >>> 0; x; x >>>= 1) n += x & 1;
  return n;
}

/** `IORESOURCE_A | IORESOURCE_B` for a set of bits, or a hex literal for leftovers. */
export function flagExpr(bits: number): string {
  let rest = bits >>> 0;
  const parts: string[] = [];
  for (const [name, v] of NAMED) {
    if (v && ((rest & v) >>> 0) === v >>> 0) {
      parts.push(name);
      rest = (rest & ~v) >>> 0;
    }
  }
  if (rest) parts.push(`0x${rest.toString(16)}`);
  return parts.join(' | ') || '0';
}

export default createRule({
  meta: {
    id: 'resource-flags-clobber',
    defaultSeverity: 'warning',
    seed: '000',
    summary: '`res->flags = X` on a requested region overwrites the type and extension bits the kernel set; change only the bits meant',
  },
  checkPath(ctx) {
    const logged = ctx.st.ops;
    if (!logged.some((o) => o.op.kind === 'set_flags' && o.op.assign === '=')) return;
    // Replay the path alone to know the flags before each write.
    const solo = runSchedule(ctx.layout.tree, logged.map((o) => ({ op: o.op, expectOk: o.expectOk })), [], logged.map(() => 'owner' as const));
    for (const step of solo.steps) {
      const l = logged[step.index];
      if (!l || step.op.kind !== 'set_flags' || step.op.assign !== '=' || step.op.derived || !step.applied) continue;
      const made = logged[step.op.target];
      if (!made || made.op.kind !== 'request_region' || !made.expectOk) continue;
      const before = step.effect.flagsBefore ?? 0;
      const after = step.effect.flagsAfter ?? 0;
      // What the write means: the bits it names that were not set, and BUSY if it leaves it
      // out. Every other bit the kernel put there stays.
      const cleared = (before & ~after & IORESOURCE_BUSY) >>> 0;
      const set = (after & ~before) >>> 0;
      const written = ctx.source.slice(l.site.start, l.site.end);
      // An assignment gets a fix; a store spelled otherwise (`WRITE_ONCE(res->flags, ...)`) is
      // reported without one rather than with a fix that would not compile.
      const assignment = /^[^=]*[^=!<>+\-*/%&|^]=(?!=)/.test(written);
      const lhs = written.split('=')[0]?.trim() ?? 'res->flags';
      const parts: string[] = [];
      if (cleared) parts.push(`(${lhs} & ~(${flagExpr(cleared)}))`);
      else parts.push(lhs);
      if (set) parts.push(flagExpr(set));
      ctx.report({
        site: l.at,
        message: `this assignment replaces every flag ${made.callee}() set on the region requested at line ${made.site.line + 1} ` +
          `(on this layout ${describeFlags(before)} becomes ${describeFlags(after)}): __request_region() copies the type and extension bits from ` +
          `the parent it nests in and adds BUSY, and code that only means to ${cleared ? 'clear BUSY' : 'change some bits'} ` +
          `should not overwrite the others`,
        trace: [
          { site: made.site, message: `${made.callee}() sets the flags from the parent: ${describeFlags(before)}` },
          { site: l.site, message: `the assignment leaves ${describeFlags(after)}` },
        ],
        ...(assignment ? {
          fix: {
            title: 'Change only the bits meant',
            edits: [{ start: l.site.start, end: l.site.end, newText: `${lhs} = ${parts.join(' | ')}` }],
          },
        } : {}),
      });
    }
  },
});
