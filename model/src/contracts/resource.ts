// Contracts of the iomem API (include/linux/ioport.h, kernel/resource.c, mm/memory_hotplug.c).

import { archConstants } from '../arch.js';
import {
  IORESOURCE_EXCLUSIVE, IORESOURCE_MEM, IORESOURCE_MUXED, IORES_DESC_DEVICE_PRIVATE_MEMORY, IORES_DESC_NONE,
} from '../resource/flags.js';
import { GFR_DESCENDING, GFR_REQUEST_REGION } from '../resource/freeRegion.js';
import { REGION_NAMES, regionIntersectsIn } from '../resource/query.js';
import type { Resource } from '../resource/tree.js';
import { ParentRef, ResourceOp } from '../resource/ops.js';
import { NULL_VALUE, Value } from '../values.js';
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
function requestRegion(parentIdx: number | 'iomem', startIdx: number, flags: (c: CallSite) => number | undefined, devm = false): Contract {
  return (call, m) => {
    const parent = parentIdx === 'iomem' ? { kind: 'iomem' as const } : parentArg(call, m, parentIdx);
    const r = range(call, m, startIdx, startIdx + 1);
    const f = flags(call);
    if (!parent || !r || f === undefined) return undefined;
    const name = m.stringArg(startIdx + 2) ?? call.argText[startIdx + 2] ?? 'region';
    const op: ResourceOp = { kind: 'request_region', parent, start: r.start, size: r.size, name, flags: f, ...(devm ? { devm } : {}) };
    return [
      { label: 'succeeds', ret: 'created', ops: [op], requireOk: true,
        note: devm ? `${call.callee}() requests a BUSY region; devres releases it when the driver detaches`
          : `${call.callee}() requests a BUSY region; the caller owns it` },
      { label: 'fails', ret: NULL_VALUE, ops: [op], requireOk: false,
        note: `${call.callee}() returns NULL: the range is taken or memory is short` },
    ];
  };
}

function releaseRegion(parentIdx: number | 'iomem', startIdx: number, devm = false): Contract {
  return (call, m) => {
    const parent = parentIdx === 'iomem' ? { kind: 'iomem' as const } : parentArg(call, m, parentIdx);
    const r = range(call, m, startIdx, startIdx + 1);
    if (!parent || !r) return undefined;
    return [{ label: 'returns', ret: { k: 'unknown' }, ops: [{ kind: 'release_region', parent, ...r, ...(devm ? { devm } : {}) }], requireOk: false,
      note: `${call.callee}() walks down through the non-BUSY resources that contain the range and frees the first BUSY one, which must match it exactly (else nothing is freed)` }];
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
/** A flags argument the path knows as a constant. */
const flagsArg = (i: number) => (c: CallSite): number | undefined => {
  const f = c.args[i];
  return f?.k === 'int' ? Number(BigInt.asUintN(32, f.v)) : undefined;
};

/** request_resource()/insert_resource(parent, res) with res filled in by the caller. */
function linkResource(insert: boolean): Contract {
  return (call, m) => {
    const parent = parentArg(call, m, 0);
    const start = m.field(1, 'start');
    const end = m.field(1, 'end');
    const flags = m.field(1, 'flags');
    if (!parent || start.k !== 'int' || end.k !== 'int') return undefined;
    const op: ResourceOp = {
      kind: 'link_resource', parent, start: start.v, end: end.v, flags: flags.k === 'int' ? Number(BigInt.asUintN(32, flags.v)) : IORESOURCE_MEM,
      name: call.argText[1] ?? 'resource', insert,
    };
    const what = insert ? 'insert_resource() links it, adopting the resources it covers as children' : 'request_resource() links it under the parent';
    return [
      { label: 'succeeds', ret: { k: 'int', v: 0n }, ops: [op], requireOk: true, note: what, bindsArg: 1 },
      { label: 'fails', ret: { k: 'int', v: -16n }, ops: [op], requireOk: false, note: `${call.callee}() fails with -EBUSY: the range conflicts` },
    ];
  };
}

/** get_free_mem_region() callers: the highest (or lowest) free aligned range under `base`. */
function freeRegion(baseIdx: number, sizeIdx: number, opts: { name?: number; align?: number; gfr: number; desc: number; devm?: boolean }): Contract {
  return (call, m) => {
    const base = parentArg(call, m, baseIdx);
    const size = m.concrete(call.args[sizeIdx] ?? NULL_VALUE, 'size');
    const arch = archConstants(m.profile.arch);
    const align = opts.align === undefined ? 1n << BigInt(arch.sectionSizeBits) : m.concrete(call.args[opts.align] ?? NULL_VALUE, 'size');
    if (!base || size === undefined || align === undefined || align <= 0n) return undefined;
    const name = opts.name === undefined ? 'dev_name(dev)' : (m.stringArg(opts.name) ?? call.argText[opts.name] ?? 'region');
    const op: ResourceOp = {
      kind: 'free_region', base, size, align, name, desc: opts.desc, gfr: opts.gfr, physmemEnd: arch.physmemEnd, version: m.profile.version,
      ...(opts.devm ? { devm: true } : {}),
    };
    const dir = opts.gfr & GFR_DESCENDING ? `searching down from min(base->end, PHYSMEM_END) = ${arch.physmemEnd.toString(16)}` : 'searching up from the start of the base';
    return [
      { label: 'succeeds', ret: 'created', ops: [op], requireOk: true, note: `${call.callee}() takes the first free range ${dir} in steps of ${align.toString(16)}` },
      { label: 'fails', ret: { k: 'errptr', code: -34 }, ops: [op], requireOk: false, note: `${call.callee}() returns ERR_PTR(-ERANGE): no free range` },
    ];
  };
}

/**
 * region_intersects() and the walkers: a check that changes nothing but can go stale. The
 * intersects family answers from the path's tree (REGION_DISJOINT, _INTERSECTS, _MIXED).
 */
function query(what: string, startIdx: number, sizeIdx: number | 'end', opts: { parent?: number } = {}): Contract {
  return (call, m) => {
    let parent: Resource | undefined;
    if (opts.parent !== undefined) {
      parent = m.resource(call.args[opts.parent] ?? NULL_VALUE, call.argText[opts.parent] ?? '');
      if (!parent) return undefined;
    }
    const start = m.concrete(call.args[startIdx] ?? NULL_VALUE, 'start');
    const size = sizeIdx === 'end' ? undefined : m.concrete(call.args[sizeIdx] ?? NULL_VALUE, 'size');
    const endV = sizeIdx === 'end' ? m.concrete(call.args[startIdx + 1] ?? NULL_VALUE, 'size') : undefined;
    const n = size ?? (endV !== undefined && start !== undefined ? endV - start + 1n : undefined);
    if (start === undefined || n === undefined || n <= 0n) return undefined;
    let ret: Value = { k: 'unknown' };
    let answer: number | undefined;
    const flags = call.args[startIdx + 2];
    const desc = call.args[startIdx + 3];
    if (sizeIdx !== 'end' && flags?.k === 'int' && desc?.k === 'int') {
      answer = regionIntersectsIn(parent ?? m.tree().root, start, n, Number(BigInt.asUintN(32, flags.v)), Number(desc.v));
      ret = { k: 'int', v: BigInt(answer) };
    }
    const op: ResourceOp = { kind: 'query', what, start, size: n, ...(answer !== undefined ? { answer } : {}) };
    const said = answer === undefined ? '' : ` It answers ${REGION_NAMES[answer as 0 | 1 | 2]} on this layout.`;
    return [{ label: 'answers', ret, ops: [op], requireOk: false,
      note: `${what}() looks at the tree as it is now; nothing stops another driver from changing it right after.${said}` }];
  };
}

function lock(kind: 'lock' | 'unlock'): Contract {
  return (call) => {
    const t = (call.argText[0] ?? '').replace(/\s+/g, '');
    if (t !== '&resource_lock') return undefined;
    return [{ label: kind, ret: { k: 'unknown' }, ops: [{ kind, name: 'resource_lock' }], requireOk: false,
      note: kind === 'lock' ? 'takes resource_lock: no other request can run until it is dropped' : 'drops resource_lock' }];
  };
}

export const RESOURCE_CONTRACTS: Readonly<Record<string, Contract>> = {
  request_mem_region: requestRegion('iomem', 0, plain),
  request_mem_region_muxed: requestRegion('iomem', 0, () => IORESOURCE_MUXED),
  request_mem_region_exclusive: requestRegion('iomem', 0, () => IORESOURCE_EXCLUSIVE),
  __request_mem_region: requestRegion('iomem', 0, flagsArg(3)),
  devm_request_mem_region: (call, m) => requestRegion('iomem', 1, plain, true)(call, m),
  __devm_request_region: (call, m) => requestRegion(1, 2, flagsArg(5), true)(call, m),
  devm_release_mem_region: releaseRegion('iomem', 1, true),
  request_resource: linkResource(false),
  insert_resource: linkResource(true),
  adjust_resource: (call, m) => {
    const h = m.resourceHandle(call.args[0] ?? NULL_VALUE);
    const r = range(call, m, 1, 2);
    if (h === undefined || !r) return undefined;
    return [
      { label: 'succeeds', ret: { k: 'int', v: 0n }, ops: [{ kind: 'adjust_resource', target: h, ...r }], requireOk: true, note: 'adjust_resource() moves or resizes the resource in place' },
      { label: 'fails', ret: { k: 'int', v: -16n }, ops: [], requireOk: false, note: 'adjust_resource() fails with -EBUSY' },
    ];
  },
  request_free_mem_region: freeRegion(0, 1, { name: 2, gfr: GFR_DESCENDING | GFR_REQUEST_REGION, desc: IORES_DESC_DEVICE_PRIVATE_MEMORY }),
  devm_request_free_mem_region: freeRegion(1, 2, { gfr: GFR_DESCENDING | GFR_REQUEST_REGION, desc: IORES_DESC_DEVICE_PRIVATE_MEMORY, devm: true }),
  alloc_free_mem_region: freeRegion(0, 1, { align: 2, name: 3, gfr: 0, desc: IORES_DESC_NONE }),
  region_intersects: query('region_intersects', 0, 1),
  __region_intersects: query('__region_intersects', 1, 2, { parent: 0 }),
  walk_iomem_res_desc: query('walk_iomem_res_desc', 2, 'end'),
  // kernel/resource.c internals, so its own locked get_free_mem_region() reads as what it is.
  __request_region_locked: (call, m) => {
    const parent = parentArg(call, m, 1);
    const r = range(call, m, 2, 3);
    const f = flagsArg(5)(call);
    if (!parent || !r || f === undefined) return undefined;
    const op: ResourceOp = { kind: 'request_region', parent, start: r.start, size: r.size, name: m.stringArg(4) ?? call.argText[4] ?? 'region', flags: f };
    return [
      { label: 'succeeds', ret: { k: 'int', v: 0n }, ops: [op], requireOk: true, bindsArg: 0, note: '__request_region_locked() links the resource BUSY (resource_lock held)' },
      { label: 'fails', ret: { k: 'int', v: -16n }, ops: [op], requireOk: false, note: '__request_region_locked() fails with -EBUSY' },
    ];
  },
  write_lock: lock('lock'),
  write_unlock: lock('unlock'),
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

/**
 * The contracts that act only on a resource the path holds: argument `arg` must point at one
 * (`resourceHandle()`, parentArg()), or, with `iomem`, be written `&iomem_resource`. Called any
 * other way they do nothing (the call is opaque), so a function whose walk cannot come to hold a
 * resource need not be walked for them (facts.ts). The model tests probe each contract with
 * every plain value to keep this table true.
 */
export const HELD_RESOURCE_ARGS: Readonly<Record<string, { arg: number; iomem?: true }>> = {
  release_resource: { arg: 0 },
  remove_resource: { arg: 0 },
  adjust_resource: { arg: 0 },
  request_resource: { arg: 0, iomem: true },
  insert_resource: { arg: 0, iomem: true },
  __request_region: { arg: 0, iomem: true },
  __release_region: { arg: 0, iomem: true },
  __devm_request_region: { arg: 1, iomem: true },
  __region_intersects: { arg: 0, iomem: true },
  __request_region_locked: { arg: 1, iomem: true },
  request_free_mem_region: { arg: 0, iomem: true },
  devm_request_free_mem_region: { arg: 1, iomem: true },
  alloc_free_mem_region: { arg: 0, iomem: true },
};

/** Writes to `struct resource` fields. Only `flags` changes what the tree does. */
export const RESOURCE_FIELD_CONTRACTS: Readonly<Record<string, FieldContract>> = {
  flags: (assign, value, handle, derived) => {
    if (value.k !== 'int') return undefined;
    const v = Number(BigInt.asUintN(32, value.v));
    const op: ResourceOp = { kind: 'set_flags', target: handle, assign, value: v, ...(derived ? { derived } : {}) };
    const note = assign === '=' && !derived
      ? 'the assignment replaces every flag bit: type, BUSY and extension bits alike'
      : assign === '=' ? 'the assignment rewrites the flags from their old value'
      : assign === '&=' ? 'the assignment clears the masked-out bits' : 'the assignment sets the given bits';
    return [{ label: 'writes', ret: { k: 'unknown' }, ops: [op], requireOk: false, note }] satisfies Outcome[];
  },
};
