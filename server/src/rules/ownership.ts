// Questions the leak-style rules share: did the path fail, and did an object leave the
// function's hands (returned, stored where it outlives the call, given to unknown code)?

import type { Value } from '../../../model/src/index.js';
import { isLocalKey } from '../engine/lvalue.js';
import type { PathState } from '../engine/state.js';

/**
 * A negative int, a failed status or an ERR_PTR: the function reports failure. So does an int
 * a branch found non-zero (`if (rc) goto err; ... return rc;`), the kernel's convention.
 */
export function isErrorReturn(v: Value | undefined, returnsPointer = false): boolean {
  if (!v) return false;
  // A pointer-returning function fails with NULL or an ERR_PTR; any other value is its result.
  if (returnsPointer) return v.k === 'null' || (v.k === 'int' && v.v === 0n) || v.k === 'errptr';
  if (v.k === 'int') return v.v < 0n;
  if (v.k === 'sym') return v.nonzero === true;
  return (v.k === 'status' && !v.ok) || v.k === 'errptr' || v.k === 'truthy';
}

/** Whether object `h` is no longer the function's alone at the end of the path. */
export function handedOver(st: PathState, h: number, locals: ReadonlySet<string>): boolean {
  if (st.escaped.has(h)) return true;
  if (st.returned?.k === 'ptr' && st.returned.obj.h === h) return true;
  for (const [k, v] of st.bindings.pointers()) if (v.k === 'ptr' && v.obj.h === h && !isLocalKey(st, k, locals)) return true;
  return false;
}

/** A step the analyzed function made itself, not inside a helper it calls. */
export function isDirect(l: { site: { start: number }; at: { start: number } }): boolean {
  return l.site.start === l.at.start;
}
