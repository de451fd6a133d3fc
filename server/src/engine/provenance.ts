// Where a value came from, as far as the memmap rules care: a PFN computed from a physical
// address can be any PFN; one a mapping or a lookup function handed over is that function's business.

import type { SNode } from '../syntax/snode.js';
import type { PathState } from './state.js';

/** Macros that turn a physical address into a PFN. */
const PHYS_TO_PFN_CALLS = new Set(['PHYS_PFN', 'PFN_DOWN', 'PFN_UP', 'phys_to_pfn', '__phys_to_pfn']);

/**
 * A PFN computed from a physical address (`addr >> PAGE_SHIFT`, PHYS_PFN(), arithmetic on such a
 * value): any PFN at all, not one a mapping vouches for. What a function returns is the
 * function's business, whatever its arguments were.
 */
export function physDerived(st: PathState, n: SNode): boolean {
  switch (n.type) {
    case 'identifier': {
      const b = st.bindings.get(n.text);
      return b?.k === 'sym' && b.phys === true;
    }
    case 'call_expression': {
      const fn = n.child('function');
      return fn?.type === 'identifier' && PHYS_TO_PFN_CALLS.has(fn.text);
    }
    case 'binary_expression':
      if (n.children.some((c) => c.text === '>>') && n.child('right')?.text === 'PAGE_SHIFT') return true;
      break;
    case 'field_expression':
    case 'subscript_expression':
      return false;
  }
  return n.namedChildren.some((c) => physDerived(st, c));
}
