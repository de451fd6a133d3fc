// Ops that tell the rules nothing new, not logged: a page read that repeats one, and a sleep no
// page can be judged by. Logged, each kept apart (in the merge key, and by the handles of the
// objects made after it, which are log indices) every combination of the calls a function's
// branches make, and nothing after them merged. Only the memmap rules read these kinds (and
// memmap-reserved-zone-device only PageReserved()'s answer, which forks); keep this in step.
//
// Page reads. The memmap rules judge a page by its first read (memmap-pfn-valid-uninit), by the
// first read after a sleep (memmap-online-stale), by the references taken and dropped on it and
// by the answers of the reads that fork (PageReserved(), the try-gets). A plain read of a page
// the path read just before, with nothing but plain reads in between, changes none of these:
// do_migrate_range() walked 90 model histories through one node, each pass's branches
// (folio_test_large(), folio_test_lru(), folio_lock(), ...) times the other's.
//
// Sleeps. memmap-online-stale asks of a sleep only which pages pfn_to_online_page() gave before
// it: a sleep on a path that has none, or right after another (the first marks every page the
// second would), changes nothing. mutex_lock(), spin_unlock() and the other sleepers are in most
// walked functions: 3.7% of the steps over 6.12's candidate files (`init_nanddoc()` 5,928 to 2,205).
// The path's trace still tells of both.

import { PAGE_REF_DROPPERS, PAGE_REF_TAKERS } from '../../../model/src/index.js';
import type { LoggedStep } from './state.js';

/** A direct read that neither forks, nor takes or drops a reference. */
function isPlainRead(l: LoggedStep): boolean {
  const op = l.op;
  return op.kind === 'page_read' && op.result === undefined && l.site.start === l.at.start &&
    !PAGE_REF_TAKERS.has(op.what) && !PAGE_REF_DROPPERS.has(op.what);
}

/**
 * Whether `step`, about to be logged after `ops`, is a plain read of a page a plain read before
 * it read, with only plain reads since (no sleep, hotplug hold, reference or other op between).
 */
export function repeatsRead(ops: readonly LoggedStep[], step: LoggedStep): boolean {
  if (step.op.kind !== 'page_read' || !isPlainRead(step)) return false;
  const target = step.op.target;
  for (let i = ops.length - 1; i >= 0; i--) {
    const l = ops[i] as LoggedStep;
    if (!isPlainRead(l)) return false;
    if (l.op.kind === 'page_read' && l.op.target === target) return true;
  }
  return false;
}

/** Whether `step`, about to be logged after `ops`, is a sleep no page can be judged by (see above). */
export function idleSleep(ops: readonly LoggedStep[], step: LoggedStep): boolean {
  if (step.op.kind !== 'may_sleep') return false;
  if (ops[ops.length - 1]?.op.kind === 'may_sleep') return true;
  return !ops.some((l) => l.op.kind === 'pfn_page' && l.op.via === 'pfn_to_online_page');
}

/** Logs `step` on `ops`, unless it repeats a read or is an idle sleep. */
export function logOp(ops: LoggedStep[], step: LoggedStep): void {
  if (!repeatsRead(ops, step) && !idleSleep(ops, step)) ops.push(step);
}
