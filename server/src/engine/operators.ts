// C operators on abstract values: arithmetic and bitwise on constants, comparisons that
// also understand a status against 0 and a pointer against NULL.

import { UNKNOWN, Value, truthOf } from '../../../model/src/index.js';

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
