// Memory the path allocates (kzalloc() and friends, devres or not) and memory mapped with
// devm_memremap_pages(): enough to know that a zeroed struct's fields read as 0 until written,
// and that devres frees what it allocated.

export type MemOp =
  | { kind: 'mem_alloc'; zeroed: boolean; devm: boolean }
  | { kind: 'mem_free'; target: number; devm: boolean }
  /** devm_memremap_pages(): `key` names the dev_pagemap (its lvalue text); its range when known. */
  | { kind: 'mem_remap'; key: string; devm: boolean; start?: bigint; end?: bigint }
  | { kind: 'mem_unmap'; key: string };

export function isMemOp(op: { kind: string }): op is MemOp {
  return op.kind.startsWith('mem_');
}
