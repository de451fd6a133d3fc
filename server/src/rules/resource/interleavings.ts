// The two-actor runs the resource rules share: the owner is one path of the analyzed
// function, the racer another driver requesting exactly a range the owner requested.
// Computed once per path state, whichever rule asks first.

import { Interleaving, LoggedOp, ResourceOp, interferingInterleavings } from '../../../../model/src/index.js';
import type { PathState } from '../../engine/state.js';
import type { PathContext } from '../rule.js';

export const RACER_NAME = 'other driver';

export interface RacerRuns {
  owner: LoggedOp[];
  /** Interfering interleavings, per owner request the racer targeted. */
  runs: { request: number; racer: ResourceOp[]; run: Interleaving }[];
}

const cache = new WeakMap<PathState, RacerRuns>();

/** Owner ops that hand the caller a region another driver could also ask for. */
function requestedRanges(ctx: PathContext): { index: number; start: bigint; size: bigint }[] {
  const out: { index: number; start: bigint; size: bigint }[] = [];
  ctx.st.ops.forEach((o, index) => {
    if (o.expectOk && o.op.kind === 'request_region') out.push({ index, start: o.op.start, size: o.op.size });
  });
  return out;
}

export function racerRuns(ctx: PathContext): RacerRuns {
  const hit = cache.get(ctx.st);
  if (hit) return hit;
  const owner = ctx.st.ops.map((o) => ({ op: o.op, expectOk: o.expectOk }));
  const runs: RacerRuns['runs'] = [];
  // Only a path that clears BUSY somewhere can let a racer nest: skip the search otherwise.
  if (ctx.st.ops.some((o) => o.op.kind === 'set_flags')) {
    for (const r of requestedRanges(ctx)) {
      const racer: ResourceOp[] = [{ kind: 'request_region', parent: { kind: 'iomem' }, start: r.start, size: r.size, name: RACER_NAME, flags: 0 }];
      for (const run of interferingInterleavings(ctx.layout.tree, owner, racer)) runs.push({ request: r.index, racer, run });
    }
  }
  const out = { owner, runs };
  cache.set(ctx.st, out);
  return out;
}
