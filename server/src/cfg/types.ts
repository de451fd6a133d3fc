// Control-flow graph of one function, built from its syntax snapshot.

import type { SNode } from '../syntax/snode.js';

export type CfgNode =
  | { id: number; kind: 'entry' }
  | { id: number; kind: 'exit' }
  /** An expression evaluated for its effects (calls, assignments). */
  | { id: number; kind: 'eval'; expr: SNode }
  /** A local declaration; `cleanup` is the function named by `__free(...)`. */
  | { id: number; kind: 'decl'; name: string; init?: SNode; node: SNode; cleanup?: string; typeText: string }
  /**
   * A two-way branch: the edge with `cond: true` is taken when `cond` is true. For an `if`,
   * `arms` holds the statements each side runs (for rules that ask what a path skipped); a loop's
   * condition, the loop's `body` (loopExit.ts asks whether its passes can act on the model); for
   * an `if` that decides a goto loop (`if (++tries < 3) goto retry;`), the loop that goto closes
   * and the statements from the label to the `if`; `stay`, the condition's value that stays in
   * the loop (false for `if (++tries > 3) return -EIO; goto retry;`; true when absent).
   */
  | { id: number; kind: 'branch'; cond: SNode; loop?: number; arms?: { then?: SNode; else?: SNode }; body?: SNode | readonly SNode[]; stay?: boolean }
  /** A switch: successors carry the case label expressions (none for `default`). */
  | { id: number; kind: 'switch'; disc: SNode }
  | { id: number; kind: 'return'; expr?: SNode; node: SNode }
  | { id: number; kind: 'label'; name: string; node: SNode }
  /** Leaving a block: the locals declared in it go out of scope (runs `__free` cleanups). */
  | { id: number; kind: 'scope_end'; names: string[] }
  | { id: number; kind: 'join' };

export interface CfgEdge {
  to: number;
  /** For branch successors: the value of the condition on this edge. */
  cond?: boolean;
  /** For switch successors: the case expression, or 'default'. */
  caseValue?: SNode | 'default';
  /** Set on the edge that closes a loop, with the loop's id. */
  back?: number;
}

export interface Cfg {
  nodes: CfgNode[];
  succ: CfgEdge[][];
  entry: number;
  exit: number;
  /** Gotos whose label is not in the function (broken or macro-generated code). */
  unresolvedGotos: string[];
  /** Regions the builder could not read as statements (ERROR nodes), kept as offsets. */
  errors: { start: number; end: number }[];
}
