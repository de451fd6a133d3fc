// A call's arguments, evaluated left to right on every state the earlier ones left: one row
// (state and values) per combination of outcomes.

import type { Value } from '../../../model/src/index.js';
import type { SNode } from '../syntax/snode.js';
import type { PathState } from './state.js';

type Evaluate = (st: PathState, n: SNode) => { st: PathState; v: Value }[];

export function evalArgs(evaluate: Evaluate, st: PathState, args: readonly SNode[]): { st: PathState; vals: Value[] }[] {
  // Most arguments evaluate to one result: extend a single row in place until one forks.
  const vals: Value[] = [];
  let forked: { st: PathState; v: Value }[] | undefined;
  let i = 0;
  for (; i < args.length && !forked; i++) {
    const rs = evaluate(st, args[i] as SNode);
    if (rs.length === 1) {
      st = (rs[0] as { st: PathState }).st;
      vals.push((rs[0] as { v: Value }).v);
    } else forked = rs;
  }
  if (!forked) return [{ st, vals }];
  let acc = forked.map((x) => ({ st: x.st, vals: [...vals, x.v] }));
  for (; i < args.length; i++) {
    const a = args[i] as SNode;
    acc = acc.flatMap((r) => evaluate(r.st, a).map((x) => ({ st: x.st, vals: [...r.vals, x.v] })));
  }
  return acc;
}
