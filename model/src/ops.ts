// Every operation a path can log, across the models.

import type { DaxOp } from './dax/model.js';
import type { MemOp } from './memory.js';
import type { ResourceOp } from './resource/ops.js';

export type ModelOp = ResourceOp | DaxOp | MemOp;

export function isResourceOp(op: ModelOp): op is ResourceOp {
  return !op.kind.startsWith('dax_') && !op.kind.startsWith('mem_');
}
