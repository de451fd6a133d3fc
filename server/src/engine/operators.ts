// C operators on abstract values: arithmetic and bitwise on constants, comparisons that
// also understand a status against 0 and a pointer against NULL.

import { UNKNOWN, Value, truthOf } from '../../../model/src/index.js';
import type { SNode } from '../syntax/snode.js';
import type { PathState } from './state.js';
import { containsCall } from './nodeFacts.js';

/** Arithmetic, bitwise and comparison operators on what the path knows. */
export function binop(op: string, a: Value, b: Value): Value | undefined {
  if (a.k === 'int' && b.k === 'int') {
    const x = a.v;
    const y = b.v;
    switch (op) {
      case '+': return { k: 'int', v: x + y };
      case '-': return { k: 'int', v: x - y };
      case '*': return { k: 'int', v: x * y };
      case '/': return y === 0n ? undefined : { k: 'int', v: x / y };
      case '%': return y === 0n ? undefined : { k: 'int', v: x % y };
      case '&': return { k: 'int', v: x & y };
      case '|': return { k: 'int', v: x | y };
      case '^': return { k: 'int', v: x ^ y };
      case '<<': return y < 0n || y > 128n ? undefined : { k: 'int', v: x << y };
      case '>>': return y < 0n ? undefined : { k: 'int', v: x >> y };
    }
  }
  const cmp = compare(op, a, b);
  return cmp === undefined ? undefined : { k: 'int', v: cmp ? 1n : 0n };
}

/** Comparisons, including a status against 0 and pointers against NULL. */
function compare(op: string, a: Value, b: Value): boolean | undefined {
  const zero = (v: Value): boolean => v.k === 'null' || (v.k === 'int' && v.v === 0n);
  if (a.k === 'int' && b.k === 'int') {
    switch (op) {
      case '==': return a.v === b.v;
      case '!=': return a.v !== b.v;
      case '<': return a.v < b.v;
      case '>': return a.v > b.v;
      case '<=': return a.v <= b.v;
      case '>=': return a.v >= b.v;
    }
    return undefined;
  }
  // A pointer to an object the path created is equal to no pointer obtained otherwise.
  if ((op === '==' || op === '!=') && (a.k === 'ptr' || b.k === 'ptr') && !zero(a) && !zero(b)) {
    if (a.k === 'ptr' && b.k === 'ptr') return (a.obj.h === b.obj.h) === (op === '==');
    const other = a.k === 'ptr' ? b : a;
    if (other.k === 'sym' || other.k === 'nonnull' || other.k === 'unknown') return op === '!=';
  }
  const [v, other] = zero(b) ? [a, b] : zero(a) ? [b, a] : [undefined, undefined];
  if (!v || !other) {
    if (a.k === 'status' && b.k === 'int' && !a.ok && a.code !== undefined && (op === '==' || op === '!=')) {
      return (BigInt(a.code) === b.v) === (op === '==');
    }
    return undefined;
  }
  const t = truthOf(v);
  if (op === '==' || op === '!=') return t === undefined ? undefined : (op === '==') === !t;
  if (v.k === 'status') {
    // Modeled calls return 0 or a negative errno.
    const negative = !v.ok;
    const vIsLeft = v === a;
    if (op === '<') return vIsLeft ? negative : false;
    if (op === '>=') return vIsLeft ? !negative : true;
    if (op === '>') return vIsLeft ? false : negative;
    if (op === '<=') return vIsLeft ? true : !negative;
  }
  return undefined;
}

export function compound(op: string, lhs: Value, rhs: Value): Value {
  const base = op.slice(0, -1);
  return binop(base, lhs, rhs) ?? UNKNOWN;
}

interface Evaluated {
  st: PathState;
  v: Value;
}

/**
 * `l && r` or `l || r`, given the left side evaluated (`a`): the right side runs only where the
 * left does not decide. Where the path does not know the left, a right side with effects (a
 * call, an assignment) runs on a path of its own, and the path where the left decides skips
 * it: evaluating it on every path let `if (dp && !init(dp))` go false after init() had
 * succeeded, a path C does not have (found in review: a leak reported where the regions
 * init() requested were kept on success). One that cannot act on the model is evaluated where it
 * stands (an unknown call there only hands more over: fewer findings, never a false one).
 */
export function shortCircuit(
  op: '&&' | '||', a: Evaluated, r: SNode, evaluate: (st: PathState, n: SNode) => Evaluated[], symbol: (st: PathState) => Value,
  actsOnModel: (n: SNode) => boolean,
): Evaluated[] {
  const decides = op === '||';
  const t = truthOf(a.v);
  if (t === decides) return [{ st: a.st, v: { k: 'int', v: t ? 1n : 0n } }];
  // Only a right side that can act on the model (a modeled call, a helper walked for it) is
  // worth a path of its own: the whole tree's check took a tenth longer splitting on every call.
  const split = t === undefined && containsCall(r) && actsOnModel(r);
  const out: Evaluated[] = split ? [{ st: a.st.fork(), v: { k: 'int', v: decides ? 1n : 0n } }] : [];
  for (const b of evaluate(a.st, r)) {
    const u = truthOf(b.v);
    // Where the left did not decide (known, or on the right side's own path), the right does.
    const res = t !== undefined || split ? u : u === decides ? u : undefined;
    out.push({ st: b.st, v: res === undefined ? symbol(b.st) : { k: 'int', v: res ? 1n : 0n } });
  }
  return out;
}
