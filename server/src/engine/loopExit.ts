// Leaving a loop whose condition a path decides. A path runs a loop's body at most twice
// (explore.ts); where the condition is decided by the values the path holds (`i < N` with `i`
// counted and N a constant), it stays true after the second pass, and no path would get past
// the loop (found in review: every finding after `for (i = 0; i < NR; i++) writel(...)` was
// lost, with no word that the walk was cut). Such a path leaves the loop instead, with what the
// condition reads made unknown: the count it stopped at is not one the model followed.
//
// Only where the passes walked did nothing to the model: a loop that requests a region per pass
// has logged two requests where the code makes N, and an unwind after it (`while (i--)
// release(...)`) with its counter unknown could run no pass and leave them held (found in
// review: a false leak on the kernel's request-all-or-unwind loops). There the path still ends.

import type { CfgEdge } from '../cfg/types.js';
import type { SNode } from '../syntax/snode.js';
import type { PathState } from './state.js';

/**
 * The lvalues a loop condition reads (variables, fields, elements; not the functions it calls),
 * outermost only: `p->n` of `p->n < 4`, not `p`. None for a condition of constants alone
 * (`while (1)`): such a loop is left only by a break, a return or a goto.
 */
export function conditionLvalues(cond: SNode): SNode[] {
  const out: SNode[] = [];
  cond.walk((n) => {
    if (n.type === 'call_expression') {
      for (const a of n.child('arguments')?.namedChildren ?? []) out.push(...conditionLvalues(a));
      return false;
    }
    if (n.type === 'identifier' || n.type === 'field_expression' || n.type === 'subscript_expression') {
      out.push(n);
      return false;
    }
    return true;
  });
  return out;
}

/**
 * Where the ops log stood when the path entered loop `loop` (its pass count is 0 there), kept
 * in the path's loop counts under a key no loop has (loops are numbered from 0).
 */
const entryKey = (loop: number): number => -1 - loop;

/** At a loop's condition: remembers where the ops log stood on the first pass. */
export function noteLoopPass(st: PathState, loop: number): void {
  if ((st.loops.get(loop) ?? 0) === 0) st.loops.set(entryKey(loop), st.ops.length);
}

/**
 * The edge out of a loop a path leaves past its bound (`decided`: the condition is true and the
 * path has used its passes), the condition's lvalues made unknown; undefined where the path
 * does not leave it so (a constant condition, or passes that did something to the model).
 */
export function exhaustedExit(st: PathState, cond: SNode, loop: number, edges: readonly CfgEdge[], invalidate: (lvalue: SNode) => void): CfgEdge | undefined {
  if ((st.loops.get(entryKey(loop)) ?? 0) < st.ops.length) return undefined;
  const reads = conditionLvalues(cond);
  const exit = reads.length ? edges.find((e) => e.cond === false) : undefined;
  if (exit) for (const l of reads) invalidate(l);
  return exit;
}
