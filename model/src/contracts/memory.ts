// Contracts of the allocators and devres helpers the DAX and devm rules need.

import { NULL_VALUE } from '../values.js';
import type { Contract, Outcome } from './types.js';

const alloc = (zeroed: boolean, devm: boolean): Contract => (call) => [
  { label: 'succeeds', ret: 'created', ops: [{ kind: 'mem_alloc', zeroed, devm }], requireOk: true,
    note: `${call.callee}() returns ${zeroed ? 'zeroed ' : ''}memory${devm ? ' that devres frees when the driver detaches' : ''}` },
  { label: 'fails', ret: { k: 'null' }, ops: [], requireOk: false, note: `${call.callee}() returns NULL` },
];

const free = (devm: boolean, argIdx: number): Contract => (call, m) => {
  const h = m.memHandle(call.args[argIdx] ?? NULL_VALUE);
  if (h === undefined) return undefined;
  return [{ label: 'returns', ret: { k: 'unknown' }, ops: [{ kind: 'mem_free', target: h, devm }], requireOk: false, note: `${call.callee}() frees the memory` }];
};

const remap = (devm: boolean, pgmapIdx: number): Contract => (call, m) => {
  const start = m.field(pgmapIdx, 'range.start');
  const end = m.field(pgmapIdx, 'range.end');
  const range = start.k === 'int' && end.k === 'int' ? { start: start.v, end: end.v } : {};
  return remapOutcomes(call.callee, m.lvalue(pgmapIdx), devm, range);
};

const remapOutcomes = (callee: string, key: string, devm: boolean, range: { start?: bigint; end?: bigint }): Outcome[] => [
  { label: 'succeeds', ret: { k: 'nonnull' }, ops: [{ kind: 'mem_remap', key, devm, ...range }], requireOk: false,
    note: `${callee}() creates the ZONE_DEVICE memmap for the pagemap${devm ? '; devres unmaps it when the driver detaches' : ''}` },
  { label: 'fails', ret: { k: 'errptr' }, ops: [], requireOk: false, note: `${callee}() returns an ERR_PTR` },
];

export const MEMORY_CONTRACTS: Readonly<Record<string, Contract>> = {
  kzalloc: alloc(true, false),
  kzalloc_node: alloc(true, false),
  kcalloc: alloc(true, false),
  vzalloc: alloc(true, false),
  kvzalloc: alloc(true, false),
  kmalloc: alloc(false, false),
  devm_kzalloc: alloc(true, true),
  devm_kcalloc: alloc(true, true),
  devm_kmalloc: alloc(false, true),
  kfree: free(false, 0),
  kvfree: free(false, 0),
  vfree: free(false, 0),
  devm_kfree: free(true, 1),
  devm_memremap_pages: remap(true, 1),
  memremap_pages: remap(false, 0),
  memunmap_pages: (_call, m) => [{ label: 'returns', ret: { k: 'unknown' }, ops: [{ kind: 'mem_unmap', key: m.lvalue(0) }], requireOk: false,
    note: 'memunmap_pages() tears the ZONE_DEVICE memmap down' }],
};
