// dax-unwind-unassigned (seed 004): an unwind path cleans up `x->dax_dev` before the path
// assigned it. kill_dax()/put_dax() return at once on NULL, so nothing is released and the
// dax_device alloc_dax() returned (held in a local) leaks. Linux 6.1 pmem_attach_disk().

import type { LoggedStep } from '../engine/state.js';
import { argText, assignmentsTo } from './dax/common.js';
import { handedOver, isDirect } from './ownership.js';
import { FixEdit, createRule } from './rule.js';

export default createRule({
  meta: {
    id: 'dax-unwind-unassigned',
    defaultSeverity: 'warning',
    seed: '004',
    summary: 'an unwind path cleans up x->dax_dev before it was assigned on that path: the cleanup runs on NULL and the device leaks',
  },
  checkPath(ctx) {
    const st = ctx.st;
    const cleanup = st.ops.find((l) => (l.op.kind === 'dax_kill' || l.op.kind === 'dax_put') && l.dax?.noop);
    // A cleanup inside an inlined helper is reported when that helper is analyzed itself.
    if (!cleanup || !isDirect(cleanup)) return;
    const field = argText(ctx.source, cleanup, 0);
    if (!field || !/->|\./.test(field)) return;
    // A device of this path is alive when the cleanup runs on NULL, and nobody else has it.
    const alloc = st.ops.findIndex((l, i) => l.op.kind === 'dax_alloc' && i < st.ops.indexOf(cleanup) &&
      st.dax.devices.get(i)?.state !== 'put' && !handedOver(st, i, ctx.locals));
    const made = st.ops[alloc];
    if (!made) return;
    const later = assignmentsTo(ctx.cfg, field).find((s) => s.start > cleanup.site.start || s.start > made.site.start);
    const where = later ? `, assigned only at line ${later.line + 1}` : ', which this path never assigns';
    ctx.report({
      site: cleanup.at,
      message: `${cleanup.callee}(${field}) runs on NULL on this path${where}: kill_dax() and put_dax() return at once on NULL, ` +
        `so the dax_device that alloc_dax() returned at line ${made.site.line + 1} is neither killed nor put: it leaks, with its inode and minor`,
      trace: [
        { site: made.site, message: 'alloc_dax() returns a device, held in a local' },
        ...st.trace.filter((t) => t.site.start > made.site.start && t.site.start < cleanup.site.start && /is (true|false) on this path|continues at label|fails/.test(t.message)).slice(-4),
        { site: cleanup.site, message: `${cleanup.callee}(${field}): ${field} is still NULL here` },
      ],
      ...fixFor(ctx.source, later, st.ops, cleanup),
    });
  },
});

/** Move the late assignment before the first DAX call after alloc_dax() that can fail into the unwind. */
function fixFor(source: string, later: { start: number; end: number } | undefined, ops: LoggedStep[], cleanup: LoggedStep): { fix?: { title: string; edits: FixEdit[] } } {
  if (!later) return {};
  const jump = ops.find((l) => l.op.kind === 'dax_add_host' || l.op.kind === 'dax_use');
  const failing = ops.filter((l) => l.site.start < cleanup.site.start && l.callee === 'dax_add_host').pop() ?? jump;
  if (!failing || failing.site.start > later.start) return {};
  const lineStart = (at: number): number => (at === 0 ? 0 : source.lastIndexOf('\n', at - 1) + 1);
  const stmtStart = lineStart(later.start);
  const stmtEnd = source.indexOf('\n', later.end);
  if (stmtEnd < 0) return {};
  const stmt = source.slice(stmtStart, stmtEnd + 1);
  if (!/;\s*\n$/.test(stmt)) return {};
  const insertAt = lineStart(failing.site.start);
  return {
    fix: {
      title: 'Assign the field before the first jump to the unwind label',
      edits: [{ start: insertAt, end: insertAt, newText: stmt }, { start: stmtStart, end: stmtEnd + 1, newText: '' }],
    },
  };
}
