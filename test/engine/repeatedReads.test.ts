// A plain read of a page just read is not logged: the memmap rules learn nothing from it, and
// logged it kept a loop body's branch combinations apart (engine/repeatedReads.ts).

import { describe, expect, it } from 'vitest';
import type { ModelOp } from '../../model/src/index';
import { analyzeTree } from '../../server/src/analysis/analyze';
import { repeatsRead } from '../../server/src/engine/repeatedReads';
import { LoggedStep, Site, logStep } from '../../server/src/engine/state';
import { options, withTree } from '../helpers';

const at = (start: number): Site => ({ start, end: start + 1, line: 0, col: start, endLine: 0, endCol: start + 1 });
const step = (op: ModelOp, start: number, callSite = start): LoggedStep => logStep(op, true, at(start), at(callSite), 'x', 0);
const read = (target: number, what: string, start: number, result?: boolean): LoggedStep =>
  step({ kind: 'page_read', target, what, ...(result === undefined ? {} : { result }) }, start);

describe('repeatsRead', () => {
  it('a plain read of the page read just before, with only plain reads between', () => {
    const log = [read(1, 'PageLRU()', 10), read(2, 'PageLRU()', 20)];
    expect(repeatsRead(log, read(1, 'PageDirty()', 30))).toBe(true);
    expect(repeatsRead(log, read(3, 'PageDirty()', 30))).toBe(false); // a page not read yet
    expect(repeatsRead([], read(1, 'PageDirty()', 30))).toBe(false);
  });

  it('not after a sleep, a hotplug hold, a reference taken or dropped, or a read that forks', () => {
    for (const between of [
      step({ kind: 'may_sleep', what: 'mutex_lock()' }, 15),
      step({ kind: 'hotplug_hold', what: 'get_online_mems' }, 15),
      read(1, 'folio_try_get()', 15, true),
      read(1, 'put_page()', 15),
      read(1, 'PageReserved()', 15, false),
    ]) {
      expect(repeatsRead([read(1, 'PageLRU()', 10), between], read(1, 'PageDirty()', 30)), between.op.kind).toBe(false);
    }
  });

  it('not a read that itself takes or drops a reference or forks, nor one an inlined helper made', () => {
    const log = [read(1, 'PageLRU()', 10)];
    expect(repeatsRead(log, read(1, 'get_page()', 30))).toBe(false);
    expect(repeatsRead(log, read(1, 'folio_put()', 30))).toBe(false);
    expect(repeatsRead(log, read(1, 'PageReserved()', 30, true))).toBe(false);
    expect(repeatsRead(log, step({ kind: 'page_read', target: 1, what: 'PageDirty()' }, 30, 5))).toBe(false);
  });
});

describe('a loop body whose branches make different reads of the same page', () => {
  it('walks one history per pass where the branches differ only in those reads', async () => {
    // do_migrate_range()'s shape (mm/memory_hotplug.c).
    const src = `
void f(unsigned long start_pfn, unsigned long end_pfn)
{
	unsigned long pfn;

	for (pfn = start_pfn; pfn < end_pfn; pfn++) {
		struct page *page;
		struct folio *folio;

		if (!pfn_valid(pfn))
			continue;
		page = pfn_to_page(pfn);
		folio = page_folio(page);
		if (folio_test_large(folio) && !folio_test_hugetlb(folio))
			continue;
		if (folio_test_lru(folio) && folio_test_dirty(folio))
			note(folio);
		else if (folio_mapped(folio))
			folio_lock(folio);
	}
}
`;
    const histories = new Set<string>();
    let steps = 0;
    await withTree(src, (tree) => analyzeTree(tree, src, options(), undefined, {
      onPaths: (_fn, ends, walk) => {
        steps = walk.steps;
        for (const st of ends) histories.add(st.ops.map((o) => `${o.op.kind}:${'what' in o.op ? o.op.what : ''}`).join(' '));
      },
    }));
    // Logged, every read kept its combination apart: ten histories (eight of one pass) and 855 steps.
    expect([...histories].sort()).toEqual(['', 'pfn_check:', 'pfn_check: pfn_page: page_read:page_folio()']);
    expect(steps).toBeLessThan(300);
  });
});
