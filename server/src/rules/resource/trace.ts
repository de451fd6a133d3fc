// Traces of two-actor runs: each owner step at its source line, each racer step at the owner
// step it follows, with a sentence that cites what the kernel did.

import { IORESOURCE_BUSY, Interleaving, Step, describeFlags, hasFlag, hex, isResourceOp } from '../../../../model/src/index.js';
import type { LoggedStep } from '../../engine/state.js';
import type { TraceEntry } from '../rule.js';

const range = (start: bigint, size: bigint): string => `[${hex(start)}-${hex(start + size - 1n)}]`;

export function runTrace(run: Interleaving, logged: LoggedStep[]): TraceEntry[] {
  const out: TraceEntry[] = [];
  let lastSite = logged[0]?.site;
  for (const s of run.steps) {
    if (!isResourceOp(s.op)) continue; // DAX and memory ops ride along in the log; not part of this story
    if (s.actor === 'racer') {
      if (lastSite) out.push({ site: lastSite, actor: 'racer', message: racerMessage(s) });
      continue;
    }
    const l = logged[s.index];
    if (!l) continue;
    lastSite = l.site;
    out.push({ site: l.site, actor: 'owner', message: ownerMessage(s, l) });
  }
  return out;
}

export function racerMessage(s: Step): string {
  const op = s.op;
  const r = op.kind === 'request_region' ? range(op.start, op.size) : '';
  if (!s.effect.ok) return `meanwhile another driver's request for ${r} fails: ${s.effect.reason ?? 'the range is BUSY'}`;
  const where = s.effect.createdIn;
  return `meanwhile another driver calls __request_region(&iomem_resource, ${r}): it descends into "${where?.name ?? '?'}", which is not BUSY, and its own BUSY region nests inside it`;
}

export function ownerMessage(s: Step, l: LoggedStep): string {
  const op = s.op;
  switch (op.kind) {
    case 'request_region':
      return s.applied
        ? `${l.callee}() requests ${range(op.start, op.size)} "${op.name}" BUSY: the caller owns it`
        : `${l.callee}() fails on this path`;
    case 'set_flags': {
      const after = s.effect.flagsAfter ?? 0;
      return `the flags write leaves the region ${describeFlags(after)}: BUSY is ${hasFlag(after, IORESOURCE_BUSY) ? 'still set' : 'clear'}`;
    }
    case 'add_memory':
      if (!s.applied) return `${l.callee}() fails on this path`;
      return s.effect.ok ? `${l.callee}() requests a BUSY "${op.name}" child for the range` : `${l.callee}() fails: ${s.effect.reason ?? 'the range is taken'}`;
    case 'release_region': {
      const freed = s.effect.removed.find((r) => r.how === 'freed')?.res;
      return freed
        ? `${l.callee}() walks down through the non-BUSY region and frees the first BUSY resource matching ${range(op.start, op.size)}: "${freed.name}"`
        : `${l.callee}(): ${s.effect.reason ?? 'nothing matched'}`;
    }
    case 'release_resource': {
      const dropped = s.effect.removed.filter((r) => r.how === 'dropped').map((r) => `"${r.res.name}"`);
      return `release_resource() unlinks the region with its whole subtree${dropped.length ? `, dropping ${dropped.join(', ')}` : ''}`;
    }
    case 'remove_resource': {
      const moved = s.effect.reparented.map((r) => `"${r.res.name}"`);
      return `remove_resource() unlinks the region${moved.length ? ` and moves ${moved.join(', ')} up to its parent` : ''}`;
    }
    default:
      return `${l.callee}()`;
  }
}
