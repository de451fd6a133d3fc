// One level of summaries: a static helper of the same file is walked at its call site with
// the caller's state, so a helper that requests a region or clears a flag counts where it is
// called. Fields reached through pointer arguments are shared both ways: the caller's
// `vm->res` is the helper's `p->res` when `vm` is passed as `p`.

import { UNKNOWN, Value } from '../../../model/src/index.js';
import { localNames } from '../cfg/locals.js';
import type { Cfg } from '../cfg/types.js';
import type { SNode } from '../syntax/snode.js';
import type { EngineContext } from './context.js';
import type { Result } from './eval.js';
import { lvalueKey } from './lvalue.js';
import { Bindings } from './cowMap.js';
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
  const body = helpers(name);
  if (!body) return undefined;
  const argNodes = call.child('arguments')?.namedChildren ?? [];
  return runBody(body, name, args, argNodes, st, siteOf(call), outer, helpers, explore, { onlyIfCarries: !outer.facts.creators.has(name) });
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
    ...outer, inlineDepth: depth, functionName: name, callSite: outer.callSite ?? callSite, locals,
    // A cleanup or devres action may call one helper of its own.
    ...(opts.depth !== undefined ? { inlineLimit: depth } : {}),
    ...(opts.snippet ? { snippet: true } : { snippet: false }),
  };
  const inner = explore(body.cfg, callee, ctx, helpers);
  return inner.ends.map((end) => {
    const back = end.fork();
    back.bindings = st.bindings.clone();
    back.versions = st.versions.clone();
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
