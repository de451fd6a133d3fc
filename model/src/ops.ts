// Every operation a path can log, across the models.

import type { DaxOp } from './dax/model.js';
import type { MemOp } from './memory.js';
import type { MemmapOp } from './memmap/ops.js';
import type { ResourceOp } from './resource/ops.js';

export type ModelOp = ResourceOp | DaxOp | MemOp | MemmapOp;

export function isResourceOp(op: ModelOp): op is ResourceOp {
  return !/^(dax_|mem_|pfn_|page_|hotplug_|may_sleep)/.test(op.kind);
}
