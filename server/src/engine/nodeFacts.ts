// What an expression node says whatever the path: its constant value, whether it calls or
// assigns. A walk evaluates a node once per path that reaches it, so these are kept per node.

import { CONTRACTS, evalConst } from '../../../model/src/index.js';
import type { SNode } from '../syntax/snode.js';
import type { EngineContext } from './context.js';
import { withoutComments } from '../syntax/tokens.js';

/**
 * An expression's constant value under `env`, once per node: a walk evaluates the same
 * expression on every path that reaches it, and tokenizing its text each time was a steady cost.
 */
const MAX_CONSTANT_TEXT = 2048;
const constants = new WeakMap<EngineContext['consts'], WeakMap<SNode, bigint | null>>();
export function constantOf(n: SNode, env: EngineContext['consts']): bigint | undefined {
  let memo = constants.get(env);
  if (!memo) constants.set(env, (memo = new WeakMap()));
  let v = memo.get(n);
  // A longer text is no constant the kernel writes: asked at every level of a long chain of
  // operators, tokenizing each level's whole text made a 5,000-term sum take seconds and 100,000
  // terms run out of memory (found in review).
  if (v === undefined && n.end - n.start > MAX_CONSTANT_TEXT) memo.set(n, (v = null));
  // Its code, not its comments: `-1UL /* c */ + 1` is the constant `-1UL + 1` is.
  if (v === undefined) memo.set(n, (v = evalConst(withoutComments(n.text), env) ?? null));
  return v ?? undefined;
}

const callsInside = new WeakMap<SNode, boolean>();
export function containsCall(n: SNode): boolean {
  let v = callsInside.get(n);
  if (v === undefined) {
    v = n.find((c) => c.type === 'call_expression' || c.type === 'assignment_expression' || c.type === 'update_expression') !== undefined;
    callsInside.set(n, v);
  }
  return v;
}

/** Whether `n` calls a modeled API or a helper walked for the model (`relevant`), anywhere inside. */
export function actsOnModel(n: SNode, relevant: ReadonlySet<string>): boolean {
  return n.find((c) => {
    if (c.type !== 'call_expression') return false;
    const f = c.child('function');
    return f?.type === 'identifier' && (f.text in CONTRACTS || relevant.has(f.text));
  }) !== undefined;
}
