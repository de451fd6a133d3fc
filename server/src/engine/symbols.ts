// The value of an expression the model cannot compute: a symbol named by its text and the
// versions of what it reads (PathState.version()), so that it is the same value until the path
// writes one of those names, and another one after.

import type { Value } from '../../../model/src/index.js';
import type { SNode } from '../syntax/snode.js';
import { identifiersIn } from './lvalue.js';
import { physDerived } from './provenance.js';
import type { PathState } from './state.js';

/**
 * The last value made per node, with the versions it was made at (the node's own text's
 * first, then its identifiers'): paths that reach a node with the versions of the last one
 * get the same value (values are never changed in place), made and hashed once: 62% of the
 * calls over Linux 6.12's candidate files.
 */
interface SymbolMemo {
  versions: number[];
  phys: boolean;
  v: Value;
}
const symbols = new WeakMap<SNode, SymbolMemo>();

export function symbolOf(st: PathState, n: SNode): Value {
  const text = n.compactText;
  const phys = physDerived(st, n);
  const names = identifiersIn(n);
  const memo = symbols.get(n);
  if (memo && memo.phys === phys && memo.versions[0] === st.version(text)) {
    let same = true;
    for (let i = 0; same && i < names.length; i++) same = memo.versions[i + 1] === st.version(names[i] as string);
    if (same) return memo.v;
  }
  const versions = [st.version(text)];
  let ids = '';
  for (const id of names) {
    const version = st.version(id);
    versions.push(version);
    ids += `${ids ? ',' : ''}${id}:${version}`;
  }
  const key = `${text}@${ids}@${versions[0] as number}`;
  const v: Value = phys ? { k: 'sym', key, text, phys } : { k: 'sym', key, text };
  symbols.set(n, { versions, phys, v });
  return v;
}
