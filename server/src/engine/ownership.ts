// Calls that move ownership rather than act on the model: `no_free_ptr()`/`return_ptr()` and
// the devres action helpers.

import { UNKNOWN, Value } from '../../../model/src/index.js';
import type { SNode } from '../syntax/snode.js';
import type { BodyRunner, Result } from './eval.js';
import { lvalueKey, rootOf } from './lvalue.js';
import { PathState, siteOf } from './state.js';
import { tokenText } from '../syntax/tokens.js';

/** devres action registrations: `fn(data)` runs when the driver detaches (at once when the `_or_reset` form fails). */
export const DEVRES_ACTIONS: ReadonlySet<string> = new Set(['devm_add_action', 'devm_add_action_or_reset']);

/** Calls that drop a reference and, at the last one, run the object's `.release` callback. */
export const REFCOUNT_PUTS: ReadonlySet<string> = new Set(['put_device', 'device_unregister', 'kobject_put', 'platform_device_put', 'platform_device_unregister']);

/**
 * Calls that move ownership: `no_free_ptr(x)`/`return_ptr(x)` take the value out of a
 * `__free()` variable (which becomes NULL); `devm_add_action[_or_reset](dev, fn, data)` hands
 * `data` to devres, and the `_or_reset` form runs `fn(data)` at once when it fails.
 */
export function ownershipCall(
callee: string, vals: Value[], argNodes: SNode[], st: PathState, n: SNode, ev: { invalidate(st: PathState, key: string): void }, runBody: BodyRunner,
): Result[] | undefined {
  if ((callee === 'no_free_ptr' || callee === 'return_ptr') && argNodes[0]) {
    const v = vals[0] ?? UNKNOWN;
    ev.invalidate(st, lvalueKey(argNodes[0]));
    st.bindings.set(lvalueKey(argNodes[0]), { k: 'null' });
    return [{ st, v }];
  }
  if (!DEVRES_ACTIONS.has(callee)) return undefined;
  const data = vals[2] ?? UNKNOWN;
  const fn = argNodes[1] ? tokenText(argNodes[1].text, { lines: false }) : '';
  const dataText = argNodes[2] && tokenText(argNodes[2].text, { lines: false });
  const ok = st.fork();
  if (data.k === 'ptr') ok.escaped.add(data.obj.h);
  ok.trace.push({ site: siteOf(n), message: `${callee}() hands ${dataText ?? 'the data'} to devres: ${fn}() runs when the driver detaches` });
  const out: Result[] = [{ st: ok, v: { k: 'status', ok: true } }];
  const failed = st;
  failed.trace.push({ site: siteOf(n), message: callee === 'devm_add_action_or_reset'
    ? `${callee}() fails and runs ${fn}(${dataText ?? ''}) at once` : `${callee}() fails; nothing is registered` });
  const ran = callee === 'devm_add_action_or_reset' && /^\w+$/.test(fn)
    ? runBody(fn, [data], argNodes.slice(2), failed, n) : undefined;
  // An action this file does not define (or one the walk cannot run) still gets `data` when the
  // `_or_reset` form fails, and may release it (found in review: a leak was reported there).
  if (!ran && callee === 'devm_add_action_or_reset' && data.k === 'ptr') failed.escaped.add(data.obj.h);
  for (const r of ran ?? [{ st: failed, v: UNKNOWN }]) out.push({ st: r.st, v: { k: 'status', ok: false, code: -12 } });
  return out;
}

/**
 * The variables whose objects a call the model does not know may take over through its
 * arguments: those passed whole (`res`, `&foo->dev`, `(void *)p`), not those only a member of
 * which is read by value (`res->start`, `foo->name`: the callee gets the member; found in
 * review, `ioremap(res->start, ...)` hid the leak of `res` on ioremap()'s failure). A member
 * that holds a modeled object is handed over by its value (`Evaluator.opaqueCall()`).
 */
export function handedRoots(args: readonly SNode[]): Set<string> {
  const out = new Set<string>();
  for (const a of args) {
    let e: SNode | undefined = a;
    while (e && (e.type === 'parenthesized_expression' || e.type === 'cast_expression')) e = e.type === 'cast_expression' ? e.child('value') : e.namedChildren[0];
    if (!e || e.type === 'number_literal' || e.type === 'string_literal' || e.type === 'field_expression' || e.type === 'subscript_expression') continue;
    out.add(rootOf(lvalueKey(a)));
  }
  return out;
}
