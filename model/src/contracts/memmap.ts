// Contracts of the PFN and struct page API (include/linux/mmzone.h, mm/memory_hotplug.c,
// include/linux/page-flags.h, include/linux/memory_hotplug.h).

import { NULL_VALUE, Value, valueKey } from '../values.js';
import type { Contract } from './types.js';

const pfnOf = (v: Value | undefined): string => valueKey(v ?? NULL_VALUE);

const pfnValid: Contract = (call) => {
  const pfn = pfnOf(call.args[0]);
  return [
    { label: 'valid', ret: { k: 'int', v: 1n }, ops: [{ kind: 'pfn_check', pfn, how: 'pfn_valid', result: true }], requireOk: false,
      note: 'pfn_valid() says a memmap exists for the PFN; it may still be uninitialized' },
    { label: 'invalid', ret: { k: 'int', v: 0n }, ops: [{ kind: 'pfn_check', pfn, how: 'pfn_valid', result: false }], requireOk: false,
      note: 'pfn_valid() says there is no memmap for the PFN' },
  ];
};

const physOf = (v: Value | undefined): boolean => v?.k === 'sym' && v.phys === true;

const pfnToPage: Contract = (call) => [{
  label: 'returns', ret: 'created', ops: [{ kind: 'pfn_page', pfn: pfnOf(call.args[0]), via: 'pfn_to_page', phys: physOf(call.args[0]) }], requireOk: false,
  note: 'pfn_to_page() computes the struct page address; it checks nothing',
}];

const pfnToOnlinePage: Contract = (call) => {
  const pfn = pfnOf(call.args[0]);
  return [
    { label: 'online', ret: 'created', ops: [{ kind: 'pfn_check', pfn, how: 'pfn_to_online_page', result: true }, { kind: 'pfn_page', pfn, via: 'pfn_to_online_page', phys: physOf(call.args[0]) }],
      requireOk: false, note: 'pfn_to_online_page() returns the page: its section is online and it is not a ZONE_DEVICE PFN (now)' },
    { label: 'offline', ret: { k: 'null' }, ops: [{ kind: 'pfn_check', pfn, how: 'pfn_to_online_page', result: false }], requireOk: false,
      note: 'pfn_to_online_page() returns NULL: no online memmap for the PFN' },
  ];
};

/** A struct page read; PageReserved() forks on its answer (rules look at which side the path took). */
const pageRead = (what: string, fork = false): Contract => (call, m) => {
  const h = m.pageHandle(call.args[0] ?? NULL_VALUE);
  if (h === undefined) return undefined;
  if (!fork) return [{ label: 'reads', ret: { k: 'unknown' }, ops: [{ kind: 'page_read', target: h, what }], requireOk: false, note: `${what} reads the struct page` }];
  return [
    { label: 'set', ret: { k: 'int', v: 1n }, ops: [{ kind: 'page_read', target: h, what, result: true }], requireOk: false, note: `${what} is true on this path` },
    { label: 'clear', ret: { k: 'int', v: 0n }, ops: [{ kind: 'page_read', target: h, what, result: false }], requireOk: false, note: `${what} is false on this path` },
  ];
};

const zoneCheck: Contract = (call, m) => {
  const h = m.pageHandle(call.args[0] ?? NULL_VALUE);
  return h === undefined ? undefined : [{ label: 'checks', ret: { k: 'unknown' }, ops: [{ kind: 'page_zone_check', target: h }], requireOk: false, note: `${call.callee}() tells ZONE_DEVICE pages apart` }];
};

const hotplug = (kind: 'hotplug_hold' | 'hotplug_release'): Contract => (call) => [{
  label: kind, ret: { k: 'unknown' }, ops: [{ kind, what: call.callee }], requireOk: false,
  note: kind === 'hotplug_hold' ? `${call.callee}() holds memory hotplug off: nothing is offlined or removed until it is released` : `${call.callee}() lets memory hotplug run again`,
}];

/** lockdep_assert_held(&mem_hotplug_lock) and friends: the caller documents that it holds hotplug off. */
const assertsHeld: Contract = (call, m) => (/hotplug/.test(call.argText[0] ?? '') ? hotplug('hotplug_hold')(call, m) : undefined);

const sleeps = (call: { callee: string }): ReturnType<Contract> => [{
  label: 'may sleep', ret: { k: 'unknown' }, ops: [{ kind: 'may_sleep', what: `${call.callee}()` }], requireOk: false, note: `${call.callee}() can sleep or drop a lock` }];

const PAGE_READS = ['PageLRU', 'PageSlab', 'PageCompound', 'PageHead', 'PageTail', 'PageHuge', 'PageAnon', 'PageOffline', 'PageBuddy',
  'PageHWPoison', 'PageDirty', 'PageLocked', 'PageMovable', 'PageTable', 'page_count', 'page_ref_count', 'page_mapcount', 'page_zone',
  'page_zonenum', 'page_to_nid', 'get_page', 'put_page',
  'lock_page', 'trylock_page', 'SetPageDirty', 'set_page_dirty', 'page_mapping', 'PageSwapCache',
  // The same reads of a folio (found in review: a page reached through page_folio() was lost).
  'folio_test_dirty', 'folio_test_lru', 'folio_test_locked', 'folio_test_anon', 'folio_test_hugetlb', 'folio_test_large',
  'folio_test_hwpoison', 'folio_test_reserved', 'folio_ref_count', 'folio_mapcount', 'folio_nid', 'folio_zone', 'folio_mapping',
  'folio_lock', 'folio_trylock', 'folio_get', 'folio_put'];

/**
 * The `what` of the page reads that take a reference on the page (the try-gets only where they
 * return non-zero) and of those that drop one: memory_hotplug cannot offline a page someone
 * holds a reference on (memmap-online-stale asks which the path holds).
 */
export const PAGE_REF_TAKERS: ReadonlySet<string> = new Set(['get_page()', 'get_page_unless_zero()', 'try_get_page()', 'folio_try_get()', 'folio_get()']);
export const PAGE_REF_DROPPERS: ReadonlySet<string> = new Set(['put_page()', 'folio_put()']);

/** Reads that take a reference only when they return non-zero: each answer is a path of its own (found in review). */
const TRY_GETS = ['get_page_unless_zero', 'try_get_page', 'folio_try_get'];

/**
 * page_folio() and compound_head(): a read of the page (its compound_head word) that gives the
 * head of the same memmap, which the path follows as the same page (a folio's struct page is
 * its head page's).
 */
const headOf = (what: string): Contract => (call, m) => {
  const page = call.args[0] ?? NULL_VALUE;
  const h = m.pageHandle(page);
  if (h === undefined) return undefined;
  return [{ label: 'reads', ret: page, ops: [{ kind: 'page_read', target: h, what }], requireOk: false, note: `${what} reads the struct page and gives its head, in the same memmap` }];
};

/**
 * The kernel address of a page: on a 64-bit profile (no HIGHMEM, SPARSEMEM_VMEMMAP) it is
 * arithmetic, page_to_virt() of `page - vmemmap`, and reads nothing of the struct page (found
 * in review: counted as a read of the memmap). On a 32-bit one PageHighMem() reads the page's
 * flags, and so does arm64's page_kasan_tag() with KASAN's tags.
 */
const ADDRESS_OF = ['page_address', 'kmap', 'kmap_local_page'];
const addressOf = (what: string): Contract => (call, m) => {
  const { arch, config } = m.profile;
  const highmem = arch === 'arm' || arch === 'mips' || arch === 'parisc';
  const tags = arch.startsWith('arm64') && (config?.get('KASAN_SW_TAGS') === 'y' || config?.get('KASAN_HW_TAGS') === 'y');
  return highmem || tags ? pageRead(what)(call, m) : undefined;
};

const SLEEPERS = ['mutex_lock', 'mutex_lock_interruptible', 'mutex_lock_killable', 'down', 'down_read', 'down_write', 'msleep', 'ssleep',
  'usleep_range', 'schedule', 'schedule_timeout', 'cond_resched', 'cond_resched_tasks_rcu_qs', 'might_sleep', 'wait_for_completion', 'synchronize_rcu', 'flush_work',
  'copy_to_user', 'copy_from_user', 'rcu_read_unlock', 'spin_unlock', 'spin_unlock_irqrestore', 'read_unlock', 'write_unlock_irq', 'mutex_unlock'];

export const MEMMAP_CONTRACTS: Readonly<Record<string, Contract>> = {
  pfn_valid: pfnValid,
  pfn_to_page: pfnToPage,
  pfn_to_online_page: pfnToOnlinePage,
  PageReserved: pageRead('PageReserved()', true),
  ...Object.fromEntries(PAGE_READS.map((n) => [n, pageRead(`${n}()`)])),
  ...Object.fromEntries(ADDRESS_OF.map((n) => [n, addressOf(`${n}()`)])),
  ...Object.fromEntries(TRY_GETS.map((n) => [n, pageRead(`${n}()`, true)])),
  page_folio: headOf('page_folio()'),
  compound_head: headOf('compound_head()'),
  is_zone_device_page: zoneCheck,
  is_device_private_page: zoneCheck,
  is_pci_p2pdma_page: zoneCheck,
  kvm_is_zone_device_page: zoneCheck,
  get_online_mems: hotplug('hotplug_hold'),
  put_online_mems: hotplug('hotplug_release'),
  mem_hotplug_begin: hotplug('hotplug_hold'),
  mem_hotplug_done: hotplug('hotplug_release'),
  lock_device_hotplug: hotplug('hotplug_hold'),
  lockdep_assert_held: assertsHeld,
  lockdep_assert_held_read: assertsHeld,
  lockdep_assert_held_write: assertsHeld,
  percpu_rwsem_assert_held: assertsHeld,
  unlock_device_hotplug: hotplug('hotplug_release'),
  ...Object.fromEntries(SLEEPERS.map((n) => [n, sleeps])),
};

export const MEMMAP_TRIGGERS: readonly string[] = ['pfn_valid', 'pfn_to_online_page'];

/**
 * Calls that tell ZONE_DEVICE PFNs apart from reserved ones: by zone (code that reads the pages'
 * zone works within one zone, and ZONE_DEVICE is its own), or by host memory type
 * (pat_pfn_immune_to_uc_mtrr(): a pmem page mapped write-back is not MMIO).
 */
/**
 * The calls among ZONE_DISCRIMINATORS that answer whether a page is ZONE_DEVICE (not what zone
 * or memory type it has, which a function may read for other reasons): a static helper that
 * makes one is a ZONE_DEVICE test of its own (facts.ts zoneCheckers).
 */
export const ZONE_DEVICE_TESTS: ReadonlySet<string> = new Set([
  'is_zone_device_page', 'folio_is_zone_device', 'is_device_private_page', 'is_device_coherent_page', 'is_pci_p2pdma_page',
  'is_fsdax_page', 'kvm_is_zone_device_page',
]);

export const ZONE_DISCRIMINATORS: ReadonlySet<string> = new Set([
  'is_zone_device_page', 'folio_is_zone_device', 'is_device_private_page', 'is_device_coherent_page', 'is_pci_p2pdma_page',
  'is_fsdax_page', 'kvm_is_zone_device_page', 'get_dev_pagemap', 'pat_pfn_immune_to_uc_mtrr', 'pfn_t_devmap',
  'page_zone', 'page_zonenum', 'folio_zone', 'folio_zonenum', 'zone_idx',
]);
