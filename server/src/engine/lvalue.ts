// Naming lvalues along a path: the text of an expression without spaces is its identity.

import type { SNode } from '../syntax/snode.js';

/** The identity of an lvalue along a path: its text without spaces. */
export function lvalueKey(n: SNode): string {
  return n.compactText;
}

export function normalize(text: string): string {
  return /\s/.test(text) ? text.replace(/\s+/g, '') : text;
}

/** The identifier an lvalue key starts from: `data` for `data->res[i]`, `foo` for `&foo.res`. */
export function rootOf(key: string): string {
  return /^&?\(?\*?([A-Za-z_]\w*)/.exec(key)?.[1] ?? key;
}

/** The key of field `field` of modeled object `h`: the same whichever pointer reaches it. */
export function objectKey(h: number, field: string): string {
  return `@${h}->${field}`;
}

/** The object handle of an object key, if it is one. */
export function objectOfKey(key: string): number | undefined {
  const m = /^@(\d+)->/.exec(key);
  return m ? Number(m[1]) : undefined;
}

/**
 * Whether a write to `key` stays within the function: a local variable (or a field reached
 * from one), or a field of an object the path made that has not been handed anywhere.
 */
export function isLocalKey(st: { escaped: ReadonlySet<number> }, key: string, locals: ReadonlySet<string>): boolean {
  const h = objectOfKey(key);
  if (h !== undefined) return !st.escaped.has(h);
  return locals.has(rootOf(key));
}

/** Whether a field or element access starts at `k[i]` (`.`, `[` or `->`). */
export function accessAt(k: string, i: number): boolean {
  const c = k.charCodeAt(i);
  return c === 46 /* . */ || c === 91 /* [ */ || (c === 45 /* - */ && k.charCodeAt(i + 1) === 62 /* > */);
}

/** Whether lvalue key `k` is a field or element of `base` (`base->f`, `base.f`, `base[i]`). */
export function isFieldOf(k: string, base: string): boolean {
  return k.length > base.length && k.startsWith(base) && accessAt(k, base.length);
}

/** The identifiers of an expression in source order (kept on the node: symbols are named at every visit). */
export function identifiersIn(n: SNode): readonly string[] {
  return n.identifiers;
}

/** Whether `right` reads the lvalue `left` (`x = x & ~BUSY`): the write is derived from the old value. */
export function derivesFrom(right: SNode, left: SNode): boolean {
  // `(*p).f` and `p->f` are one lvalue (found in review: `res->flags = ((*res).flags & ~BUSY)` read as a clobber).
  const canonical = (k: string): string => k.replace(/\(\*([A-Za-z_]\w*)\)\./g, '$1->');
  const self = canonical(lvalueKey(left));
  return right.find((c) => (c.type === 'identifier' || c.type === 'field_expression' || c.type === 'subscript_expression' || c.type === 'pointer_expression') && canonical(lvalueKey(c)) === self) !== undefined;
}

/**
 * The pointer a field access goes through: `p` of `p->f`, and of `(*p).f` (found in review: a
 * flags write spelled `(*res).flags` was not seen). Undefined for a field of a struct value.
 */
export function pointerBase(n: SNode): SNode | undefined {
  const base = n.child('argument');
  if (!base) return undefined;
  if (n.children.some((c) => c.text === '->')) return base;
  let inner: SNode | undefined = base;
  while (inner?.type === 'parenthesized_expression') inner = inner.namedChildren[0];
  if (inner?.type === 'pointer_expression' && inner.children[0]?.text === '*') return inner.child('argument') ?? undefined;
  return undefined;
}
