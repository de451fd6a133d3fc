// The registry of API contracts, by callee name and by object field.

import { ObjRef } from '../values.js';
import { DAX_CONTRACTS, DAX_TRIGGERS } from './dax.js';
import { MEMMAP_CONTRACTS, MEMMAP_TRIGGERS } from './memmap.js';
import { MEMORY_CONTRACTS } from './memory.js';
import { RESOURCE_CONTRACTS, RESOURCE_FIELD_CONTRACTS } from './resource.js';

export { HELD_RESOURCE_ARGS } from './resource.js';
export { PAGE_REF_DROPPERS, PAGE_REF_TAKERS, ZONE_DEVICE_TESTS, ZONE_DISCRIMINATORS } from './memmap.js';
import { Contract, FieldContract } from './types.js';
import { table } from '../table.js';

export * from './types.js';

export const CONTRACTS: Readonly<Record<string, Contract>> = table({
  ...RESOURCE_CONTRACTS,
  ...DAX_CONTRACTS,
  ...MEMORY_CONTRACTS,
  ...MEMMAP_CONTRACTS,
});

export const FIELD_CONTRACTS: Readonly<Record<ObjRef['kind'], Readonly<Record<string, FieldContract>>>> = {
  resource: table(RESOURCE_FIELD_CONTRACTS),
  dax: table({}),
  mem: table({}),
  page: table({}),
};

/** Every callee the model knows. */
export const CONTRACT_NAMES: readonly string[] = Object.keys(CONTRACTS);

/**
 * Callees that make code worth walking: a file or function that names none of them needs no
 * analysis. Supporting APIs (kzalloc(), kfree(), set_dax_*()) are modeled but trigger nothing,
 * or every file of the kernel would be parsed.
 */
export const TRIGGER_NAMES: readonly string[] = [
  ...Object.keys(RESOURCE_CONTRACTS).filter((n) => !/^(write_(un)?lock)$/.test(n)),
  ...DAX_TRIGGERS,
  ...MEMMAP_TRIGGERS,
  'devm_memremap_pages', 'memremap_pages', 'memunmap_pages',
];

/**
 * Texts worth walking for what common APIs do together, though neither triggers alone: memory
 * from a devres allocator freed by hand (a kfree() of an lvalue a devm_k*alloc*() result was
 * stored in), and PageReserved() on a pfn_to_page() result. Raw-text tests, run before any parse.
 */
export interface PairedTrigger {
  /** Identifiers the text must name, one of each group, before `test` can hold (a cheap first look). */
  needs: readonly (readonly string[])[];
  test(text: string): boolean;
}

export const PAIRED_TRIGGERS: readonly PairedTrigger[] = [
  { needs: [['devm_kmalloc', 'devm_kzalloc', 'devm_kcalloc'], ['kfree', 'kvfree']], test: devmFreedByHand },
  { needs: [['PageReserved'], ['pfn_to_page']], test: (text) => /\bPageReserved\s*\(/.test(text) && /\bpfn_to_page\s*\(/.test(text) },
];

const DEVM_ALLOC = /\bdevm_k[mzc]alloc\b/;
const DEVM_CALL = /devm_k[mzc]alloc\w*\s*\(/g;
/** What a devm_k*alloc*() result is assigned to, in the text right before the call. */
const DEVM_TARGET_BEFORE = /([A-Za-z_][\w.>\-[\]]*)\s*=\s*(?:\([^()]*\)\s*)?$/;
/** How far before a call its assignment target may start. */
const TARGET_REACH = 512;
const FREED = /\bk(?:v)?free\s*\(\s*([^;()]*?)\s*\)/g;

/**
 * The lvalues `text` assigns a devm_k*alloc*() result to. Looked for backwards from each call:
 * a regular expression that finds the target first tries every identifier of the text, which
 * made this test the prefilter's slowest on drivers.
 */
export function devmTargets(text: string): Set<string> {
  const targets = new Set<string>();
  for (const m of text.matchAll(DEVM_CALL)) {
    const t = DEVM_TARGET_BEFORE.exec(text.slice(Math.max(0, m.index - TARGET_REACH), m.index));
    if (t) targets.add((t[1] as string).replace(/\s+/g, ''));
  }
  return targets;
}

function devmFreedByHand(text: string): boolean {
  if (!DEVM_ALLOC.test(text) || !/\bk(?:v)?free\s*\(/.test(text)) return false;
  const targets = devmTargets(text);
  if (!targets.size) return false;
  for (const m of text.matchAll(FREED)) if (targets.has((m[1] as string).replace(/\s+/g, ''))) return true;
  return false;
}
