// Loops closed by a goto (`retry: ... if (++tries < 3) goto retry;`). A goto edge that closes a
// cycle is made the loop's back edge, so the walk runs what it repeats at most twice, as any
// loop's body (unmarked, such a loop ran until the node's state cap or the path bound:
// `swsusp_free()` ended in 96 paths, each a pass longer than the last); and the `if` that
// decides it becomes the loop's condition, so that a path past the bound leaves the loop as it
// leaves any other (engine/loopExit.ts).

import type { Cfg, CfgNode } from './types.js';
import type { SNode } from '../syntax/snode.js';

export interface ResolvedGoto {
  /** The node the goto's edge leaves from, and its label's node. */
  from: number;
  target: number;
  label: string;
  stmt: SNode;
}

/**
 * Marks the goto edges of `cfg` that close a cycle (retreating in a depth-first walk from the
 * entry: the label is on the walk's stack) as back edges, one loop per label, numbered from
 * `next`; returns the next free loop number. A goto up to a label that is not on the way to it
 * (into the other arm of an `if` of the same loop body) is not a loop of its own (found in
 * review: marked by position alone, it cut that loop's second pass).
 */
export function markGotoLoops(cfg: Cfg, gotos: readonly ResolvedGoto[], ifBranches: ReadonlyMap<SNode, number>, next: number): number {
  const retreating = gotos.length ? retreatingEdges(cfg) : new Set<string>();
  const loops = new Map<string, number>();
  for (const g of gotos) {
    if (!retreating.has(`${g.from}>${g.target}`)) continue;
    const edge = cfg.succ[g.from]?.find((e) => e.to === g.target && e.cond === undefined && e.caseValue === undefined && e.back === undefined);
    if (!edge) continue;
    let loop = loops.get(g.label);
    if (loop === undefined) loops.set(g.label, (loop = next++));
    edge.back = loop;
    const label = cfg.nodes[g.target];
    if (label?.kind === 'label') markGotoExit(cfg.nodes, ifBranches, g.stmt, label.node, loop);
  }
  return markOtherRetreats(cfg, next);
}

/**
 * Every cycle given a back edge: a goto down to a label that falls through to one above it
 * (`out: ... h: ... goto out;`), or a goto into the other arm of an `if` that falls out of it back
 * above, closes a cycle through an edge no goto or loop statement made. Unmarked, such a cycle
 * had no bound on its passes but the caps (found in review: with a loop inside it, whose passes
 * start anew at each entry, every lap walked the loop again, to 97 ops a path). The edges that
 * retreat in a depth-first walk of the graph without the back edges already marked become back
 * edges of their head's loop (one per head): every cycle then has one, as any cycle left in that
 * graph has a retreating edge. Not those of a walk of the whole graph: a goto into a loop's body
 * reaches it before the loop's head, and the loop's own entry and the fall-through into the
 * label then retreat (found in review: marked, a path entering the loop used up its pass there).
 */
function markOtherRetreats(cfg: Cfg, next: number): number {
  const retreating = retreatingEdges(cfg, true);
  if (!retreating.size) return next;
  const byHead = new Map<number, number>();
  cfg.succ.forEach((edges) => {
    for (const e of edges) if (e.back !== undefined) byHead.set(e.to, e.back);
  });
  cfg.succ.forEach((edges, from) => {
    for (const e of edges) {
      if (e.back !== undefined || !retreating.has(`${from}>${e.to}`)) continue;
      let loop = byHead.get(e.to);
      if (loop === undefined) byHead.set(e.to, (loop = next++));
      e.back = loop;
    }
  });
  return next;
}

/**
 * The edges `from>to` whose target is on the stack of a depth-first walk from the entry; with
 * `unmarked`, of a walk that leaves out the back edges and starts again from every node it has
 * not reached (a cycle of nodes the entry reaches only through a back edge has one too).
 */
function retreatingEdges(cfg: Cfg, unmarked = false): Set<string> {
  const out = new Set<string>();
  const state = new Uint8Array(cfg.nodes.length); // 0 new, 1 on the stack, 2 done
  const stack: { node: number; next: number }[] = [];
  // The next root is looked for from where the last was found: every node before it is reached.
  for (let root = cfg.entry, scan = 0; root >= 0; root = unmarked ? (scan = state.indexOf(0, scan)) : -1) {
    state[root] = 1;
    stack.push({ node: root, next: 0 });
    while (stack.length) {
      const top = stack[stack.length - 1] as { node: number; next: number };
      const edges = cfg.succ[top.node] ?? [];
      if (top.next >= edges.length) {
        state[top.node] = 2;
        stack.pop();
        continue;
      }
      const edge = edges[top.next++] as { to: number; back?: number };
      if (unmarked && edge.back !== undefined) continue;
      if (state[edge.to] === 1) out.add(`${top.node}>${edge.to}`);
      else if (state[edge.to] === 0) {
        state[edge.to] = 1;
        stack.push({ node: edge.to, next: 0 });
      }
    }
  }
  return out;
}

/**
 * The `if` that decides the goto loop, made its condition (with the statements from the label
 * to it as its body): `if (c) goto retry;`, `if (c) { ...; goto retry; }` (the condition's true
 * value stays), or `if (c) return ...; goto retry;` (its false value stays). A path past the
 * bound then leaves by the other arm where the loop's statements cannot act on the model (found
 * in review: `if (++tries < 3) goto retry; return -EIO;` and `if (++retries > 3) return -EIO;
 * goto retry;` lost the give-up path and the leak on it). Other shapes are left as they are: a
 * path ends at the bound.
 */
function markGotoExit(nodes: CfgNode[], ifBranches: ReadonlyMap<SNode, number>, goto: SNode, labelled: SNode, loop: number): void {
  const guard = leavingGuard(goto);
  let ifStmt = guard;
  let stay = false;
  if (!ifStmt) {
    let arm = goto;
    const block = arm.parent;
    if (block?.type === 'compound_statement' && block.namedChildren[block.namedChildren.length - 1] === arm) arm = block;
    ifStmt = arm.parent?.type === 'if_statement' && arm.parent.child('consequence') === arm ? arm.parent : undefined;
    stay = true;
  }
  const b = ifStmt && ifBranches.get(ifStmt);
  const node = b === undefined ? undefined : nodes[b];
  const body = gotoLoopBody(goto, labelled);
  if (node?.kind !== 'branch' || node.loop !== undefined || !body) return;
  node.loop = loop;
  node.body = body;
  node.stay = stay;
}

/** `if (c) return ...; goto retry;`: the `if` without `else` right before the goto, whose arm returns. */
function leavingGuard(goto: SNode): SNode | undefined {
  const siblings = goto.parent?.namedChildren ?? [];
  const prev = siblings[siblings.indexOf(goto) - 1];
  if (prev?.type !== 'if_statement' || prev.child('alternative')) return undefined;
  const arm = prev.child('consequence');
  const last = arm?.type === 'compound_statement' ? arm.namedChildren[arm.namedChildren.length - 1] : arm;
  return last?.type === 'return_statement' ? prev : undefined;
}

/**
 * The statements of a goto loop: in the innermost block that holds both the label and the goto,
 * from the statement that holds the label to the one that holds the goto.
 */
function gotoLoopBody(goto: SNode, labelled: SNode): SNode[] | undefined {
  const within = (outer: SNode, inner: SNode): boolean => outer.start <= inner.start && inner.end <= outer.end;
  let from = labelled;
  while (from.parent && !within(from.parent, goto)) from = from.parent;
  const siblings = from.parent?.namedChildren ?? [];
  const i0 = siblings.indexOf(from);
  if (i0 < 0) return undefined;
  for (let i = i0; i < siblings.length; i++) if (within(siblings[i] as SNode, goto)) return siblings.slice(i0, i + 1);
  return undefined;
}
