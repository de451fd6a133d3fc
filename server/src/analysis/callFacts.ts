// What the model knew at each modeled call of a function, over the paths that reached it: the
// hovers answer from these ("at this point of the function, memory hotplug is held off").

import { hex0x } from '../../../model/src/index.js';
import type { PathState } from '../engine/state.js';

export interface CallFact {
  callee: string;
  /** The call expression, as offsets (function-relative in the cache, absolute in results). */
  start: number;
  end: number;
  /** Paths walked through the call, and how many of them held memory hotplug off there. */
  paths: number;
  hotplugHeld: number;
  /** A free-region search: the range it took on the machine layout (first path where it did). */
  picked?: { start: string; end: string };
}

/** One fact per call the analyzed function writes itself (calls inside inlined helpers count at the helper's call). */
export function collectCallFacts(ends: readonly PathState[]): CallFact[] {
  const facts = new Map<string, CallFact>();
  for (const st of ends) {
    let holds = 0;
    const counted = new Set<CallFact>();
    st.ops.forEach((l, i) => {
      if (l.op.kind === 'hotplug_hold') holds++;
      else if (l.op.kind === 'hotplug_release') holds = Math.max(0, holds - 1);
      if (l.site.start !== l.at.start || l.callee.startsWith('(')) return;
      const key = `${l.at.start}:${l.callee}`;
      let f = facts.get(key);
      if (!f) facts.set(key, (f = { callee: l.callee, start: l.at.start, end: l.at.end, paths: 0, hotplugHeld: 0 }));
      if (!counted.has(f)) {
        counted.add(f);
        f.paths++;
        // A hold taken by this very call (get_online_mems()) counts as held after it.
        if (holds > 0) f.hotplugHeld++;
      }
      if (l.op.kind === 'free_region' && l.expectOk && !f.picked) {
        const res = st.world.resolve('owner', i);
        if (res) f.picked = { start: hex0x(res.start), end: hex0x(res.end) };
      }
    });
  }
  return [...facts.values()].sort((a, b) => a.start - b.start);
}
