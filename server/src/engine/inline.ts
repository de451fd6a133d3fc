// One level of summaries: a static helper of the same file is walked at its call site with
// the caller's state, so a helper that requests a region or clears a flag counts where it is
// called. Fields reached through pointer arguments are shared both ways: the caller's
// `vm->res` is the helper's `p->res` when `vm` is passed as `p`.

import { CONTRACTS, UNKNOWN, Value } from '../../../model/src/index.js';
import { callerHoldsHotplug } from '../analysis/facts.js';
import { localNames } from '../cfg/locals.js';
import type { Cfg } from '../cfg/types.js';
import type { SNode } from '../syntax/snode.js';
import type { EngineContext } from './context.js';
import type { Result } from './eval.js';
import { lvalueKey } from './lvalue.js';
import { Bindings, copyMap } from './cowMap.js';
import { DEVRES_ACTIONS, REFCOUNT_PUTS } from './ownership.js';
import { PathState, Site, rootOf, siteOf } from './state.js';

export interface HelperBody {
  cfg: Cfg;
  params: string[];
}

export type HelperLookup = (name: string) => HelperBody | undefined;

type Explore = (cfg: Cfg, init: PathState, ctx: EngineContext, helpers: HelperLookup) => { ends: PathState[] };

const carriesModel = (v: Value): boolean => v.k === 'ptr' || v.k === 'status' || v.k === 'errptr';

/** The caller-side prefix of the fields a pointer argument gives the helper access to. */
function callerPrefix(arg: SNode): string | undefined {
  if (arg.type === 'pointer_expression' && arg.children[0]?.text === '&') {
    const target = arg.child('argument');
    return target ? `${lvalueKey(target)}.` : undefined;
  }
  if (arg.type === 'identifier' || arg.type === 'field_expression' || arg.type === 'subscript_expression') return `${lvalueKey(arg)}->`;
  return undefined;
}

/** A helper's locals, once per body: it is walked at every call, on every path that reaches one. */
const localsOf = new WeakMap<Cfg, ReadonlySet<string>>();
function helperLocals(cfg: Cfg): ReadonlySet<string> {
  let l = localsOf.get(cfg);
  if (!l) localsOf.set(cfg, (l = localNames(cfg)));
  return l;
}

export function inlineHelper(
  name: string, args: Value[], st: PathState, call: SNode, outer: EngineContext, helpers: HelperLookup, explore: Explore,
): Result[] | undefined {
  if (outer.inlineDepth > (outer.inlineLimit ?? 0) || !outer.facts.relevant.has(name)) return undefined;
  const argNodes = call.child('arguments')?.namedChildren ?? [];
  // Asked before the body is made, which most such calls do not need (their arguments are
  // not the caller's storage): a helper not walked yet in this analysis is made for its caller.
  if (ownWalkSuffices(name, helpers, st, call, argNodes, outer)) return undefined;
  const body = helpers(name);
  if (!body) return undefined;
  return runBody(body, name, args, argNodes, st, siteOf(call), outer, helpers, explore, { onlyIfCarries: !outer.facts.creators.has(name) });
}

/**
 * Whether walking the helper here would only repeat its own walk: the call is the function's
 * return value (`return helper(...);`), the path holds nothing of the model yet, and the helper
 * is walked on its own (an entry). The path's end is then the helper's end, from a state that
 * gives it nothing, with the parameters bound to what the caller passed: its paths are paths of
 * the helper's own walk (which binds nothing, and walks the helper's helpers too), and what
 * they hold at the end is the helper's to answer for, where its own walk reports it. So the
 * call stays opaque (its findings were reported a second time there, at the caller's return).
 * `nd_pmem_probe()` ends in two such calls of `pmem_attach_disk()`, and the three free-region
 * APIs of kernel/resource.c in one of `get_free_mem_region()`.
 *
 * A parameter given the caller's own storage (`&f`, or a local) counts as the helper's local
 * in a walk at the call, and as memory that outlives it in its own walk: a resource the helper
 * leaves there is lost when the caller returns, which only the walk at the call sees. So the
 * call is walked where the helper writes to such a parameter, or through it, or hands it to a
 * call that may store into it (a modeled API) or to a function it runs.
 */
function ownWalkSuffices(name: string, helpers: HelperLookup, st: PathState, call: SNode, argNodes: SNode[], outer: EngineContext): boolean {
  if (call.parent?.type !== 'return_statement' || !outer.facts.entries.has(name) || !st.holdsNothing()) return false;
  // The helper's own walk starts from nothing too: not with a hold its comment says its caller
  // takes, which a caller that holds nothing does not (analyze.ts initialState()), nor with
  // the PFN of a RAM walker's callback.
  const own = outer.facts.functions.get(name);
  if (!own || callerHoldsHotplug(outer.facts.text, own.start) || outer.facts.ramWalkers.has(name)) return false;
  const local = argNodes.map((a) => outer.locals.has(rootOf(lvalueKey(a))));
  if (!local.includes(true)) return true;
  // Without a body the call is opaque either way.
  const body = helpers(name);
  if (!body) return true;
  const stored = storedRoots(body);
  return argNodes.every((_, i) => !local[i] || !stored.has(body.params[i] ?? ''));
}

/**
 * Calls that may store into or through an argument, or run a function of the file on one: the
 * modeled APIs (a request or an insert binds the resource it links to its argument), devres
 * actions and release callbacks, and the `__free()` hand-overs. An opaque call only forgets what
 * it is given by address, the same in either walk.
 */
const STORES_ARGS: ReadonlySet<string> = new Set([...DEVRES_ACTIONS, ...REFCOUNT_PUTS, 'kref_put', 'no_free_ptr', 'return_ptr']);

/** Per helper body: the roots of what it assigns to, and of what it hands to a call that may store into it. */
const storedRootsOf = new WeakMap<Cfg, ReadonlySet<string>>();

function storedRoots(body: HelperBody): ReadonlySet<string> {
  let roots = storedRootsOf.get(body.cfg);
  if (roots) return roots;
  const out = new Set<string>();
  const visit = (n: SNode): void => n.walk((c) => {
    if (c.type === 'assignment_expression') {
      const left = c.child('left');
      if (left) out.add(rootOf(lvalueKey(left)));
    } else if (c.type === 'update_expression') {
      const arg = c.child('argument');
      if (arg) out.add(rootOf(lvalueKey(arg)));
    } else if (c.type === 'call_expression') {
      const callee = c.child('function')?.text ?? '';
      if (STORES_ARGS.has(callee) || CONTRACTS[callee]) for (const a of c.child('arguments')?.namedChildren ?? []) out.add(rootOf(lvalueKey(a)));
    }
  });
  for (const n of body.cfg.nodes) {
    const e = n.kind === 'eval' ? n.expr : n.kind === 'branch' ? n.cond : n.kind === 'switch' ? n.disc : n.kind === 'return' ? n.expr : n.kind === 'decl' ? n.init : undefined;
    if (e) visit(e);
  }
  storedRootsOf.set(body.cfg, (roots = out));
  return roots;
}

/**
 * Walks `body` with the caller's state, parameters bound to `args`, and maps the results
 * back. Used for helpers, `__free()` cleanups and devres actions.
 */
export function runBody(
  body: HelperBody, name: string, args: Value[], argNodes: SNode[], st: PathState, callSite: Site, outer: EngineContext,
  helpers: HelperLookup, explore: Explore, opts: { onlyIfCarries?: boolean; depth?: number; snippet?: boolean } = {},
): Result[] | undefined {
  const callee = st.fork();
  callee.bindings = new Bindings([...st.bindings].filter(([k]) => k.startsWith('@')));
  callee.returned = undefined;
  // Loops are numbered per CFG: the helper's would read the caller's counts (and leave its own).
  callee.loops = new Map();
  const aliases: { param: string; caller: string }[] = [];
  let carries = args.some(carriesModel);
  body.params.forEach((p, i) => {
    if (!p) return;
    const v = args[i];
    if (v && v.k !== 'unknown') callee.bindings.set(p, v);
    const a = argNodes[i];
    const prefix = a ? callerPrefix(a) : undefined;
    if (!prefix) return;
    aliases.push({ param: `${p}->`, caller: prefix });
    for (const [k, val] of st.bindings) {
      if (!k.startsWith(prefix)) continue;
      callee.bindings.set(`${p}->${k.slice(prefix.length)}`, val);
      carries ||= carriesModel(val);
    }
  });
  // Walking a helper only pays when it acts on something the caller holds, or creates
  // something itself (a request, an add); otherwise its effects are invisible to the model.
  if (opts.onlyIfCarries && !carries) return undefined;
  // The helper's locals, plus parameters that point at the caller's locals.
  const locals = new Set(helperLocals(body.cfg));
  body.params.forEach((p, i) => {
    const a = argNodes[i];
    if (p && a && outer.locals.has(rootOf(lvalueKey(a)))) locals.add(p);
  });
  const depth = opts.depth ?? outer.inlineDepth + 1;
  const ctx: EngineContext = {
    ...outer, inlineDepth: depth, functionName: name, callSite: outer.callSite ?? callSite, locals, visible: aliases.map((a) => a.param),
    // A cleanup or devres action may call one helper of its own.
    ...(opts.depth !== undefined ? { inlineLimit: depth } : {}),
    ...(opts.snippet ? { snippet: true } : { snippet: false }),
  };
  const inner = explore(body.cfg, callee, ctx, helpers);
  return inner.ends.map((end) => {
    const back = end.fork();
    back.bindings = st.bindings.clone();
    back.versions = st.versions.clone();
    back.loops = copyMap(st.loops);
    back.returned = st.returned;
    back.returnSite = st.returnSite;
    // Fields of modeled objects are keyed by object, not by name: they come back as they are.
    for (const [k, v] of end.bindings) if (k.startsWith('@')) back.bindings.set(k, v);
    for (const k of [...back.bindings.keys()]) if (k.startsWith('@') && !end.bindings.has(k)) back.bindings.delete(k);
    for (const { param, caller } of aliases) {
      for (const k of [...back.bindings.keys()]) if (k.startsWith(caller)) back.bindings.delete(k);
      for (const [k, v] of end.bindings) if (k.startsWith(param)) back.bindings.set(`${caller}${k.slice(param.length)}`, v);
    }
    return { st: back, v: end.returned ?? UNKNOWN };
  });
}
