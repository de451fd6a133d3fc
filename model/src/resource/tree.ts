// The iomem resource tree with the semantics of kernel/resource.c (Linux 6.12).
// Each operation is a port of the kernel function it is named after; comments name the
// kernel function so the two can be read side by side.

import {
  IORESOURCE_BUSY, IORESOURCE_MEM, IORESOURCE_MUXED, IORES_DESC_NONE,
  resourceExtType, resourceType, hasFlag,
} from './flags.js';

export const U64_MAX = (1n << 64n) - 1n;

export interface Resource {
  /** Stable identity inside one tree and its clones. */
  readonly id: number;
  name: string;
  start: bigint;
  end: bigint;
  /** Unsigned 32-bit flag word (IORESOURCE_BUSY is bit 31). */
  flags: number;
  desc: number;
  parent: Resource | null;
  child: Resource | null;
  sibling: Resource | null;
}

export interface NewResource {
  name: string;
  start: bigint;
  end: bigint;
  flags: number;
  desc?: number;
}

/** What __release_region did: the kernel prints a warning when nothing matched. */
export interface ReleaseRegionResult {
  freed: Resource | null;
  warning?: string;
}

/** A resource's fields, unlinked. */
function copyOf(r: Resource): Resource {
  return { id: r.id, name: r.name, start: r.start, end: r.end, flags: r.flags, desc: r.desc, parent: null, child: null, sibling: null };
}

export class ResourceTree {
  readonly root: Resource;
  private nextId: number;
  private readonly byId = new Map<number, Resource>();

  constructor(root?: NewResource) {
    this.nextId = 0;
    this.root = this.alloc(root ?? { name: 'PCI mem', start: 0n, end: U64_MAX, flags: IORESOURCE_MEM });
  }

  /** Allocates a resource that is not yet linked into the tree (alloc_resource + fill-in). */
  alloc(init: NewResource): Resource {
    const r: Resource = {
      id: this.nextId++, name: init.name, start: init.start, end: init.end,
      flags: init.flags >>> 0, desc: init.desc ?? IORES_DESC_NONE,
      parent: null, child: null, sibling: null,
    };
    this.byId.set(r.id, r);
    return r;
  }

  get(id: number): Resource | undefined {
    return this.byId.get(id);
  }

  /** True when the resource is linked into this tree (reachable from the root). */
  isLinked(r: Resource): boolean {
    let p: Resource | null = r;
    while (p && p !== this.root) p = p.parent;
    return p === this.root;
  }

  children(r: Resource): Resource[] {
    const out: Resource[] = [];
    for (let c = r.child; c; c = c.sibling) out.push(c);
    return out;
  }

  /** Depth-first pre-order walk, the order /proc/iomem prints. */
  *walk(from: Resource = this.root): Generator<{ res: Resource; depth: number }> {
    const visit = function* (r: Resource, depth: number): Generator<{ res: Resource; depth: number }> {
      for (let c = r.child; c; c = c.sibling) {
        yield { res: c, depth };
        yield* visit(c, depth + 1);
      }
    };
    yield* visit(from, 0);
  }

  /**
   * A deep copy that keeps every id, so states can fork. Copied by id, field by field: paths
   * clone the tree whenever a fork changes it, and a map keyed by the objects themselves plus
   * an object spread per resource made the copy slower.
   */
  clone(): ResourceTree {
    const copy = Object.create(ResourceTree.prototype) as ResourceTree;
    const byId = new Map<number, Resource>();
    for (const r of this.byId.values()) byId.set(r.id, copyOf(r));
    // A link to a resource the tree no longer lists gets one unlinked copy of its own, as it
    // always did (none is made: a request that fails is forgotten before anything links to it).
    const others = new Map<Resource, Resource>();
    const copied = (r: Resource | null): Resource | null => {
      if (!r) return null;
      if (this.byId.get(r.id) === r) return byId.get(r.id) as Resource;
      let d = others.get(r);
      if (!d) others.set(r, (d = copyOf(r)));
      return d;
    };
    for (const r of this.byId.values()) {
      const d = byId.get(r.id) as Resource;
      d.parent = copied(r.parent);
      d.child = copied(r.child);
      d.sibling = copied(r.sibling);
    }
    Object.assign(copy, { root: copied(this.root), nextId: this.nextId, byId });
    return copy;
  }

  // ---- kernel/resource.c -------------------------------------------------------------

  /** __request_resource(): links `nu` under `root`, or returns the conflicting resource. */
  requestResourceConflict(root: Resource, nu: Resource): Resource | null {
    const { start, end } = nu;
    if (end < start || start < root.start || end > root.end) return root;
    let prev: Resource | null = null;
    let tmp = root.child;
    for (;;) {
      if (!tmp || tmp.start > end) {
        nu.sibling = tmp;
        if (prev) prev.sibling = nu;
        else root.child = nu;
        nu.parent = root;
        return null;
      }
      prev = tmp;
      const next: Resource | null = tmp.sibling;
      if (tmp.end < start) {
        tmp = next;
        continue;
      }
      return tmp;
    }
  }

  /** request_resource(): 0 or -EBUSY. */
  requestResource(root: Resource, nu: Resource): number {
    return this.requestResourceConflict(root, nu) ? -16 : 0;
  }

  /** __release_resource(): unlinks `old`; its children go with it (releaseChild) or move up. */
  private releaseResourceImpl(old: Resource, releaseChild: boolean): number {
    const parent = old.parent;
    if (!parent) return -22;
    let prev: Resource | null = null;
    for (let tmp = parent.child; tmp; prev = tmp, tmp = tmp.sibling) {
      if (tmp !== old) continue;
      let replacement: Resource | null;
      if (releaseChild || !tmp.child) {
        replacement = tmp.sibling;
      } else {
        let chd = tmp.child;
        for (;;) {
          chd.parent = tmp.parent;
          if (!chd.sibling) break;
          chd = chd.sibling;
        }
        replacement = tmp.child;
        chd.sibling = tmp.sibling;
      }
      if (prev) prev.sibling = replacement;
      else parent.child = replacement;
      old.parent = null;
      if (!releaseChild) old.child = null;
      return 0;
    }
    return -22;
  }

  /** release_resource(): unlinks `old` with its whole subtree. */
  releaseResource(old: Resource): number {
    return this.releaseResourceImpl(old, true);
  }

  /** remove_resource(): unlinks `old` and re-parents its children to old's parent. */
  removeResource(old: Resource): number {
    return this.releaseResourceImpl(old, false);
  }

  /** __insert_resource(): like request, but adopts fully overlapped resources as children. */
  insertResourceConflict(parent: Resource, nu: Resource): Resource | null {
    let first: Resource | null;
    for (;; parent = first) {
      first = this.requestResourceConflict(parent, nu);
      if (!first) return null;
      if (first === parent) return first;
      if (first === nu) return first; // WARN_ON: duplicated insertion
      if (first.start > nu.start || first.end < nu.end) break;
      if (first.start === nu.start && first.end === nu.end) break;
    }
    let next: Resource = first;
    for (;; next = next.sibling as Resource) {
      if (next.start < nu.start || next.end > nu.end) return next; // partial overlap
      if (!next.sibling) break;
      if (next.sibling.start > nu.end) break;
    }
    nu.parent = parent;
    nu.sibling = next.sibling;
    nu.child = first;
    next.sibling = null;
    for (let n: Resource | null = first; n; n = n.sibling) n.parent = nu;
    if (parent.child === first) {
      parent.child = nu;
    } else {
      let n = parent.child as Resource;
      while (n.sibling !== first) n = n.sibling as Resource;
      n.sibling = nu;
    }
    return null;
  }

  /** insert_resource(): 0 or -EBUSY. */
  insertResource(parent: Resource, nu: Resource): number {
    return this.insertResourceConflict(parent, nu) ? -16 : 0;
  }

  /**
   * __request_region(): a new BUSY resource for [start, start+n-1]. A conflict with a
   * resource that is not BUSY is descended into; a BUSY conflict fails (a MUXED one would
   * sleep until released: reported as `muxedWait`, since a sequential model cannot sleep).
   */
  requestRegion(parent: Resource, start: bigint, n: bigint, name: string, flags = 0):
    { res: Resource | null; conflict?: Resource; muxedWait?: boolean } {
    const res = this.alloc({ name, start, end: (start + n - 1n) & U64_MAX, flags: 0 });
    for (;;) {
      res.flags = (resourceType(parent.flags) | resourceExtType(parent.flags) | IORESOURCE_BUSY | flags) >>> 0;
      res.desc = parent.desc;
      const conflict = this.requestResourceConflict(parent, res);
      if (!conflict) return { res };
      if (conflict !== parent && !hasFlag(conflict.flags, IORESOURCE_BUSY)) {
        parent = conflict;
        continue;
      }
      this.byId.delete(res.id);
      const muxedWait = hasFlag(conflict.flags & flags, IORESOURCE_MUXED);
      return { res: null, conflict, muxedWait };
    }
  }

  /**
   * __release_region(): walks down through resources that cover the range but are not BUSY
   * and frees the first BUSY one; it must match exactly, else nothing is freed.
   */
  releaseRegion(parent: Resource, start: bigint, n: bigint): ReleaseRegionResult {
    const end = (start + n - 1n) & U64_MAX;
    let owner = parent;
    let prev: Resource | null = null;
    let res = parent.child;
    while (res) {
      if (res.start <= start && res.end >= end) {
        if (!hasFlag(res.flags, IORESOURCE_BUSY)) {
          owner = res;
          prev = null;
          res = res.child;
          continue;
        }
        if (res.start !== start || res.end !== end) break;
        if (prev) prev.sibling = res.sibling;
        else owner.child = res.sibling;
        res.parent = null;
        return { freed: res };
      }
      prev = res;
      res = res.sibling;
    }
    return { freed: null, warning: `Trying to free nonexistent resource <${hex(start)}-${hex(end)}>` };
  }

  /**
   * adjust_resource(): moves or resizes `res` in place; -EBUSY if it would leave its parent,
   * overlap a sibling, or no longer contain one of its children.
   */
  adjustResource(res: Resource, start: bigint, size: bigint): number {
    const end = start + size - 1n;
    const parent = res.parent;
    if (parent) {
      if (start < parent.start || end > parent.end) return -16;
      if (res.sibling && res.sibling.start <= end) return -16;
      let tmp = parent.child as Resource;
      if (tmp !== res) {
        while (tmp.sibling !== res) tmp = tmp.sibling as Resource;
        if (start <= tmp.end) return -16;
      }
    }
    for (let c = res.child; c; c = c.sibling) if (c.start < start || c.end > end) return -16;
    res.start = start;
    res.end = end;
    return 0;
  }

  /** Finds the deepest linked resource containing [start, end], or the root. */
  findContaining(start: bigint, end: bigint, from: Resource = this.root): Resource {
    for (let c = from.child; c; c = c.sibling) {
      if (c.start <= start && c.end >= end) return this.findContaining(start, end, c);
    }
    return from;
  }
}

export function hex(v: bigint, width = 8): string {
  return v.toString(16).padStart(width, '0');
}

/** A number as C and printk("%#llx") write it: 0x-prefixed, no padding. */
export function hex0x(v: bigint): string {
  return `0x${v.toString(16)}`;
}
