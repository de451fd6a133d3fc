// Ops the rules learn nothing from are not logged (engine/idleOps.ts): a plain read of a page
// just read, and a sleep no page from pfn_to_online_page() can be judged by.

import { describe, expect, it } from 'vitest';
import type { ModelOp } from '../../model/src/index';
import { analyzeTree } from '../../server/src/analysis/analyze';
import { idleSleep, repeatsRead } from '../../server/src/engine/idleOps';
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

describe('idleSleep', () => {
  const sleep = (start: number): LoggedStep => step({ kind: 'may_sleep', what: 'mutex_lock()' }, start);
  const lookup = (start: number): LoggedStep => step({ kind: 'pfn_page', pfn: 'p', via: 'pfn_to_online_page', phys: false }, start);

  it('a sleep before any page from pfn_to_online_page(), or right after another sleep', () => {
    expect(idleSleep([], sleep(10))).toBe(true);
    expect(idleSleep([step({ kind: 'pfn_page', pfn: 'p', via: 'pfn_to_page', phys: true }, 5)], sleep(10))).toBe(true);
    expect(idleSleep([lookup(5), sleep(8)], sleep(10))).toBe(true);
  });

  it('not a sleep after such a page, with something else since the last sleep', () => {
    expect(idleSleep([lookup(5)], sleep(10))).toBe(false);
    expect(idleSleep([lookup(5), sleep(8), step({ kind: 'hotplug_release', what: 'put_online_mems' }, 9)], sleep(10))).toBe(false);
    expect(idleSleep([lookup(5)], read(0, 'PageLRU()', 10))).toBe(false);
  });

  it('a function that locks in some branches only walks one history through them', async () => {
    const src = `
int f(void __iomem *base, resource_size_t start, resource_size_t size, int a, int b, int c)
{
	if (!request_mem_region(start, size, "f"))
		return -EBUSY;
	if (a) {
		mutex_lock(&lock);
		writel(1, base);
		mutex_unlock(&lock);
	}
	if (b)
		msleep(10);
	if (c)
		cond_resched();
	release_mem_region(start, size);
	return 0;
}
`;
    const histories = new Set<string>();
    await withTree(src, (tree) => analyzeTree(tree, src, options(), undefined, {
      onPaths: (_fn, ends) => {
        for (const st of ends) histories.add(st.ops.map((o) => o.op.kind).join(' '));
      },
    }));
    // Logged, the sleeps kept each combination of the three branches apart to the end.
    expect([...histories].sort()).toEqual(['request_region', 'request_region release_region']);
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
