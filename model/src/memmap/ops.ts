// What a path does with PFNs and struct pages, as the memmap rules need it.

/** A PFN named by the path (the key of its value) and what the path learned about it. */
export type MemmapOp =
  | { kind: 'pfn_check'; pfn: string; how: 'pfn_valid' | 'pfn_to_online_page'; result: boolean }
  /** pfn_to_page()/pfn_to_online_page(): a struct page for a PFN. */
  | { kind: 'pfn_page'; pfn: string; via: 'pfn_to_page' | 'pfn_to_online_page'; phys: boolean }
  /** A read of struct page state (flags, refcount, zone) through a page the path holds. */
  | { kind: 'page_read'; target: number; what: string; result?: boolean }
  /** is_zone_device_page() and friends. */
  | { kind: 'page_zone_check'; target: number }
  /** get_online_mems(), mem_hotplug_begin(), lock_device_hotplug(): memory cannot be offlined. */
  | { kind: 'hotplug_hold'; what: string }
  | { kind: 'hotplug_release'; what: string }
  /** A call that can sleep or drop a lock: another CPU can offline and remove memory meanwhile. */
  | { kind: 'may_sleep'; what: string };

export function isMemmapOp(op: { kind: string }): op is MemmapOp {
  return /^(pfn_|page_|hotplug_|may_sleep)/.test(op.kind);
}
