// Leaving a loop whose condition a path decides. A path runs a loop's body at most twice
// (explore.ts); where the condition is decided by the values the path holds (`i < N` with `i`
// counted and N a constant), it stays true after the second pass, and no path would get past
// the loop (found in review: every finding after `for (i = 0; i < NR; i++) writel(...)` was
// lost, with no word that the walk was cut). Such a path leaves the loop instead, with what the
// condition reads made unknown: the count it stopped at is not one the model followed.
//
// Only where the loop's body cannot act on the model: a loop that requests a region per pass has
// logged two requests where the code makes N, and an unwind after it (`while (i--)
// release(...)`) with its counter unknown could run no pass and leave them held (found in
// review: a false leak on the kernel's request-all-or-unwind loops). There the path still ends.
// (Read from the body's text, not from what the passes logged: kept on the path, that record was
// one more entry to copy at every fork, and the whole tree's check took several % longer.)

import type { CfgEdge } from '../cfg/types.js';
import type { SNode } from '../syntax/snode.js';

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
 * The edge out of a loop a path leaves past its bound (the condition is true and the path has
 * used its passes), the condition's lvalues made unknown; undefined where the path does not
 * leave it so: a constant condition, or a body that can act on the model (`acts`: a modeled
 * call, a helper walked for it), whatever this path's passes did.
 */
export function exhaustedExit(
  cond: SNode, body: SNode | readonly SNode[] | undefined, edges: readonly CfgEdge[], acts: (n: SNode) => boolean, invalidate: (lvalue: SNode) => void,
  /** The condition's value that leaves the loop (a goto loop's guard may leave on true). */
  leave = false,
): CfgEdge | undefined {
  if (!body || (Array.isArray(body) ? (body as readonly SNode[]).some(acts) : acts(body as SNode))) return undefined;
  const reads = conditionLvalues(cond);
  const exit = reads.length ? edges.find((e) => e.cond === leave) : undefined;
  if (exit) for (const l of reads) invalidate(l);
  return exit;
}
