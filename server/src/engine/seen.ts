// Which states a walk lets through at each CFG node: the merge of paths, and its caps.
//
// A state is keyed without the loop passes it has taken (PathState.key()): a state that
// arrives at a node with the key of one let through before, having taken as many passes of
// each loop the node is in, can do nothing that one could not (a loop's passes count again
// from none when a path enters it from outside, shortcuts.ts: those of loops the node is not
// in decide nothing ahead), so it is dropped. Keyed with the passes, the second pass of a loop
// whose body changed nothing the key holds walked everything after the loop again: such passes
// were half the visits over Linux 6.12's candidate files. Inside a loop the passes must match:
// there a path past its bound can do what one below it cannot, leave a loop whose condition it
// decides true (loopExit.ts; found in review: a polling loop `while (f->pending) cpu_relax();`
// after a request let no path out, and the leak after it was lost), and one below it can take a
// back edge that one at its bound cannot.

import type { Cfg } from '../cfg/types.js';

/** Per loop (numbered per CFG), the back edges a path has taken. */
type LoopPasses = ReadonlyMap<number, number>;

const NO_PASSES: LoopPasses = new Map();

export class SeenStates {
  /** Per node: per key, the loop passes of the state (or states) let through with it. */
  private readonly keys: (Map<number, LoopPasses | LoopPasses[]> | undefined)[];
  /** Per node: the model keys let through, and how many states were. */
  private readonly models: (Set<number> | undefined)[];
  private readonly admitted: Int32Array;
  /** States dropped by the cap (not merged). */
  dropped = 0;

  /** Per node, the loops it is in (undefined: none). */
  private readonly inside: readonly (readonly number[] | undefined)[];

  /**
   * The exit, which has no cap of its own: its states are the paths' ends, keyed by where they
   * returned (PathState.key()), and each return node's cap already bounds them. Capped as one,
   * the ends of every return shared one cap, and an early return's leak reached a full exit
   * (found in review).
   */
  private readonly exit: number;

  /** For `cfg`, at most `cap` states per node (then only new model histories). */
  constructor(cfg: Cfg, private readonly cap: number) {
    const nodes = cfg.nodes.length;
    this.exit = cfg.exit;
    this.keys = new Array(nodes);
    this.models = new Array(nodes);
    this.admitted = new Int32Array(nodes);
    this.inside = loopsOf(cfg);
  }

  /**
   * Whether a state with `key`, model key `mk` and `loops` passes goes on from `node`: false
   * when one let through before covers it, or when the node is full. Past the cap only a state
   * that did something new to the model gets through: data variations of known histories are
   * dropped, but no op history is lost to the order the walk happened to take.
   */
  admit(node: number, key: number, mk: number, loops: LoopPasses): boolean {
    let byKey = this.keys[node];
    if (!byKey) this.keys[node] = byKey = new Map();
    const before = byKey.get(key);
    const inside = this.inside[node];
    if (before !== undefined && (Array.isArray(before) ? before.some((p) => samePasses(loops, p, inside)) : samePasses(loops, before, inside))) return false;
    let models = this.models[node];
    if (!models) this.models[node] = models = new Set();
    const n = this.admitted[node] as number;
    if (n >= this.cap && node !== this.exit && (models.has(mk) || models.size >= 2 * this.cap)) {
      this.dropped++;
      return false;
    }
    models.add(mk);
    this.admitted[node] = n + 1;
    // The state's own map changes as it takes back edges: keep what it is now (where it counts).
    const passes = inside && loops.size ? new Map(loops) : NO_PASSES;
    if (before === undefined) byKey.set(key, passes);
    else if (Array.isArray(before)) before.push(passes);
    else byKey.set(key, [before, passes]);
    return true;
  }
}

/** Whether states with passes `loops` and `earlier` took as many of each loop in `inside` (none: a node in no loop). */
function samePasses(loops: LoopPasses, earlier: LoopPasses, inside: readonly number[] | undefined): boolean {
  if (inside) for (const loop of inside) if ((loops.get(loop) ?? 0) !== (earlier.get(loop) ?? 0)) return false;
  return true;
}

/** Per CFG, each node's loops (natural loops of the back edges), made once: a helper's CFG is walked at every call. */
const loopsMemo = new WeakMap<Cfg, readonly (readonly number[] | undefined)[]>();

/**
 * The loops each node of `cfg` is in: for a back edge from `u` to `h`, `h` and every node that
 * reaches `u` without passing through `h`.
 */
export function loopsOf(cfg: Cfg): readonly (readonly number[] | undefined)[] {
  let out = loopsMemo.get(cfg);
  if (out) return out;
  const n = cfg.nodes.length;
  const pred: number[][] = Array.from({ length: n }, () => []);
  const backs: { from: number; head: number; loop: number }[] = [];
  cfg.succ.forEach((edges, from) => {
    for (const e of edges) {
      pred[e.to]?.push(from);
      if (e.back !== undefined) backs.push({ from, head: e.to, loop: e.back });
    }
  });
  const sets: (Set<number> | undefined)[] = new Array(n);
  for (const b of backs) {
    const seen = new Set<number>([b.head]);
    const stack = [b.from];
    while (stack.length) {
      const v = stack.pop() as number;
      if (seen.has(v)) continue;
      seen.add(v);
      for (const p of pred[v] ?? []) stack.push(p);
    }
    for (const v of seen) (sets[v] ??= new Set()).add(b.loop);
  }
  out = Array.from(sets, (x) => (x ? [...x] : undefined));
  loopsMemo.set(cfg, out);
  return out;
}
