// Public surface of the kernel models. Nothing here knows about editors, LSP or parsers.

export * from './values.js';
export * from './profile.js';
export * from './resource/flags.js';
export * from './resource/tree.js';
export * from './resource/iomem.js';
export * from './resource/layout.js';
export * from './resource/ops.js';
export * from './resource/interleave.js';
export * from './resource/placement.js';
export * from './resource/query.js';
export * from './resource/freeRegion.js';
export * from './arch.js';
export * from './memmap/arith.js';
export * from './memmap/sections.js';
export * from './memmap/race.js';
export * from './memmap/ops.js';
export * from './contracts/index.js';
export * from './consteval.js';
export * from './ops.js';
export * from './dax/model.js';
export * from './memory.js';
