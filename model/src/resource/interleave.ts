// Two actors on one resource tree: the owner's op log (one path through the function under
// analysis) and a racer's ops (another driver), merged at every point between steps. An
// interleaving is reported when it ends with an owner step failing that succeeded alone, or
// with one actor's resource freed, dropped or re-parented by the other's op.

import { ModelOp, isResourceOp } from '../ops.js';
import { Handle, OpEffect, ResourceOp, ResourceWorld, createsResource } from './ops.js';
import { Resource, ResourceTree } from './tree.js';

export type Actor = 'owner' | 'racer';

export interface LoggedOp {
  /** Ops of other models (DAX, memory) ride along in the log; the tree ignores them. */
  op: ModelOp;
  /** Whether the op succeeded on the owner's path (its outcome was chosen by the engine). */
  expectOk: boolean;
}

export interface Step {
  actor: Actor;
  /** Index of the op in its actor's sequence (also its handle). */
  index: number;
  op: ModelOp;
  effect: OpEffect;
  /** False when the op was skipped because the owner's path already had it fail. */
  applied: boolean;
}

export type Interference =
  | { kind: 'step-failed'; step: Step; cause?: { actor: Actor; res: Resource } }
  | { kind: 'freed' | 'dropped' | 'reparented'; step: Step; victim: Actor; res: Resource };

export interface Interleaving {
  steps: Step[];
  interferences: Interference[];
  world: ResourceWorld;
  /** Which actor created each resource (by id); layout resources have no owner. */
  createdBy: ReadonlyMap<number, Actor>;
}

/**
 * The closest ancestor of `res` that `actor` created, if any: in the tree as it is, or, for a
 * resource since unlinked, as it was when `res` was created.
 */
export function enclosingOwned(run: Interleaving, res: Resource, actor: Actor): Resource | undefined {
  const createdIn = run.steps.find((s) => s.effect.created === res)?.effect.createdIn;
  for (let p = res.parent ?? createdIn ?? null; p; p = p.parent) if (run.createdBy.get(p.id) === actor) return p;
  return undefined;
}

/** Runs one sequence of (actor, index) picks on a fresh copy of `base`. */
export function runSchedule(base: ResourceTree, owner: LoggedOp[], racer: ResourceOp[], schedule: Actor[]): Interleaving {
  const world = new ResourceWorld(base.clone());
  const owned = new Map<number, Actor>(); // resource id -> actor that created it
  const steps: Step[] = [];
  const interferences: Interference[] = [];
  const next = { owner: 0, racer: 0 };
  for (const actor of schedule) {
    const index = next[actor]++;
    const logged: LoggedOp | undefined = actor === 'owner' ? owner[index] : { op: racer[index] as ResourceOp, expectOk: true };
    if (!logged) continue;
    const rop = logged.op;
    if (!isResourceOp(rop)) {
      steps.push({ actor, index, op: rop, effect: { ok: true, removed: [], reparented: [] }, applied: false });
      continue;
    }
    if (!logged.expectOk && createsResource(rop)) {
      // The owner's path has this request failing: a failed request leaves the tree as it was.
      // (Releases and flag writes act on whatever is there, whatever they found alone.)
      steps.push({ actor, index, op: logged.op, effect: { ok: false, removed: [], reparented: [] }, applied: false });
      continue;
    }
    const effect = world.apply(actor, index as Handle, rop);
    const step: Step = { actor, index, op: rop, effect, applied: true };
    steps.push(step);
    if (effect.created) owned.set(effect.created.id, actor);
    if (actor === 'owner' && !effect.ok && returnsOwnership(rop)) {
      const c = effect.conflict;
      const cause = c && owned.get(c.id) === 'racer' ? { actor: 'racer' as const, res: c } : undefined;
      interferences.push({ kind: 'step-failed', step, ...(cause ? { cause } : {}) });
      break; // the owner's path diverges here: what follows was computed for success
    }
    for (const { res, how } of effect.removed) {
      const victim = owned.get(res.id);
      if (victim && victim !== actor) interferences.push({ kind: how, step, victim, res });
    }
    for (const { res } of effect.reparented) {
      const victim = owned.get(res.id);
      if (victim && victim !== actor) interferences.push({ kind: 'reparented', step, victim, res });
    }
  }
  return { steps, interferences, world, createdBy: owned };
}

/**
 * Ops whose failure changes the caller's path: a request that fails returns NULL or an error.
 * A release that finds nothing only warns, so it is not a divergence.
 */
function returnsOwnership(op: ModelOp): boolean {
  return createsResource(op);
}

/** A schedule may not run the racer while the owner holds a lock (write_lock(&resource_lock)). */
function respectsLocks(owner: LoggedOp[], schedule: Actor[]): boolean {
  // (lock ops are resource ops: the log's other ops are ignored here)
  let depth = 0;
  let i = 0;
  for (const a of schedule) {
    if (a === 'racer') {
      if (depth > 0) return false;
      continue;
    }
    const op = owner[i++]?.op;
    if (op?.kind === 'lock') depth++;
    else if (op?.kind === 'unlock' && depth > 0) depth--;
  }
  return true;
}

/** Every schedule merging `n` owner steps with `m` racer steps, in order, up to `limit`. */
export function* schedules(n: number, m: number, limit = 10_000): Generator<Actor[]> {
  let count = 0;
  const rec = function* (i: number, j: number, acc: Actor[]): Generator<Actor[]> {
    if (count >= limit) return;
    if (i === n && j === m) {
      count++;
      yield acc.slice();
      return;
    }
    if (j < m) {
      acc.push('racer');
      yield* rec(i, j + 1, acc);
      acc.pop();
    }
    if (i < n) {
      acc.push('owner');
      yield* rec(i + 1, j, acc);
      acc.pop();
    }
  };
  yield* rec(0, 0, []);
}

/**
 * The interleavings of `owner` and `racer` that interfere, where the owner alone does not.
 * Racer steps that fail are ordinary contention and never reported.
 */
export function interferingInterleavings(base: ResourceTree, owner: LoggedOp[], racer: ResourceOp[], limit = 10_000): Interleaving[] {
  const solo = runSchedule(base, owner, [], owner.map(() => 'owner' as const));
  if (solo.interferences.length) return []; // the owner's log does not replay: nothing to compare
  const out: Interleaving[] = [];
  for (const s of schedules(owner.length, racer.length, limit)) {
    if (!respectsLocks(owner, s)) continue;
    const run = runSchedule(base, owner, racer, s);
    if (run.interferences.length) out.push(run);
  }
  return out;
}
