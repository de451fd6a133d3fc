// Running a contract's outcomes on a path state.

import { ObjRef, Outcome, UNKNOWN, Value, createsResource, isResourceOp } from '../../../model/src/index.js';
import type { SNode } from '../syntax/snode.js';
import type { EngineContext } from './context.js';
import type { Result } from './eval.js';
import { lvalueKey } from './lvalue.js';
import { applyOtherOp } from './models.js';
import { logOp } from './idleOps.js';
import { PathState, logStep, siteOf } from './state.js';

/**
 * Applies a contract's outcomes to the path: each outcome that the model allows forks the
 * state, logs its ops (with where they happened) and yields the call's value.
 */
export function applyOutcomes(st: PathState, outcomes: Outcome[], callee: string, n: SNode, ctx: EngineContext, argNodes: SNode[] = []): Result[] {
  const out: Result[] = [];
  const site = ctx.snippet && ctx.callSite ? ctx.callSite : siteOf(n);
  for (const o of outcomes) {
    const s = outcomes.length > 1 ? st.fork() : st;
    let created: number | undefined;
    let feasible = true;
    const msgs: string[] = [];
    let createdKind: ObjRef['kind'] = 'resource';
    for (const op of o.ops) {
      const handle = s.ops.length;
      const at = ctx.callSite ?? site;
      if (!isResourceOp(op)) {
        const r = applyOtherOp(s, handle, op);
        if (r.created) {
          created = handle;
          createdKind = r.created;
        }
        logOp(s.ops, logStep(op, true, site, at, callee, s.trace.length, r.dax));
        continue;
      }
      if (createsResource(op) && !o.requireOk) {
        // A request on its failure outcome leaves the tree as it was.
        s.ops.push(logStep(op, false, site, at, callee, s.trace.length));
        continue;
      }
      const effect = s.mutableWorld().apply('owner', handle, op);
      if (o.requireOk && !effect.ok) {
        feasible = false; // the model rules this outcome out (e.g. the range is BUSY)
        break;
      }
      if (effect.created) created = handle;
      if (effect.warning) msgs.push(effect.warning);
      s.ops.push(logStep(op, effect.ok, site, at, callee, s.trace.length));
    }
    if (!feasible) continue;
    s.trace.push({ site, message: `${o.note}${msgs.length ? ` (${msgs.join('; ')})` : ''}` });
    const obj: Value = created === undefined ? UNKNOWN : { k: 'ptr', obj: { kind: createdKind, h: created } };
    const failedAt = s.ops.length - 1;
    const failedOp = s.ops[failedAt]?.op;
    const ret: Value = o.ret === 'created' ? obj
      : o.ret === 'failed' ? { k: 'errptr', ...(failedOp && 'code' in failedOp && typeof failedOp.code === 'number' ? { code: failedOp.code } : {}), src: failedAt }
      : o.ret;
    // The created object is the caller's struct (insert_resource(parent, res)): bind it.
    const target = o.bindsArg === undefined ? undefined : argNodes[o.bindsArg];
    if (target && obj.k === 'ptr') s.bindings.set(lvalueKey(target), obj);
    out.push({ st: s, v: ret });
  }
  return out;
}
