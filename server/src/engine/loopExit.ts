// Leaving a loop whose condition a path decides. A path runs a loop's body at most twice
// (explore.ts); where the condition is decided by the values the path holds (`i < N` with `i`
// counted and N a constant), it stays true after the second pass, and no path would get past
// the loop (found in review: every finding after `for (i = 0; i < NR; i++)` was lost, with no
// word that the walk was cut). Such a path leaves the loop instead, with what the condition reads
// made unknown: the count it stopped at is not one the model followed.

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
