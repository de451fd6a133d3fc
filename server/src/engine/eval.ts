// Expression evaluation along one path. Calls to modeled kernel APIs run their contracts and
// may fork the path into outcomes (a request that succeeds, one that fails); everything else
// evaluates to what the path knows, or to a symbolic value named by the expression.

import {
  CONTRACTS, CallSite, FIELD_CONTRACTS, UNKNOWN, Value,
  parseIntLiteral, truthOf,
} from '../../../model/src/index.js';
import type { SNode } from '../syntax/snode.js';
import { RELEASE_NAMES } from '../analysis/facts.js';
import type { EngineContext } from './context.js';
import { builtin, keepsOwnership, readsOnly } from './builtins.js';
import { applyOutcomes } from './outcomes.js';
import { REFCOUNT_PUTS, handedRoots, ownershipCall } from './ownership.js';
import { makeView } from './view.js';
import { binop, compound, shortCircuit } from './operators.js';
import { callTarget } from './guards.js';
import { designatedFields } from './designated.js';
import { derivesFrom, isFieldOf, isLocalKey, lvalueKey, objectKey, objectOfKey, pointerBase, rootOf } from './lvalue.js';
import { symbolOf } from './symbols.js';
import { evalArgs } from './args.js';
import { actsOnModel, constantOf, containsCall } from './nodeFacts.js';
import { logOp } from './idleOps.js';
import { PathState, logStep, siteOf } from './state.js';
import { tokenText } from '../syntax/tokens.js';



const RELEASES = new Set(RELEASE_NAMES);


export interface Result {
  st: PathState;
  v: Value;
}

/** Hook the explorer installs to run a static helper's body at its call site. */
export type HelperRunner = (name: string, args: Value[], st: PathState, call: SNode, ctx: EngineContext) => Result[] | undefined;

/** Runs a function of the file unconditionally (devres actions, `__free()` cleanups). */
export type BodyRunner = (name: string, args: Value[], argNodes: SNode[], st: PathState, call: SNode) => Result[] | undefined;


export class Evaluator {
  constructor(private readonly ctx: EngineContext, private readonly runHelper: HelperRunner, private readonly runBody: BodyRunner) {}

  private readonly evaluate = (st: PathState, n: SNode): Result[] => this.eval(st, n);

  eval(st: PathState, n: SNode): Result[] {
    switch (n.type) {
      case 'parenthesized_expression':
      case 'expression_statement': {
        const inner = n.namedChildren[0];
        return inner ? this.eval(st, inner) : [{ st, v: UNKNOWN }];
      }
      case 'number_literal': {
        const v = parseIntLiteral(n.text);
        return [{ st, v: v === undefined ? UNKNOWN : { k: 'int', v } }];
      }
      case 'null':
        return [{ st, v: { k: 'null' } }];
      case 'true':
        return [{ st, v: { k: 'int', v: 1n } }];
      case 'false':
        return [{ st, v: { k: 'int', v: 0n } }];
      case 'string_literal':
      case 'concatenated_string':
        return [{ st, v: { k: 'nonnull' } }];
      case 'identifier':
        return [{ st, v: this.readName(st, n) }];
      case 'field_expression':
      case 'subscript_expression':
        return this.readField(st, n);
      case 'call_expression':
        return this.call(st, n);
      case 'assignment_expression':
        return this.assign(st, n);
      case 'update_expression':
        return this.update(st, n);
      case 'unary_expression':
        return this.unary(st, n);
      case 'pointer_expression':
        return this.pointer(st, n);
      case 'binary_expression':
        return this.binary(st, n);
      case 'conditional_expression':
        return this.conditional(st, n);
      case 'cast_expression': {
        const value = n.child('value');
        return value ? this.eval(st, value) : [{ st, v: UNKNOWN }];
      }
      case 'comma_expression': {
        const [l, r] = [n.child('left'), n.child('right')];
        const out: Result[] = [];
        for (const a of l ? this.eval(st, l) : [{ st, v: UNKNOWN }]) out.push(...(r ? this.eval(a.st, r) : [a]));
        return out;
      }
      case 'sizeof_expression':
      case 'alignof_expression':
        return [{ st, v: this.symbol(st, n) }];
      default:
        // Initializer lists, compound literals, statement expressions, ERROR nodes: still run
        // the calls inside, in order, so their effects are not lost.
        return this.evalCallsInside(st, n);
    }
  }

  private evalCallsInside(st: PathState, n: SNode): Result[] {
    let states: PathState[] = [st];
    for (const c of n.namedChildren) {
      if (!containsCall(c)) continue;
      states = states.flatMap((s) => this.eval(s, c).map((r) => r.st));
    }
    return states.map((s) => ({ st: s, v: UNKNOWN }));
  }

  // ---- names and fields ----------------------------------------------------------------

  private readName(st: PathState, n: SNode): Value {
    const name = n.text;
    const bound = st.bindings.get(name);
    if (bound) return bound;
    if (name === 'NULL') return { k: 'null' };
    const c = this.ctx.consts(name);
    if (c !== undefined) return { k: 'int', v: c };
    return this.symbol(st, n);
  }

  /**
   * The key of an lvalue on this path: a field reached through a pointer to a modeled object by
   * the object (`@7->dax_dev`), so aliases (`pmem = __pmem`) agree; anything else by its text.
   */
  keyOf(st: PathState, n: SNode): string {
    if (n.type === 'field_expression') {
      const base = pointerBase(n);
      const field = n.child('field')?.text;
      const bv = base ? st.bindings.get(lvalueKey(base)) : undefined;
      if (bv?.k === 'ptr' && field) return objectKey(bv.obj.h, field);
    }
    return lvalueKey(n);
  }

  private readField(st: PathState, n: SNode): Result[] {
    const key = this.keyOf(st, n);
    const bound = st.bindings.get(key) ?? st.bindings.get(lvalueKey(n));
    if (bound) return [{ st, v: bound }];
    if (n.type === 'field_expression') {
      const base = pointerBase(n) ?? n.child('argument');
      const field = n.child('field')?.text;
      if (base && field) {
        return this.eval(st, base).map(({ st: s, v }) => {
          if (v.k === 'ptr' && v.obj.kind === 'page') this.pageFieldRead(s, v.obj.h, field, n);
          return { st: s, v: this.objectField(s, v, field) ?? this.symbol(s, n) };
        });
      }
    }
    return this.evalCallsInside(st, n).map((r) => ({ st: r.st, v: this.symbol(r.st, n) }));
  }

  /** `page->flags`, `page->mapping`: a read of the struct page, as PageLRU() and friends are. */
  private pageFieldRead(st: PathState, h: number, field: string, n: SNode): void {
    const site = this.ctx.snippet && this.ctx.callSite ? this.ctx.callSite : siteOf(n);
    logOp(st.ops, logStep({ kind: 'page_read', target: h, what: `page->${field}` }, true, site, this.ctx.callSite ?? site, `->${field}`, st.trace.length));
  }

  /**
   * Fields of modeled objects: a resource's start, end and flags read from the tree; a field
   * of zeroed memory the path allocated reads 0 until written (unless unknown code had it).
   */
  private objectField(st: PathState, base: Value, field: string): Value | undefined {
    if (base.k === 'ptr' && base.obj.kind === 'mem') {
      const m = st.mem.get(base.obj.h);
      return m?.zeroed && !st.clobbered.has(base.obj.h) ? { k: 'null' } : undefined;
    }
    if (base.k !== 'ptr' || base.obj.kind !== 'resource') return undefined;
    const res = st.world.resolve('owner', base.obj.h);
    if (!res) return undefined;
    if (field === 'start') return { k: 'int', v: res.start };
    if (field === 'end') return { k: 'int', v: res.end };
    if (field === 'flags') return { k: 'int', v: BigInt(res.flags) };
    return undefined;
  }

  /** A symbolic value for an expression the path cannot compute, keyed by what it reads. */
  symbol(st: PathState, n: SNode): Value {
    return symbolOf(st, n);
  }

  // ---- calls -----------------------------------------------------------------------------

  /** Dropping the last reference runs the release callback: put_device() after `dev->release = f`, kref_put(ref, f). */
  private runsReleaseCallback(callee: string, argNodes: SNode[]): boolean {
    const callbacks = this.ctx.facts.releaseCallbacks;
    if (callee === 'kref_put') return this.ctx.facts.releasers.has(argNodes[1]?.text ?? '');
    return callbacks.size > 0 && REFCOUNT_PUTS.has(callee);
  }

  private call(st: PathState, n: SNode): Result[] {
    const { callee, args: argNodes } = callTarget(n);
    const out: Result[] = [];
    for (const { st: s, vals } of evalArgs(this.evaluate, st, argNodes)) {
      if (!callee) {
        out.push(...this.opaqueCall(s, argNodes, undefined, n, vals));
        continue;
      }
      // Remember release attempts the model may not resolve (a range it cannot match, a helper
      // it does not walk): a leak is only claimed on paths that never tried to release.
      if (RELEASES.has(callee) || this.ctx.facts.releasers.has(callee) || this.runsReleaseCallback(callee, argNodes)) s.releaseCalls.push(s.ops.length);
      // WRITE_ONCE(x, v) is `x = v` in one store (found in review: a flags write so spelled was unseen).
      if (callee === 'WRITE_ONCE' && argNodes.length === 2 && vals.length === 2) {
        out.push(...this.write(s, argNodes[0] as SNode, vals[1] as Value, '=', vals[1] as Value, derivesFrom(argNodes[1] as SNode, argNodes[0] as SNode), n));
        continue;
      }
      const special = ownershipCall(callee, vals, argNodes, s, n, this, this.runBody);
      if (special) {
        out.push(...special);
        continue;
      }
      const pure = builtin(callee, vals, s, () => this.symbol(s, n));
      if (pure) {
        out.push({ st: s, v: pure });
        continue;
      }
      const contract = CONTRACTS[callee];
      // An argument as its tokens read (a region's name, a target quoted in a note): what the
      // function's cache key holds of it, whatever blanks and comments it has.
      const site: CallSite | undefined = contract && { callee, args: vals, argText: argNodes.map((a) => tokenText(a.text, { lines: false })) };
      const outcomes = contract && site ? contract(site, makeView(s, site, argNodes, this.ctx)) : undefined;
      if (outcomes) {
        out.push(...applyOutcomes(s, outcomes, callee, n, this.ctx, argNodes));
        continue;
      }
      const helper = this.ctx.inlineDepth === 0 ? this.runHelper(callee, vals, s, n, this.ctx) : undefined;
      if (helper) {
        out.push(...helper);
        continue;
      }
      out.push(...this.opaqueCall(s, argNodes, callee, n, vals));
    }
    return out;
  }

  /** A call the model does not know: its result named by its text; what it gets by address may change (unless it only reads). */
  private opaqueCall(st: PathState, args: SNode[], callee: string | undefined, n: SNode, vals: Value[] = []): Result[] {
    const v = this.symbol(st, n);
    // A modeled object handed to code the model does not know may now be owned by it, and so
    // may everything stored in a struct handed over (`put_device(&dev_dax->dev)` hands
    // `dev_dax->dax_dev` to the release callback).
    if (!callee || !keepsOwnership(callee)) {
      for (const a of vals) {
        if (a.k !== 'ptr') continue;
        st.escaped.add(a.obj.h);
        st.clobbered.add(a.obj.h);
      }
      const roots = handedRoots(args);
      for (const [k, v] of st.bindings.pointers()) {
        if (v.k !== 'ptr' || !roots.has(rootOf(k))) continue;
        // The container itself (a struct the path allocated) changes hands too.
        st.escaped.add(v.obj.h);
      }
      // What an escaped object holds escapes with it, however deep (to a fixpoint: the order
      // the fields were bound in does not decide how far it goes).
      for (let grew = true; grew;) {
        grew = false;
        for (const [k, v] of st.bindings.pointers()) {
          const h = objectOfKey(k);
          if (v.k === 'ptr' && h !== undefined && st.escaped.has(h) && !st.escaped.has(v.obj.h)) {
            st.escaped.add(v.obj.h);
            grew = true;
          }
        }
      }
    }
    if (!callee || !readsOnly(callee)) {
      for (const a of args) {
        if (a.type === 'pointer_expression' && a.children[0]?.text === '&') {
          const target = a.child('argument');
          if (target) this.invalidate(st, lvalueKey(target));
        }
      }
    }
    return [{ st, v }];
  }

  // ---- assignments -------------------------------------------------------------------------

  private assign(st: PathState, n: SNode): Result[] {
    const left = n.child('left');
    const right = n.child('right');
    const op = n.children.find((c) => c.field === 'operator')?.text ?? '=';
    if (!left || !right) return this.evalCallsInside(st, n);
    const out: Result[] = [];
    const derived = op === '=' && derivesFrom(right, left);
    const fields = op === '=' ? designatedFields(right) : [];
    for (const r of this.eval(st, right)) {
      const lhsNow = op === '=' ? undefined : this.eval(r.st, left)[0]?.v;
      const value = op === '=' ? r.v : compound(op, lhsNow ?? UNKNOWN, r.v);
      // `x = (struct range){ .start = a, .end = b }` writes each field it designates (designated.ts), valued before the store.
      const inits = fields.map(([f, e]) => [f, this.eval(r.st, e)[0]?.v] as const);
      const written = this.write(r.st, left, value, op === '=' ? '=' : op, r.v, derived);
      for (const w of written) for (const [f, fv] of inits) if (fv && fv.k !== 'unknown') w.st.bindings.set(`${lvalueKey(left)}.${f}`, fv);
      out.push(...written);
    }
    return out;
  }

  /** Stores `value` into `left` (a modeled object's field runs its field contract), reported at `at`. */
  write(st: PathState, left: SNode, value: Value, op: string, rhs: Value, derived = false, at: SNode = left.parent ?? left): Result[] {
    const text = lvalueKey(left);
    const key = this.keyOf(st, left);
    if (this.ctx.inlineDepth === 0) {
      st.noteWrite(text, at);
      if (key !== text) st.noteWrite(key, at);
    }
    // A write that outlives the call can record ownership for the caller's cleanup (`par->flags |= REQ`).
    if (!isLocalKey(st, key, this.ctx.locals)) st.nonLocalWrites.push(st.ops.length);
    if (left.type === 'field_expression') {
      const base = pointerBase(left) ?? left.child('argument');
      const field = left.child('field')?.text;
      const baseVal = base ? (st.bindings.get(lvalueKey(base)) ?? (base.type === 'identifier' ? this.readName(st, base) : UNKNOWN)) : UNKNOWN;
      if (baseVal.k === 'ptr' && field) {
        const fc = FIELD_CONTRACTS[baseVal.obj.kind]?.[field];
        // `^=`, `+=`...: the value computed from the old one (found in review: `^= IORESOURCE_BUSY` was unseen).
        const assign = op === '|=' || op === '&=' ? op : '=';
        const outcomes = fc?.(assign, assign === '=' ? value : rhs, baseVal.obj.h, derived || (op !== '=' && assign === '='));
        if (outcomes) {
          this.invalidate(st, key);
          return applyOutcomes(st, outcomes, `${field} write`, at, this.ctx).map((r) => ({ st: r.st, v: value }));
        }
      }
    }
    this.invalidate(st, key);
    if (key !== text) this.invalidate(st, text);
    if (value.k !== 'unknown') st.bindings.set(key, value);
    return [{ st, v: value }];
  }

  /** `key` changed: forget what was derived from it and give it a new version. */
  invalidate(st: PathState, key: string): void {
    st.bindings.delete(key);
    st.bump(key);
    // Most writes are to names no binding is a field of: nothing to look for.
    if (!st.bindings.mayHaveFieldsOf(key)) return;
    // Deleting while iterating a Map is safe.
    for (const k of st.bindings.keys()) if (isFieldOf(k, key)) st.bindings.delete(k);
  }

  private update(st: PathState, n: SNode): Result[] {
    const arg = n.child('argument');
    if (!arg) return [{ st, v: UNKNOWN }];
    const delta = n.compactText.includes('++') ? 1n : -1n; // its operator, not a comment's `++`
    const prefix = n.children[0]?.type === '++' || n.children[0]?.type === '--';
    return this.eval(st, arg).flatMap(({ st: s, v }) => {
      const nv: Value = v.k === 'int' ? { k: 'int', v: v.v + delta } : UNKNOWN;
      return this.write(s, arg, nv, '=', nv).map((r) => ({ st: r.st, v: prefix ? nv : v }));
    });
  }

  // ---- operators ----------------------------------------------------------------------------

  private unary(st: PathState, n: SNode): Result[] {
    const arg = n.child('argument');
    const op = n.children.find((c) => c.field === 'operator')?.text ?? n.children[0]?.text;
    if (!arg) return [{ st, v: UNKNOWN }];
    return this.eval(st, arg).map(({ st: s, v }) => {
      if (op === '!') {
        const t = truthOf(v);
        return { st: s, v: t === undefined ? this.symbol(s, n) : { k: 'int', v: t ? 0n : 1n } };
      }
      if (v.k !== 'int') return { st: s, v: v.k === 'status' && op === '-' ? UNKNOWN : this.symbol(s, n) };
      const r = op === '-' ? -v.v : op === '~' ? ~v.v : v.v;
      return { st: s, v: { k: 'int', v: r } };
    });
  }

  private pointer(st: PathState, n: SNode): Result[] {
    const arg = n.child('argument');
    if (!arg) return [{ st, v: UNKNOWN }];
    if (n.children[0]?.text === '&') {
      // Taking an address evaluates nothing; the pointer is valid (and may be a modeled
      // object the path linked, as in insert_resource(parent, &foo->res)).
      const bound = st.bindings.get(lvalueKey(n));
      return this.evalCallsInside(st, arg).map((r) => ({ st: r.st, v: bound ?? { k: 'nonnull' } }));
    }
    return this.eval(st, arg).map((r) => ({ st: r.st, v: this.symbol(r.st, n) }));
  }

  private binary(st: PathState, n: SNode): Result[] {
    const l = n.child('left');
    const r = n.child('right');
    const op = n.children.find((c) => c.field === 'operator')?.text ?? '';
    if (!l || !r) return [{ st, v: UNKNOWN }];
    const constant = constantOf(n, this.ctx.consts);
    if (constant !== undefined && !containsCall(n) && !mentionsBound(st, n)) return [{ st, v: { k: 'int', v: constant } }];
    const out: Result[] = [];
    for (const a of this.eval(st, l)) {
      if (op === '&&' || op === '||') {
        out.push(...shortCircuit(op, a, r, (s2, x) => this.eval(s2, x), (s2) => this.symbol(s2, n), (x) => actsOnModel(x, this.ctx.facts.relevant)));
        continue;
      }
      for (const b of this.eval(a.st, r)) out.push({ st: b.st, v: binop(op, a.v, b.v) ?? this.symbol(b.st, n) });
    }
    return out;
  }

  private conditional(st: PathState, n: SNode): Result[] {
    const c = n.child('condition');
    const a = n.child('consequence');
    const b = n.child('alternative');
    if (!c) return [{ st, v: UNKNOWN }];
    const out: Result[] = [];
    for (const r of this.eval(st, c)) {
      const t = truthOf(r.v);
      if (t !== false && a) out.push(...this.eval(t === undefined ? r.st.fork() : r.st, a));
      if (t !== true && b) out.push(...this.eval(r.st, b));
    }
    return out;
  }
}


function mentionsBound(st: PathState, n: SNode): boolean {
  return n.find((c) => (c.type === 'identifier' || c.type === 'field_expression') && st.bindings.has(lvalueKey(c))) !== undefined;
}
