// The registry of API contracts, by callee name and by object field.

import { ObjRef } from '../values.js';
import { DAX_CONTRACTS, DAX_TRIGGERS } from './dax.js';
import { MEMMAP_CONTRACTS, MEMMAP_TRIGGERS } from './memmap.js';
import { MEMORY_CONTRACTS } from './memory.js';
import { RESOURCE_CONTRACTS, RESOURCE_FIELD_CONTRACTS } from './resource.js';
import { Contract, FieldContract } from './types.js';

export * from './types.js';

export const CONTRACTS: Readonly<Record<string, Contract>> = {
  ...RESOURCE_CONTRACTS,
  ...DAX_CONTRACTS,
  ...MEMORY_CONTRACTS,
  ...MEMMAP_CONTRACTS,
};

export const FIELD_CONTRACTS: Readonly<Record<ObjRef['kind'], Readonly<Record<string, FieldContract>>>> = {
  resource: RESOURCE_FIELD_CONTRACTS,
  dax: {},
  mem: {},
  page: {},
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
 * Pairs of callees that trigger only together (both in the same file or function): a devres
 * allocation and a manual free, common alone, worth walking only when both appear.
 */
export const PAIRED_TRIGGERS: readonly (readonly [RegExp, RegExp])[] = [
  [/\bdevm_k[mzc]alloc\b/, /\bk(?:v)?free\s*\(/],
  [/\bPageReserved\s*\(/, /\bpfn_to_page\s*\(/],
];
