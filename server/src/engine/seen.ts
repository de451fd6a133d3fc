// Which states a walk lets through at each CFG node: the merge of paths, and its caps.
//
// A state is keyed without the loop passes it has taken (PathState.key()): a state that
// arrives at a node with the key of one let through before, having taken at least as many
// passes of every loop, can do nothing that one could not (it has fewer back edges left; the
// rest of its future is the same), so it is dropped. Keyed with the passes, the second pass of
// a loop whose body changed nothing the key holds walked everything after the loop again: such
// passes were half the visits over Linux 6.12's candidate files. A state with fewer passes than
// every one before it still gets through.

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

  /** For a CFG of `nodes` nodes, at most `cap` states per node (then only new model histories). */
  constructor(nodes: number, private readonly cap: number) {
    this.keys = new Array(nodes);
    this.models = new Array(nodes);
    this.admitted = new Int32Array(nodes);
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
    if (before !== undefined && (Array.isArray(before) ? before.some((p) => coveredBy(loops, p)) : coveredBy(loops, before))) return false;
    let models = this.models[node];
    if (!models) this.models[node] = models = new Set();
    const n = this.admitted[node] as number;
    if (n >= this.cap && (models.has(mk) || models.size >= 2 * this.cap)) {
      this.dropped++;
      return false;
    }
    models.add(mk);
    this.admitted[node] = n + 1;
    // The state's own map changes as it takes back edges: keep what it is now.
    const passes = loops.size ? new Map(loops) : NO_PASSES;
    if (before === undefined) byKey.set(key, passes);
    else if (Array.isArray(before)) before.push(passes);
    else byKey.set(key, [before, passes]);
    return true;
  }
}

/** Whether a state with `loops` passes can do no more than one with `earlier` passes: at least as many of each. */
function coveredBy(loops: LoopPasses, earlier: LoopPasses): boolean {
  if (!earlier.size) return true;
  for (const [loop, n] of earlier) if ((loops.get(loop) ?? 0) < n) return false;
  return true;
}
