// cleanup.h's lock guards, read as the lock they take: `guard(write_lock)(&resource_lock);` and
// `scoped_guard(write_lock, &resource_lock) { ... }` take the lock as `write_lock(&resource_lock)`
// does (include/linux/spinlock.h DEFINE_LOCK_GUARD_1(write_lock, ...)); found in review: both
// were opaque calls, and a check-then-request under them was reported as unlocked. The unlock at
// the end of the scope is not modeled: the lock reads as held to the end of the function, which
// can hide a finding after the scope, never make one.

import type { SNode } from '../syntax/snode.js';

/** What a call calls and with what: `K(args)` for a guard of lock kind K, else as written. */
export function callTarget(n: SNode): { callee: string | undefined; args: SNode[] } {
  const fnNode = n.child('function');
  const args = n.child('arguments')?.namedChildren ?? [];
  if (fnNode?.type === 'identifier') {
    const kind = fnNode.text === 'scoped_guard' ? args[0] : undefined;
    return kind?.type === 'identifier' ? { callee: kind.text, args: args.slice(1) } : { callee: fnNode.text, args };
  }
  // guard(K)(args): a call whose function is the call `guard(K)`.
  if (fnNode?.type === 'call_expression' && fnNode.child('function')?.text === 'guard') {
    const kind = fnNode.child('arguments')?.namedChildren;
    if (kind?.length === 1 && kind[0]?.type === 'identifier') return { callee: kind[0].text, args };
  }
  return { callee: undefined, args };
}
