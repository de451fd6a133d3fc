// Walks a function's CFG with the path states of the model. States that reach a node with
// the same key are merged (they behave alike from there), so the work grows with the number
// of distinct model states, not with the number of syntactic paths. Loops run at most twice.

import { CONTRACTS, UNKNOWN, Value, truthOf } from '../../../model/src/index.js';
import type { Cfg, CfgEdge } from '../cfg/types.js';
import type { SNode } from '../syntax/snode.js';
import { mentionsRelease } from '../analysis/facts.js';
import type { EngineContext } from './context.js';
import { BodyRunner, Evaluator, HelperRunner } from './eval.js';
import { lvalueKey } from './lvalue.js';
import { exhaustedExit } from './loopExit.js';
import { actsOnModel } from './nodeFacts.js';
import { HelperLookup, inlineHelper, runBody } from './inline.js';
import { PathState, siteOf } from './state.js';
import { SeenStates } from './seen.js';
import { shortcutsOf } from './shortcuts.js';
import { withoutComments } from '../syntax/tokens.js';

/** Times a loop's back edge may be taken on one path: the body runs at most twice. */
const MAX_BACK_EDGES = 1;

/**
 * Distinct states kept per CFG node. Later arrivals are dropped: every kept state is a real
 * path prefix, so this loses paths (possible misses), never invents one (no false alarm).
 */
export const MAX_STATES_PER_NODE = 48;

export interface Exploration {
  /** States that reached the end of the function (returned or fell off the end). */
  ends: PathState[];
  /** True when the step budget ran out before every path was walked. */
  partial: boolean;
  /** States dropped at nodes that already held MAX_STATES_PER_NODE others. */
  dropped: number;
}

export type { HelperBody, HelperLookup } from './inline.js';

export function explore(cfg: Cfg, init: PathState, ctx: EngineContext, helpers: HelperLookup): Exploration {
  const runHelper: HelperRunner = (name, args, st, call, outer) => inlineHelper(name, args, st, call, outer, helpers, explore);
  const runFn: BodyRunner = (name, args, argNodes, st, call) => {
    const body = helpers(name);
    return body ? runBody(body, name, args, argNodes, st, siteOf(call), ctx, helpers, explore, { depth: ctx.inlineDepth + 1 }) : undefined;
  };
  const ev = new Evaluator(ctx, runHelper, runFn);
  /** Runs the `__free()` cleanups of this depth (innermost first), or only those of `names`. */
  const cleanup = (st: PathState, names?: readonly string[]): PathState[] => {
    let states = [st];
    if (!st.cleanups.length) return states;
    const due = st.cleanups.filter((c) => c.depth === ctx.inlineDepth && (!names || names.includes(c.name))).reverse();
    for (const c of due) {
      states = states.flatMap((s) => {
        s.cleanups = s.cleanups.filter((x) => x !== c);
        const v = s.bindings.get(c.name) ?? UNKNOWN;
        const body = helpers(`__free:${c.fn}`);
        const ran = body ? runBody(body, `__free(${c.fn})`, [v], [], s, c.site, ctx, helpers, explore, { depth: ctx.inlineDepth + 1, snippet: true }) : undefined;
        if (!ran) {
          // An unknown cleanup may release anything it is given.
          if (v.k === 'ptr') s.escaped.add(v.obj.h);
          return [s];
        }
        return ran.map((r) => r.st);
      });
    }
    return states;
  };
  const ends: PathState[] = [];
  const seen = new SeenStates(cfg, MAX_STATES_PER_NODE);
  const tested = testedFrom(cfg);
  const skip = shortcutsOf(cfg);
  const work: { node: number; st: PathState }[] = [{ node: cfg.entry, st: init }];

  const follow = (st: PathState, edge: CfgEdge): void => {
    if (edge.back !== undefined) {
      const taken = st.loops.get(edge.back) ?? 0;
      if (taken >= MAX_BACK_EDGES) return;
      st.loops.set(edge.back, taken + 1);
    } else {
      const entered = skip.enters.get(edge);
      if (entered) for (const l of entered) st.loops.delete(l);
    }
    work.push({ node: skip.to[edge.to] as number, st });
  };
  const toAll = (st: PathState, edges: CfgEdge[]): void => {
    edges.forEach((e, i) => follow(i === edges.length - 1 ? st : st.fork(), e));
  };

  while (work.length) {
    const { node, st } = work.pop() as { node: number; st: PathState };
    const mk = st.modelKey();
    if (!seen.admit(node, st.key(tested.at(node), mk, ctx.visible), mk, st.loops)) continue;
    // A visit also pays for the joins it stands for (the step budget counts as it always did).
    ctx.budget.steps -= visitCost(st) * (skip.weight[node] as number);
    if (ctx.budget.steps < 0) {
      ctx.budget.exhausted = true;
      break;
    }
    const n = cfg.nodes[node];
    const edges = cfg.succ[node] ?? [];
    if (!n) continue;
    switch (n.kind) {
      case 'exit':
        ends.push(st);
        break;
      case 'eval':
        for (const r of ev.eval(st, n.expr)) toAll(r.st, edges);
        break;
      case 'decl': {
        ev.invalidate(st, n.name);
        const results = n.init ? ev.eval(st, n.init) : [{ st, v: UNKNOWN as Value }];
        for (const r of results) {
          if (r.v.k !== 'unknown') r.st.bindings.set(n.name, r.v);
          if (n.cleanup) r.st.cleanups.push({ name: n.name, fn: n.cleanup, site: siteOf(n.node), depth: ctx.inlineDepth });
          toAll(r.st, edges);
        }
        break;
      }
      case 'return': {
        const results = n.expr ? ev.eval(st, n.expr) : [{ st, v: UNKNOWN as Value }];
        for (const r of results) {
          for (const s of cleanup(r.st)) {
            s.returned = r.v;
            if (ctx.inlineDepth === 0) s.returnSite = siteOf(n.node);
            if (s.trace.length && ctx.inlineDepth === 0) s.trace.push({ site: siteOf(n.node), message: `returns ${describe(r.v)}` });
            toAll(s, edges);
          }
        }
        break;
      }
      case 'scope_end':
        for (const s of cleanup(st, n.names)) toAll(s, edges);
        break;
      case 'label':
        if (st.trace.length && ctx.inlineDepth === 0) st.trace.push({ site: siteOf(n.node), message: `continues at label ${n.name}` });
        toAll(st, edges);
        break;
      case 'branch':
        for (const r of ev.eval(st, n.cond)) {
          const t = truthOf(r.v);
          // A loop the path would go on running past its bound on passes: left (loopExit.ts).
          const stay = n.stay ?? true;
          const exit = t === stay && n.loop !== undefined && (r.st.loops.get(n.loop) ?? 0) >= MAX_BACK_EDGES
            ? exhaustedExit(n.cond, n.body, edges, (b) => actsOnModel(b, ctx.facts.relevant), (l) => ev.invalidate(r.st, lvalueKey(l)), !stay) : undefined;
          if (exit) {
            follow(r.st, exit);
            continue;
          }
          const live = edges.filter((e) => t === undefined || e.cond === undefined || e.cond === t);
          live.forEach((e, i) => {
            const s = i === live.length - 1 ? r.st : r.st.fork();
            const refined = e.cond === undefined || t !== undefined ? s : refine(s, n.cond, e.cond, (st2, node) => ev.symbol(st2, node));
            if (!refined) return;
            // A release skipped on a condition the path cannot decide may be the one that
            // matters (`if (!region_fail) release_mem_region(...)`): remember it as an attempt.
            if (t === undefined && e.cond !== undefined && skipsRelease(n.arms, e.cond, ctx)) refined.releaseCalls.push(refined.ops.length);
            if (t !== undefined && dependsOnModel(s, n.cond) && ctx.inlineDepth === 0) {
              refined.trace.push({ site: siteOf(n.cond), message: `\`${short(n.cond.text)}\` is ${t ? 'true' : 'false'} on this path` });
            }
            follow(refined, e);
          });
        }
        break;
      case 'switch':
        for (const r of ev.eval(st, n.disc)) {
          const live = edges.filter((e) => {
            if (r.v.k !== 'int' || !e.caseValue || e.caseValue === 'default') return true;
            const cv = ev.eval(r.st.fork(), e.caseValue)[0]?.v;
            return !(cv?.k === 'int' && cv.v !== r.v.v);
          });
          toAll(r.st, live);
        }
        break;
      default:
        toAll(st, edges);
    }
  }
  return { ends, partial: ctx.budget.exhausted, dropped: seen.dropped };
}

/**
 * Budget units one visit costs. A visit forks the state, so its work grows with the state's
 * size: a path that has logged thousands of operations (a function of thousands of
 * conditional requests) is charged for them, and the bound stays a bound on time.
 */
export function visitCost(st: PathState): number {
  return 1 + ((st.ops.length + st.trace.length + st.mem.size) >> 6);
}

/** mentionsRelease() of an arm, per arm and file facts: asked at every visit of its branch that the path cannot decide. */
const releaseArms = new WeakMap<SNode, { releasers: ReadonlySet<string>; mentions: boolean }>();

function skipsRelease(arms: { then?: SNode; else?: SNode } | undefined, taken: boolean, ctx: EngineContext): boolean {
  const other = taken ? arms?.else : arms?.then;
  if (!other) return false;
  const releasers = ctx.facts.releasers;
  let memo = releaseArms.get(other);
  // Its code, not its comments (`/* the caller calls release_mem_region() */` is no attempt): what
  // the cache key holds of the arm.
  if (memo?.releasers !== releasers) releaseArms.set(other, (memo = { releasers, mentions: mentionsRelease(withoutComments(other.text), releasers) }));
  return memo.mentions;
}

/**
 * For each CFG node, the lvalues that a branch or switch condition, or a return, reachable
 * from it reads: the plain values worth telling apart there. A value no later condition reads
 * cannot steer the rest of the walk, and one no return reads cannot change what the function
 * is judged to return (an error or success), so states that differ only in it merge (as states
 * that differ in values nothing tests always did).
 */
export function testedFrom(cfg: Cfg): TestedSets {
  let sets = testedCache.get(cfg);
  if (!sets) testedCache.set(cfg, (sets = computeTestedFrom(cfg)));
  return sets;
}

/** Per CFG: a helper's body is walked again at every call of it. */
const testedCache = new WeakMap<Cfg, TestedSets>();

function computeTestedFrom(cfg: Cfg): TestedSets {
  // Lvalues as bit indices (sorted, so a node's list comes out sorted); one bitset per node.
  const names = new Set<string>();
  const own = cfg.nodes.map((n) => {
    const cond = n.kind === 'branch' ? n.cond : n.kind === 'switch' ? n.disc : n.kind === 'return' ? n.expr : undefined;
    const out: string[] = [];
    cond?.walk((c) => {
      if (isLvalue(c)) out.push(lvalueKey(c));
    });
    // A modeled API's contract reads its arguments as a condition does (found in review: a size
    // grown in a loop and the one it started at merged before add_memory(), and the misaligned
    // range was lost).
    const expr = n.kind === 'eval' ? n.expr : n.kind === 'decl' ? n.init : cond;
    expr?.walk((c) => {
      const callee = c.type === 'call_expression' ? c.child('function')?.text : undefined;
      if (callee === undefined || CONTRACTS[callee] === undefined) return;
      for (const a of c.child('arguments')?.namedChildren ?? []) {
        a.walk((x) => {
          if (isLvalue(x)) out.push(lvalueKey(x));
        });
      }
    });
    for (const k of out) names.add(k);
    return out;
  });
  const sorted = [...names].sort();
  const bit = new Map(sorted.map((k, i) => [k, i]));
  const words = (sorted.length + 31) >>> 5;
  const nodes = cfg.nodes.length;
  const live = new Uint32Array(nodes * words);
  own.forEach((list, n) => {
    for (const k of list) {
      const b = bit.get(k) as number;
      const w = n * words + (b >>> 5);
      live[w] = (live[w] as number) | (1 << (b & 31));
    }
  });
  const preds: number[][] = cfg.nodes.map(() => []);
  cfg.succ.forEach((edges, from) => edges.forEach((e) => preds[e.to]?.push(from)));
  // Backward to a fixpoint (loops feed their conditions back to their heads).
  if (words) {
    const work = cfg.nodes.map((_, i) => i);
    const queued = new Uint8Array(nodes).fill(1);
    while (work.length) {
      const n = work.pop() as number;
      queued[n] = 0;
      for (const p of preds[n] ?? []) {
        let grew = false;
        for (let w = 0; w < words; w++) {
          const before = live[p * words + w] as number;
          const after = (before | (live[n * words + w] as number)) >>> 0;
          if (after !== before) {
            live[p * words + w] = after;
            grew = true;
          }
        }
        if (grew && !queued[p]) {
          queued[p] = 1;
          work.push(p);
        }
      }
    }
  }
  return new TestedSets(sorted, live, words);
}

/** Per node, the tested lvalues as a sorted list, made when the walk first reaches the node. */
export class TestedSets {
  private readonly lists: (readonly string[] | undefined)[] = [];

  constructor(private readonly names: readonly string[], private readonly live: Uint32Array, private readonly words: number) {}

  at(node: number): readonly string[] {
    let list = this.lists[node];
    if (!list) {
      const out: string[] = [];
      const base = node * this.words;
      for (let b = 0; b < this.names.length; b++) if ((this.live[base + (b >>> 5)] as number) & (1 << (b & 31))) out.push(this.names[b] as string);
      this.lists[node] = list = out;
    }
    return list;
  }
}

/**
 * What taking a branch teaches the path about values it did not know: on the false side of
 * `if (p)` p is 0; on the true side of `IS_ERR(p)` p is an error pointer. Returns undefined
 * when the branch cannot be taken.
 */
export type Namer = (st: PathState, n: SNode) => Value;

export function refine(st: PathState, cond: SNode, truth: boolean, name: Namer): PathState | undefined {
  switch (cond.type) {
    case 'parenthesized_expression':
      return cond.namedChildren[0] ? refine(st, cond.namedChildren[0], truth, name) : st;
    case 'unary_expression': {
      const arg = cond.child('argument');
      const op = cond.children[0]?.text;
      return op === '!' && arg ? refine(st, arg, !truth, name) : st;
    }
    case 'binary_expression': {
      const op = cond.children.find((c) => c.field === 'operator')?.text;
      const l = cond.child('left');
      const r = cond.child('right');
      if (!l || !r) return st;
      if (op === '&&' && truth) {
        const a = refine(st, l, true, name);
        return a && refine(a, r, true, name);
      }
      if (op === '||' && !truth) {
        const a = refine(st, l, false, name);
        return a && refine(a, r, false, name);
      }
      if ((op === '==' || op === '!=') && (isZero(r) || isZero(l))) {
        const side = isZero(r) ? l : r;
        return refine(st, side, op === '==' ? !truth : truth, name);
      }
      return st;
    }
    case 'call_expression': {
      const fn = cond.child('function')?.text;
      const arg = cond.child('arguments')?.namedChildren[0];
      if (!arg) return st;
      if (fn === 'likely' || fn === 'unlikely' || fn === 'WARN_ON' || fn === 'WARN_ON_ONCE') return refine(st, arg, truth, name);
      if (fn === 'IS_ERR' && truth && isLvalue(arg)) bindIfUnknown(st, arg, { k: 'errptr' }, name);
      if (fn === 'IS_ERR_OR_NULL' && !truth && isLvalue(arg)) bindIfUnknown(st, arg, { k: 'nonnull' }, name);
      return st;
    }
    case 'identifier':
    case 'field_expression':
    case 'subscript_expression':
      bindIfUnknown(st, cond, truth ? { k: 'truthy' } : { k: 'int', v: 0n }, name);
      return st;
    default:
      return st;
  }
}

function bindIfUnknown(st: PathState, n: SNode, v: Value, name: Namer): void {
  const key = lvalueKey(n);
  const cur = st.bindings.get(key) ?? name(st, n);
  // A symbol keeps its name (it may be an address or a size) and learns it is not zero.
  if (v.k === 'truthy' && cur.k === 'sym') st.bindings.set(key, { ...cur, nonzero: true });
  else if (cur.k === 'unknown' || cur.k === 'sym') st.bindings.set(key, v);
}

function isZero(n: SNode): boolean {
  return n.type === 'null' || n.text === 'NULL' || n.text === '0';
}

function isLvalue(n: SNode): boolean {
  return n.type === 'identifier' || n.type === 'field_expression' || n.type === 'subscript_expression';
}

/** True when the condition reads a value a modeled call produced (worth a trace line). */
function dependsOnModel(st: PathState, cond: SNode): boolean {
  return cond.find((c) => {
    if (!isLvalue(c)) return false;
    const v = st.bindings.get(lvalueKey(c));
    return v !== undefined && (v.k === 'ptr' || v.k === 'status' || v.k === 'errptr');
  }) !== undefined || cond.find((c) => c.type === 'call_expression') !== undefined && st.trace.length > 0;
}

function describe(v: Value): string {
  switch (v.k) {
    case 'int': return v.v.toString();
    case 'status': return v.ok ? '0' : `an error${v.code ? ` (${v.code})` : ''}`;
    case 'null': return 'NULL';
    case 'errptr': return 'an ERR_PTR';
    case 'ptr': return 'the resource';
    default: return 'a value';
  }
}

function short(text: string): string {
  const t = text.replace(/\s+/g, ' ');
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
}

