// Contracts of the iomem API (include/linux/ioport.h, kernel/resource.c, mm/memory_hotplug.c).

import {
  IORESOURCE_EXCLUSIVE, IORESOURCE_MUXED,
} from '../resource/flags.js';
import { ParentRef, ResourceOp } from '../resource/ops.js';
import { NULL_VALUE } from '../values.js';
import { CallSite, Contract, FieldContract, ModelView, Outcome } from './types.js';

const EEXIST = -17;

/** `&iomem_resource`, or a resource the path holds. Anything else is not modeled. */
function parentArg(call: CallSite, m: ModelView, i: number): ParentRef | undefined {
  const text = (call.argText[i] ?? '').replace(/\s+/g, '');
  if (text === '&iomem_resource') return { kind: 'iomem' };
  const h = m.resourceHandle(call.args[i] ?? NULL_VALUE);
  return h === undefined ? undefined : { kind: 'handle', handle: h };
}

function range(call: CallSite, m: ModelView, si: number, ni: number): { start: bigint; size: bigint } | undefined {
  const start = m.concrete(call.args[si] ?? NULL_VALUE, 'start');
  const size = m.concrete(call.args[ni] ?? NULL_VALUE, 'size');
  if (start === undefined || size === undefined || size <= 0n) return undefined;
  return { start, size };
}

/** __request_region() and the macros over it: a BUSY resource, or NULL. */
function requestRegion(parentIdx: number | 'iomem', startIdx: number, flags: (c: CallSite) => number | undefined): Contract {
  return (call, m) => {
    const parent = parentIdx === 'iomem' ? { kind: 'iomem' as const } : parentArg(call, m, parentIdx);
    const r = range(call, m, startIdx, startIdx + 1);
    const f = flags(call);
    if (!parent || !r || f === undefined) return undefined;
    const name = m.stringArg(startIdx + 2) ?? call.argText[startIdx + 2] ?? 'region';
    const op: ResourceOp = { kind: 'request_region', parent, start: r.start, size: r.size, name, flags: f };
    return [
      { label: 'succeeds', ret: 'created', ops: [op], requireOk: true,
        note: `${call.callee}() requests a BUSY region; the caller owns it` },
      { label: 'fails', ret: NULL_VALUE, ops: [op], requireOk: false,
        note: `${call.callee}() returns NULL: the range is taken or memory is short` },
    ];
  };
}

function releaseRegion(parentIdx: number | 'iomem', startIdx: number): Contract {
  return (call, m) => {
    const parent = parentIdx === 'iomem' ? { kind: 'iomem' as const } : parentArg(call, m, parentIdx);
    const r = range(call, m, startIdx, startIdx + 1);
    if (!parent || !r) return undefined;
    return [{ label: 'returns', ret: { k: 'unknown' }, ops: [{ kind: 'release_region', parent, ...r }], requireOk: false,
      note: `${call.callee}() walks down through non-BUSY resources and frees the first BUSY one that matches the range exactly` }];
  };
}

function unlink(kind: 'release_resource' | 'remove_resource'): Contract {
  return (call, m) => {
    const h = m.resourceHandle(call.args[0] ?? NULL_VALUE);
    if (h === undefined) return undefined;
    const note = kind === 'release_resource'
      ? 'release_resource() unlinks the resource together with everything nested inside it'
      : 'remove_resource() unlinks the resource and moves its children up to its parent';
    return [{ label: 'returns', ret: { k: 'status', ok: true }, ops: [{ kind, target: h }], requireOk: false, note }];
  };
}

/** add_memory*(): register_memory_resource() requests a BUSY "System RAM..." region. */
function addMemory(startIdx: number, nameIdx: number | undefined): Contract {
  return (call, m) => {
    const r = range(call, m, startIdx, startIdx + 1);
    if (!r) return undefined;
    const name = nameIdx === undefined ? 'System RAM' : (m.stringArg(nameIdx) ?? 'System RAM (driver)');
    const op: ResourceOp = { kind: 'add_memory', start: r.start, size: r.size, name };
    return [
      { label: 'succeeds', ret: { k: 'status', ok: true }, ops: [op], requireOk: true,
        note: `${call.callee}() requests a BUSY "${name}" resource for the range (register_memory_resource) and adds the memory` },
      { label: 'fails', ret: { k: 'status', ok: false, code: EEXIST }, ops: [op], requireOk: false,
        note: `${call.callee}() fails: register_memory_resource() could not request the range, or adding the memory failed` },
    ];
  };
}

const plain = (): number => 0;
const exclusive = (c: CallSite): number | undefined => {
  const t = (c.argText[3] ?? '').trim();
  if (t === '0' || t === 'false') return 0;
  if (t === '1' || t === 'true' || t === 'IORESOURCE_EXCLUSIVE') return IORESOURCE_EXCLUSIVE;
  return undefined;
};

export const RESOURCE_CONTRACTS: Readonly<Record<string, Contract>> = {
  request_mem_region: requestRegion('iomem', 0, plain),
  request_mem_region_muxed: requestRegion('iomem', 0, () => IORESOURCE_MUXED),
  request_mem_region_exclusive: requestRegion('iomem', 0, () => IORESOURCE_EXCLUSIVE),
  __request_mem_region: requestRegion('iomem', 0, exclusive),
  __request_region: (call, m) => {
    const f = call.args[4];
    const flags = f?.k === 'int' ? Number(BigInt.asUintN(32, f.v)) : undefined;
    return requestRegion(0, 1, () => flags)(call, m);
  },
  release_mem_region: releaseRegion('iomem', 0),
  __release_region: releaseRegion(0, 1),
  release_resource: unlink('release_resource'),
  remove_resource: unlink('remove_resource'),
  add_memory: addMemory(1, undefined),
  __add_memory: addMemory(1, undefined),
  add_memory_driver_managed: addMemory(1, 3),
};

/** Writes to `struct resource` fields. Only `flags` changes what the tree does. */
export const RESOURCE_FIELD_CONTRACTS: Readonly<Record<string, FieldContract>> = {
  flags: (assign, value, handle) => {
    if (value.k !== 'int') return undefined;
    const v = Number(BigInt.asUintN(32, value.v));
    const op: ResourceOp = { kind: 'set_flags', target: handle, assign, value: v };
    const note = assign === '='
      ? 'the assignment replaces every flag bit: type, BUSY and extension bits alike'
      : assign === '&=' ? 'the assignment clears the masked-out bits' : 'the assignment sets the given bits';
    return [{ label: 'writes', ret: { k: 'unknown' }, ops: [op], requireOk: false, note }] satisfies Outcome[];
  },
};
