// Kernel helpers the engine evaluates itself, and callees known not to write through the
// pointers they get.

import { UNKNOWN, Value, isErr } from '../../../model/src/index.js';
import type { PathState } from './state.js';

/** Kernel helpers that take pointers they only read (so a `&x` argument leaves x as it was). */
const READ_ONLY_CALLEES = new Set([
  'range_len', 'resource_size', 'resource_type', 'dev_name', 'strlen', 'strcmp', 'strncmp', 'memcmp',
  'resource_contains', 'resource_overlaps', 'resource_intersection', 'range_contains', 'pfn_valid',
  'dev_dbg', 'dev_info', 'dev_warn', 'dev_err', 'dev_notice', 'pr_debug', 'pr_info', 'pr_warn', 'pr_err',
  'printk', 'kstrdup', 'mutex_is_locked', 'lockdep_assert_held', 'list_empty',
]);

/**
 * Callees that take a pointer without taking ownership of what it points to. Locks too
 * (`mutex_lock(&foo->lock)` does not hand `foo` over), and the lock kinds of cleanup.h's guards,
 * which guards.ts reads as their callee (`scoped_guard(mutex, &foo->lock)`).
 */
const NON_OWNING = /^(?:dev_|pr_|printk|kfree|kfree_const|kvfree|WARN|BUG|memset|memcpy|strscpy|strcpy|snprintf|sprintf|seq_printf|trace_|mutex_|spin_|raw_spin_|read_lock|read_unlock|write_lock|write_unlock|down_|up_read|up_write|(?:mutex|spinlock\w*|raw_spinlock\w*|rwsem_read|rwsem_write|rcu|srcu|read_lock\w*|write_lock\w*)$)/;

export function keepsOwnership(callee: string): boolean {
  return NON_OWNING.test(callee) || READ_ONLY_CALLEES.has(callee);
}

export function readsOnly(callee: string): boolean {
  // Upper-case names are macros over their arguments (PFN_UP, ALIGN, WARN_ON); they do not write.
  return READ_ONLY_CALLEES.has(callee) || /^[A-Z0-9_]+$/.test(callee);
}

/**
 * Kernel helpers whose result follows from their arguments (IS_ERR, PTR_ERR, likely, ...).
 * `symbol` names the call when the result is not known.
 */
export function builtin(callee: string, vals: Value[], st: PathState, symbol: () => Value): Value | undefined {
  const a = vals[0] ?? UNKNOWN;
  switch (callee) {
    case 'likely': case 'unlikely': case 'WARN_ON': case 'WARN_ON_ONCE': case '__builtin_expect':
    case 'ERR_CAST': case 'no_free_ptr': case 'READ_ONCE':
      return a.k === 'unknown' ? symbol() : a;
    case 'IS_ERR': case 'IS_ERR_VALUE': {
      const t = isErr(a);
      return t === undefined ? symbol() : { k: 'int', v: t ? 1n : 0n };
    }
    case 'IS_ERR_OR_NULL': {
      const t = isErr(a);
      const nul = a.k === 'null' || (a.k === 'int' && a.v === 0n);
      if (nul) return { k: 'int', v: 1n };
      return t === undefined ? symbol() : { k: 'int', v: t ? 1n : 0n };
    }
    case 'PTR_ERR': case 'PTR_ERR_OR_ZERO':
      if (a.k === 'errptr') return a.code !== undefined ? { k: 'int', v: BigInt(a.code) } : { k: 'status', ok: false };
      if (callee === 'PTR_ERR_OR_ZERO' && (a.k === 'ptr' || a.k === 'nonnull' || a.k === 'null')) return { k: 'int', v: 0n };
      return undefined;
    case 'ERR_PTR': {
      const code = a.k === 'int' ? Number(a.v) : undefined;
      return code === undefined ? { k: 'errptr' } : { k: 'errptr', code };
    }
    case 'resource_size': {
      if (a.k !== 'ptr') return undefined;
      const r = st.world.resolve('owner', a.obj.h);
      return r ? { k: 'int', v: r.end - r.start + 1n } : undefined;
    }
    default:
      return undefined;
  }
}
