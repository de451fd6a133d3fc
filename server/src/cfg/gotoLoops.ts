// Loops closed by a goto back to a label above it (`retry: ... if (++tries < 3) goto retry;`).
// build.ts marks the goto's edge as the loop's back edge; here the `if` that takes it becomes
// the loop's condition, so that a path past the loop's bound leaves it as it leaves any loop.

import type { CfgNode } from './types.js';
import type { SNode } from '../syntax/snode.js';

/**
 * `if (c) goto retry;` (or `{ goto retry; }`) to a label above: its branch is the loop's
 * condition, and its body the statements from the label to it, so a path past the bound with
 * `c` true leaves by the other arm, where those statements cannot act on the model
 * (engine/loopExit.ts; found in review: `if (++tries < 3) goto retry; return -EIO;` lost the
 * give-up path and the leak on it). A goto in an `else`, or not under the label's block, is
 * left as it is: the path ends at its bound.
 */
export function markGotoExit(nodes: CfgNode[], ifBranches: ReadonlyMap<SNode, number>, goto: SNode, labelled: SNode, loop: number): void {
  let arm = goto;
  if (arm.parent?.type === 'compound_statement' && arm.parent.namedChildren.length === 1) arm = arm.parent;
  const ifStmt = arm.parent;
  if (ifStmt?.type !== 'if_statement' || ifStmt.child('consequence') !== arm) return;
  const b = ifBranches.get(ifStmt);
  const node = b === undefined ? undefined : nodes[b];
  const body = gotoLoopBody(goto, labelled);
  if (node?.kind !== 'branch' || node.loop !== undefined || !body) return;
  node.loop = loop;
  node.body = body;
}

/** The statements of a goto loop: from the labelled statement to the one of its siblings that holds the goto. */
function gotoLoopBody(goto: SNode, labelled: SNode): SNode[] | undefined {
  const siblings = labelled.parent?.namedChildren ?? [];
  const from = siblings.indexOf(labelled);
  if (from < 0) return undefined;
  for (let i = from; i < siblings.length; i++) {
    const s = siblings[i] as SNode;
    if (s.start <= goto.start && goto.end <= s.end) return siblings.slice(from, i + 1);
  }
  return undefined;
}
