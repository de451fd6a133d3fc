// Read-only questions about the resource tree: resource_overlaps/intersection/union
// (include/linux/ioport.h), region_intersects() and walk_iomem_res_desc() (kernel/resource.c).

import { IORES_DESC_NONE } from './flags.js';
import { Resource, ResourceTree } from './tree.js';

export const REGION_INTERSECTS = 0;
export const REGION_DISJOINT = 1;
export const REGION_MIXED = 2;
export type RegionAnswer = typeof REGION_INTERSECTS | typeof REGION_DISJOINT | typeof REGION_MIXED;

export const REGION_NAMES: Readonly<Record<RegionAnswer, string>> = {
  [REGION_INTERSECTS]: 'REGION_INTERSECTS', [REGION_DISJOINT]: 'REGION_DISJOINT', [REGION_MIXED]: 'REGION_MIXED',
};

export interface Range {
  start: bigint;
  end: bigint;
}

export function resourceOverlaps(r1: Range, r2: Range): boolean {
  return r1.start <= r2.end && r1.end >= r2.start;
}

export function resourceIntersection(r1: Range, r2: Range): Range | undefined {
  if (!resourceOverlaps(r1, r2)) return undefined;
  return { start: r1.start > r2.start ? r1.start : r2.start, end: r1.end < r2.end ? r1.end : r2.end };
}

export function resourceUnion(r1: Range, r2: Range): Range | undefined {
  if (!resourceOverlaps(r1, r2)) return undefined;
  return { start: r1.start < r2.start ? r1.start : r2.start, end: r1.end > r2.end ? r1.end : r2.end };
}

function isTypeMatch(p: Resource, flags: number, desc: number): boolean {
  return ((p.flags & flags) >>> 0) === flags >>> 0 && (desc === IORES_DESC_NONE || desc === p.desc);
}

/** next_resource(): pre-order successor within the subtree walk. */
function nextResource(p: Resource, skipChildren: boolean, stop?: Resource): Resource | null {
  if (!skipChildren && p.child) return p.child;
  let q: Resource = p;
  while (!q.sibling && q.parent && q.parent !== stop) q = q.parent;
  return q.parent === stop && !q.sibling ? null : q.sibling;
}

/** __region_intersects() of 6.12 (also in Debian's 6.1.y): descendants of a non-matching resource count. */
export function regionIntersectsIn(parent: Resource, start: bigint, size: bigint, flags: number, desc: number): RegionAnswer {
  let type = 0;
  let other = 0;
  const res: Range = { start, end: start + size - 1n };
  for (let p = parent.child; p; p = p.sibling) {
    const o = resourceIntersection(p, res);
    if (!o) continue;
    if (isTypeMatch(p, flags, desc)) {
      type++;
      continue;
    }
    let covered = false;
    // for_each_resource(p, dp, false) is not bounded by p in 6.12: the walk may leave p's subtree.
    for (let dp = p.child; dp; dp = nextResource(dp, false)) {
      if (!resourceOverlaps(dp, res)) continue;
      if (isTypeMatch(dp, flags, desc)) {
        type++;
        if (dp.start > o.start) break;
        if (dp.end >= o.end) {
          covered = true;
          break;
        }
        o.start = o.start > dp.end + 1n ? o.start : dp.end + 1n;
      }
    }
    if (!covered) other++;
  }
  if (type === 0) return REGION_DISJOINT;
  if (other === 0) return REGION_INTERSECTS;
  return REGION_MIXED;
}

/** region_intersects(): against iomem_resource. */
export function regionIntersects(tree: ResourceTree, start: bigint, size: bigint, flags: number, desc: number): RegionAnswer {
  return regionIntersectsIn(tree.root, start, size, flags, desc);
}

/**
 * walk_iomem_res_desc() / find_next_iomem_res(): the parts of matching resources within
 * [start, end], lowest first. Children are only looked at below a top-level match of the range.
 */
export function walkIomemResDesc(tree: ResourceTree, desc: number, flags: number, start: bigint, end: bigint): (Range & { res: Resource })[] {
  const out: (Range & { res: Resource })[] = [];
  let s = start;
  while (s < end) {
    let skipChildren = true;
    let found: Resource | null = null;
    for (let p = tree.root.child; p; p = nextResource(p, skipChildren, tree.root)) {
      if (p.start > end) break;
      if (p.end < s) continue;
      skipChildren = false;
      if (isTypeMatch(p, flags, desc)) {
        found = p;
        break;
      }
    }
    if (!found) break;
    const part = { start: s > found.start ? s : found.start, end: end < found.end ? end : found.end, res: found };
    out.push(part);
    s = part.end + 1n;
  }
  return out;
}
