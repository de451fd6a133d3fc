// Resource operations as the path engine records them, and how each one changes the tree.
// An op names the resources it works on by handle: the index of the op that created them on
// the same path, so an op log can be replayed on a fresh tree (see interleave.ts).

import {
  IORESOURCE_BUSY, IORESOURCE_SYSRAM_DRIVER_MANAGED, IORESOURCE_SYSTEM_RAM, describeFlags,
} from './flags.js';
import { Resource, ResourceTree, hex, hex0x } from './tree.js';
import { getFreeMemRegion } from './freeRegion.js';
import type { KernelVersion } from '../profile.js';

export type Handle = number;

/** Where a region request starts its search: the root, or a resource the path holds. */
export type ParentRef = { kind: 'iomem' } | { kind: 'handle'; handle: Handle };

export type ResourceOp =
  /** `devm`: requested through devres, released by the driver core on detach. */
  | { kind: 'request_region'; parent: ParentRef; start: bigint; size: bigint; name: string; flags: number; devm?: boolean }
  | { kind: 'release_region'; parent: ParentRef; start: bigint; size: bigint; devm?: boolean }
  | { kind: 'release_resource'; target: Handle }
  | { kind: 'remove_resource'; target: Handle }
  /** `derived`: an `=` whose right side reads the old flags (a read-modify-write). */
  | { kind: 'set_flags'; target: Handle; assign: '=' | '|=' | '&='; value: number; derived?: boolean }
  /** add_memory*(): register_memory_resource() requests a BUSY System RAM region. */
  | { kind: 'add_memory'; start: bigint; size: bigint; name: string }
  /** request_resource()/insert_resource() of a struct the caller filled in. */
  | { kind: 'link_resource'; parent: ParentRef; start: bigint; end: bigint; flags: number; name: string; insert: boolean }
  | { kind: 'adjust_resource'; target: Handle; start: bigint; size: bigint }
  /** get_free_mem_region() behind request_free_mem_region() and friends. */
  | { kind: 'free_region'; base: ParentRef; size: bigint; align: bigint; name: string; desc: number; gfr: number;
      physmemEnd: bigint; version: KernelVersion; devm?: boolean }
  /** region_intersects() / walk_iomem_res_desc(): a check that changes nothing. */
  | { kind: 'query'; what: string; start: bigint; size: bigint; answer?: number }
  /** write_lock(&resource_lock) and its unlock: no other actor runs in between. */
  | { kind: 'lock'; name: string }
  | { kind: 'unlock'; name: string };

export interface OpEffect {
  ok: boolean;
  /** Resource this op created (request_region, add_memory), and its parent at that moment. */
  created?: Resource;
  createdIn?: Resource;
  /** Resources unlinked and freed or dropped, with how. */
  removed: { res: Resource; how: 'freed' | 'dropped' }[];
  /** Resources that moved to another parent. */
  reparented: { res: Resource; from: Resource; to: Resource }[];
  /** Why the op failed, citing the kernel mechanism. */
  reason?: string;
  /** The conflicting resource, when a request failed on one. */
  conflict?: Resource;
  warning?: string;
  /** For set_flags: the flag word before and after the write. */
  flagsBefore?: number;
  flagsAfter?: number;
}

/** The resource tree plus the handles of the resources one or more actors hold. */
export class ResourceWorld {
  constructor(
    readonly tree: ResourceTree,
    /** op handle -> resource id, per actor ("owner", "racer"). */
    readonly handles = new Map<string, number>(),
  ) {}

  clone(): ResourceWorld {
    return new ResourceWorld(this.tree.clone(), new Map(this.handles));
  }

  resolve(actor: string, h: Handle): Resource | undefined {
    const id = this.handles.get(`${actor}:${h}`);
    return id === undefined ? undefined : this.tree.get(id);
  }

  bind(actor: string, h: Handle, r: Resource): void {
    this.handles.set(`${actor}:${h}`, r.id);
  }

  /** Applies `op` as performed by `actor`; `h` is its handle (its index in the actor's log). */
  apply(actor: string, h: Handle, op: ResourceOp): OpEffect {
    const tree = this.tree;
    // Only remove_resource() (children move up) and insert_resource() (overlapped siblings
    // move under the new one) re-link resources that stay in the tree: the other ops are
    // applied without a snapshot of every parent.
    const snapshot = reparents(op) ? parentsOf(tree) : undefined;
    const effect = this.applyInner(actor, h, op);
    if (effect.created?.parent) effect.createdIn = effect.created.parent;
    // Every resource whose parent changed while staying linked was re-parented by this op.
    for (const [res, before] of snapshot ?? []) {
      if (res.parent && before && res.parent !== before && tree.isLinked(res) && res !== effect.created) {
        effect.reparented.push({ res, from: before, to: res.parent });
      }
    }
    return effect;
  }

  private applyInner(actor: string, h: Handle, op: ResourceOp): OpEffect {
    const tree = this.tree;
    const none: OpEffect = { ok: true, removed: [], reparented: [] };
    switch (op.kind) {
      case 'request_region':
      case 'add_memory': {
        const parent = op.kind === 'add_memory' ? tree.root : this.parentOf(actor, op.parent);
        if (!parent) return { ...none, ok: false, reason: 'the parent resource is not held' };
        const flags = op.kind === 'add_memory'
          ? IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY | (op.name === 'System RAM' ? 0 : IORESOURCE_SYSRAM_DRIVER_MANAGED)
          : op.flags;
        const r = tree.requestRegion(parent, op.start, op.size, op.name, flags);
        if (!r.res) {
          const c = r.conflict as Resource;
          const reason = c === parent
            ? `the range ${hex(op.start)}-${hex(op.start + op.size - 1n)} is outside ${parent.name}`
            : `__request_region() found BUSY "${c.name}" (${hex(c.start)}-${hex(c.end)}${c.parent && c.parent !== tree.root ? `, inside "${c.parent.name}"` : ''}) in the way` +
              (r.muxedWait ? ' (MUXED: the caller would sleep until it is released)' : '');
          return { ...none, ok: false, reason, conflict: c };
        }
        this.bind(actor, h, r.res);
        return { ...none, created: r.res };
      }
      case 'release_region': {
        const parent = this.parentOf(actor, op.parent);
        if (!parent) return { ...none, ok: false, reason: 'the parent resource is not held' };
        const r = tree.releaseRegion(parent, op.start, op.size);
        if (!r.freed) return { ...none, ok: false, reason: r.warning, warning: r.warning };
        return { ...none, removed: [{ res: r.freed, how: 'freed' }, ...subtree(r.freed).map((res) => ({ res, how: 'dropped' as const }))] };
      }
      case 'release_resource':
      case 'remove_resource': {
        const target = this.resolve(actor, op.target);
        if (!target || !tree.isLinked(target)) return { ...none, ok: false, reason: 'the resource is not in the tree (-EINVAL)' };
        const dropped = op.kind === 'release_resource' ? subtree(target) : [];
        const rc = op.kind === 'release_resource' ? tree.releaseResource(target) : tree.removeResource(target);
        if (rc) return { ...none, ok: false, reason: 'the resource is not in the tree (-EINVAL)' };
        return { ...none, removed: [{ res: target, how: 'freed' }, ...dropped.map((res) => ({ res, how: 'dropped' as const }))] };
      }
      case 'link_resource': {
        const parent = this.parentOf(actor, op.parent);
        if (!parent) return { ...none, ok: false, reason: 'the parent resource is not held' };
        const res = tree.alloc({ name: op.name, start: op.start, end: op.end, flags: op.flags });
        const conflict = op.insert ? tree.insertResourceConflict(parent, res) : tree.requestResourceConflict(parent, res);
        if (conflict) {
          return { ...none, ok: false, conflict, reason: `${op.insert ? 'insert_resource' : 'request_resource'}() conflicts with "${conflict.name}" (${hex(conflict.start)}-${hex(conflict.end)})` };
        }
        this.bind(actor, h, res);
        return { ...none, created: res };
      }
      case 'adjust_resource': {
        const target = this.resolve(actor, op.target);
        if (!target) return { ...none, ok: false, reason: 'the resource is not held' };
        const rc = tree.adjustResource(target, op.start, op.size);
        return rc ? { ...none, ok: false, reason: 'adjust_resource() would overlap a sibling or leave a child out (-EBUSY)' } : none;
      }
      case 'free_region': {
        const base = this.parentOf(actor, op.base);
        if (!base) return { ...none, ok: false, reason: 'the base resource is not held' };
        const r = getFreeMemRegion(tree, { base, size: op.size, align: op.align, name: op.name, desc: op.desc, flags: op.gfr, physmemEnd: op.physmemEnd, version: op.version });
        if (!r.res) return { ...none, ok: false, reason: 'get_free_mem_region() found no free range (-ERANGE)' };
        this.bind(actor, h, r.res);
        return { ...none, created: r.res };
      }
      case 'query':
      case 'lock':
      case 'unlock':
        return none;
      case 'set_flags': {
        const target = this.resolve(actor, op.target);
        if (!target) return { ...none, ok: false, reason: 'the resource is not held' };
        const flagsBefore = target.flags;
        if (op.assign === '=') target.flags = op.value >>> 0;
        else if (op.assign === '|=') target.flags = (target.flags | op.value) >>> 0;
        else target.flags = (target.flags & op.value) >>> 0;
        return { ...none, flagsBefore, flagsAfter: target.flags };
      }
    }
  }

  private parentOf(actor: string, p: ParentRef): Resource | undefined {
    return p.kind === 'iomem' ? this.tree.root : this.resolve(actor, p.handle);
  }
}

function isResourceKind(op: ResourceOp | { kind: string }): op is ResourceOp {
  return !/^(dax_|mem_|pfn_|page_|hotplug_|may_sleep)/.test(op.kind);
}

function reparents(op: ResourceOp): boolean {
  return op.kind === 'remove_resource' || (op.kind === 'link_resource' && op.insert);
}

function parentsOf(tree: ResourceTree): Map<Resource, Resource | null> {
  const m = new Map<Resource, Resource | null>();
  for (const res of subtree(tree.root)) m.set(res, res.parent);
  return m;
}

function subtree(r: Resource): Resource[] {
  const out: Resource[] = [];
  const visit = (x: Resource): void => {
    for (let c = x.child; c; c = c.sibling) {
      out.push(c);
      visit(c);
    }
  };
  visit(r);
  return out;
}

/** Ops that hand the caller a new resource; on a failure outcome they leave the tree alone. */
export function createsResource(op: { kind: string }): boolean {
  return op.kind === 'request_region' || op.kind === 'add_memory' || op.kind === 'link_resource' || op.kind === 'free_region';
}

/** One line describing an op, for traces and simulations. */
export function describeOp(op: ResourceOp | { kind: string }): string {
  if (!isResourceKind(op)) return op.kind.replace(/_/g, ' ');
  const range = (s: bigint, n: bigint): string => `[${hex(s)}-${hex(s + n - 1n)}]`;
  switch (op.kind) {
    case 'request_region':
      return `__request_region(${op.parent.kind === 'iomem' ? '&iomem_resource' : `#${op.parent.handle}`}, ${range(op.start, op.size)}, "${op.name}")`;
    case 'release_region':
      return `__release_region(${op.parent.kind === 'iomem' ? '&iomem_resource' : `#${op.parent.handle}`}, ${range(op.start, op.size)})`;
    case 'release_resource':
      return `release_resource(#${op.target})`;
    case 'remove_resource':
      return `remove_resource(#${op.target})`;
    case 'set_flags':
      return `flags ${op.assign} ${op.assign === '&=' ? `~(${describeFlags(~op.value >>> 0)})` : describeFlags(op.value)} on #${op.target}`;
    case 'add_memory':
      return `add_memory ${range(op.start, op.size)} as "${op.name}"`;
    case 'link_resource':
      return `${op.insert ? 'insert_resource' : 'request_resource'}(${range(op.start, op.end - op.start + 1n)}, "${op.name}")`;
    case 'adjust_resource':
      return `adjust_resource(#${op.target}, ${range(op.start, op.size)})`;
    case 'free_region':
      return `get_free_mem_region(size ${hex0x(op.size)}, "${op.name}")`;
    case 'query':
      return `${op.what}(${range(op.start, op.size)})`;
    case 'lock':
    case 'unlock':
      return `${op.kind} ${op.name}`;
  }
}
