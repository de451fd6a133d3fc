// resource-busy-window (seed 000): BUSY cleared on an owned region before add_memory*()
// adds memory inside it. Decided by the two-actor model: another driver requests the same
// range at every point of the path; the rule fires when its request nests inside the
// owner's region and the owner's add then fails on it.

import {
  IORESOURCE_BUSY, Interleaving, ResourceOp, Step, describeFlags, hasFlag, enclosingOwned, hex, interferingInterleavings,
} from '../../../model/src/index.js';
import type { LoggedStep } from '../engine/state.js';
import { TraceEntry, createRule } from './rule.js';

const RACER_NAME = 'other driver';

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
    const owner = logged.map((o) => ({ op: o.op, expectOk: o.expectOk }));
    for (const req of logged) {
      if (req.op.kind !== 'request_region' || !req.expectOk) continue;
      const racer: ResourceOp[] = [{ kind: 'request_region', parent: { kind: 'iomem' }, start: req.op.start, size: req.op.size, name: RACER_NAME, flags: 0 }];
      for (const run of interferingInterleavings(ctx.layout.tree, owner, racer)) {
        const failed = run.interferences.find((x) => x.kind === 'step-failed' && x.step.op.kind === 'add_memory' && x.cause);
        if (!failed || failed.kind !== 'step-failed' || !failed.cause) continue;
        const container = enclosingOwned(run, failed.cause.res, 'owner');
        if (!container) continue;
        const racerAt = run.steps.findIndex((s) => s.actor === 'racer');
        const opener = lastFlagWrite(run, racerAt, logged);
        const add = logged[failed.step.index] as LoggedStep;
        const request = logged.find((o, i) => o.op.kind === 'request_region' && run.world.resolve('owner', i)?.id === container.id) ?? req;
        const site = (opener ?? add).at;
        ctx.report({
          site,
          message: `BUSY is cleared on the region requested at line ${request.site.line + 1} before ${add.callee}() adds memory inside it: ` +
            `__request_region() descends into resources that are not BUSY, so another driver's request can nest inside it in this window ` +
            `and ${add.callee}() then fails on that request`,
          trace: traceOf(run, logged, container.name),
        });
        return;
      }
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

function traceOf(run: Interleaving, logged: LoggedStep[], containerName: string): TraceEntry[] {
  const out: TraceEntry[] = [];
  let lastSite = logged[0]?.site;
  for (const s of run.steps) {
    if (s.actor === 'racer') {
      if (!lastSite) continue;
      const op = s.op;
      const range = op.kind === 'request_region' ? `[${hex(op.start)}-${hex(op.start + op.size - 1n)}]` : '';
      out.push({
        site: lastSite, actor: 'racer',
        message: s.effect.ok
          ? `meanwhile another driver calls __request_region(&iomem_resource, ${range}): it descends into "${containerName}", which is not BUSY, and its own BUSY region nests inside it`
          : `meanwhile another driver's request for ${range} fails: ${s.effect.reason ?? 'the range is BUSY'}`,
      });
      continue;
    }
    const l = logged[s.index];
    if (!l) continue;
    lastSite = l.site;
    out.push({ site: l.site, actor: 'owner', message: ownerMessage(s, l) });
  }
  return out;
}

function ownerMessage(s: Step, l: LoggedStep): string {
  const op = s.op;
  switch (op.kind) {
    case 'request_region':
      return `${l.callee}() requests [${hex(op.start)}-${hex(op.start + op.size - 1n)}] "${op.name}" BUSY: the caller owns it`;
    case 'set_flags': {
      const after = s.effect.flagsAfter ?? 0;
      return `the flags write leaves the region ${describeFlags(after)}: BUSY is ${hasFlag(after, IORESOURCE_BUSY) ? 'still set' : 'clear'}`;
    }
    case 'add_memory':
      return s.effect.ok
        ? `${l.callee}() requests a BUSY "${op.name}" child for the range`
        : `${l.callee}() fails: ${s.effect.reason ?? 'the range is taken'}`;
    default:
      return `${l.callee}()`;
  }
}
