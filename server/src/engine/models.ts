// Applying the non-resource ops (DAX devices, memory) to a path state.

import type { DaxEffect, ModelOp, ObjRef } from '../../../model/src/index.js';
import type { PathState } from './state.js';

export function applyOtherOp(st: PathState, handle: number, op: ModelOp): { created?: ObjRef['kind']; dax?: DaxEffect } {
  switch (op.kind) {
    case 'dax_alloc': case 'dax_alloc_failed': case 'dax_use': case 'dax_add_host': case 'dax_remove_host': case 'dax_kill': case 'dax_put': {
      const dax = st.dax.apply(handle, op);
      return { ...(dax.created !== undefined ? { created: 'dax' as const } : {}), dax };
    }
    case 'mem_alloc':
      st.mem.set(handle, { zeroed: op.zeroed, devm: op.devm, freed: false });
      return { created: 'mem' };
    case 'mem_free': {
      const m = st.mem.get(op.target);
      // Memory records are shared between forked paths: replace, never change in place.
      if (m) st.mem.set(op.target, { ...m, freed: true });
      return {};
    }
    case 'mem_remap':
      st.remapped.set(op.key, { devm: op.devm, op: handle });
      return {};
    case 'mem_unmap':
      return {};
    case 'pfn_page':
      return { created: 'page' };
    default:
      return {};
  }
}
