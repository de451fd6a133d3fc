// Where the walk sends a state that follows an edge: past the joins it need not visit, and
// into a loop with that loop's passes counted anew.

import type { Cfg, CfgEdge } from '../cfg/types.js';
import { ModeSwitch } from '../modeSwitch.js';
import { loopsOf } from './seen.js';

/**
 * Joins the walk passes over. A join that leads to one node, which nothing else leads to, sees
 * exactly the states that node then sees, in the same order, with the same merge key (a join
 * reads nothing: the lvalues tested from both are the same) and the same cap: visiting it only
 * repeated the node's work. A third of all visits were such joins (after every if's arms).
 * `to[n]` is where a state sent to `n` goes; `weight[n]`, how many visits a visit of `n` stands
 * for (the step budget is charged for each, so a budget runs out where it always did).
 * `enters`, per edge that goes into a loop from outside it (to where `to` sends the state), the
 * loops it enters: there a path's passes of them start again from none. Kept, an inner loop's
 * passes on the outer loop's first pass used up its bound for every later one: on the second,
 * the inner body ran once and its path ended at the back edge (found in review: nothing after
 * `for (i = 0; i < 2; i++) for (j = 0; j < 2; j++) request...` was walked).
 */
export interface Shortcuts {
  to: Int32Array;
  weight: Uint16Array;
  enters: ReadonlyMap<CfgEdge, readonly number[]>;
}

const shortcutCache = new WeakMap<Cfg, Shortcuts>();
/** On in withoutShortcuts(). */
const plainWalks = new ModeSwitch();

/** Runs `fn` with walks that visit every node (tests compare the two). */
export function withoutShortcuts<T>(fn: () => T): T {
  return plainWalks.during(fn);
}

export function shortcutsOf(cfg: Cfg): Shortcuts {
  if (plainWalks.on) {
    const to = Int32Array.from({ length: cfg.nodes.length }, (_, i) => i);
    return { to, weight: new Uint16Array(cfg.nodes.length).fill(1), enters: entriesOf(cfg, to) };
  }
  let sc = shortcutCache.get(cfg);
  if (sc) return sc;
  const n = cfg.nodes.length;
  const into = new Uint32Array(n);
  for (const edges of cfg.succ) for (const e of edges) into[e.to] = (into[e.to] as number) + 1;
  const next = new Int32Array(n).fill(-1);
  cfg.nodes.forEach((node, j) => {
    const out = cfg.succ[j] ?? [];
    const e = out[0];
    if (node?.kind === 'join' && out.length === 1 && e && e.back === undefined && e.to !== j && into[e.to] === 1) next[j] = e.to;
  });
  const to = new Int32Array(n);
  const weight = new Uint16Array(n).fill(1);
  for (let j = 0; j < n; j++) {
    let t = j;
    // A cycle of such joins is unreachable (each has one way in, from the cycle): stop anyway.
    for (let k = 0; (next[t] as number) >= 0 && k < n; k++) t = next[t] as number;
    to[j] = t;
    if (t !== j) weight[t] = (weight[t] as number) + 1;
  }
  shortcutCache.set(cfg, (sc = { to, weight, enters: entriesOf(cfg, to) }));
  return sc;
}

/** Per edge that is no back edge, the loops its state is sent into (`to`) from outside them. */
function entriesOf(cfg: Cfg, to: Int32Array): Map<CfgEdge, readonly number[]> {
  const inside = loopsOf(cfg);
  const out = new Map<CfgEdge, readonly number[]>();
  cfg.succ.forEach((edges, from) => {
    for (const e of edges) {
      const into = inside[to[e.to] as number];
      if (e.back !== undefined || !into) continue;
      const mine = inside[from];
      const entered = mine ? into.filter((l) => !mine.includes(l)) : into;
      if (entered.length) out.set(e, entered);
    }
  });
  return out;
}
