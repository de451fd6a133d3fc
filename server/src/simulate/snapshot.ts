// The resource tree at one moment of a simulation, as plain records front ends can draw.

import { Actor, IORESOURCE_BUSY, IORESOURCE_SYSRAM, ResourceTree, describeFlags, hasFlag } from '../../../model/src/index.js';

export interface SimRegion {
  /** Stable across the snapshots of one simulation (the model's resource id). */
  id: number;
  name: string;
  /** Hex strings (JSON has no 64-bit integers). */
  start: string;
  end: string;
  depth: number;
  flags: string;
  busy: boolean;
  sysram: boolean;
  /** Which actor of the simulation created it; absent for the machine's own resources. */
  owner?: Actor;
}

export function snapshot(tree: ResourceTree, createdBy: ReadonlyMap<number, Actor>): SimRegion[] {
  const out: SimRegion[] = [];
  for (const { res, depth } of tree.walk()) {
    const owner = createdBy.get(res.id);
    out.push({
      id: res.id, name: res.name, start: `0x${res.start.toString(16)}`, end: `0x${res.end.toString(16)}`, depth,
      flags: describeFlags(res.flags), busy: hasFlag(res.flags, IORESOURCE_BUSY), sysram: hasFlag(res.flags, IORESOURCE_SYSRAM),
      ...(owner ? { owner } : {}),
    });
  }
  return out;
}

/** Regions that differ between two snapshots: created, changed (flags, bounds, place) or gone. */
export function changedIds(before: readonly SimRegion[], after: readonly SimRegion[]): number[] {
  const key = (r: SimRegion): string => `${r.start}-${r.end}:${r.flags}:${r.depth}:${r.name}`;
  const was = new Map(before.map((r) => [r.id, key(r)]));
  const now = new Map(after.map((r) => [r.id, key(r)]));
  const out = new Set<number>();
  for (const [id, k] of now) if (was.get(id) !== k) out.add(id);
  for (const id of was.keys()) if (!now.has(id)) out.add(id);
  return [...out];
}

/**
 * The range worth showing: the top-level resources that contain what the simulation touched
 * (or the touched ranges themselves when they sit in free space).
 */
export function focusOf(all: readonly SimRegion[][], touched: ReadonlySet<number>): { start: string; end: string } | undefined {
  let lo: bigint | undefined;
  let hi: bigint | undefined;
  // The span of the touched regions themselves, for zooming into a large container.
  let tlo: bigint | undefined;
  let thi: bigint | undefined;
  for (const snap of all) {
    let top: SimRegion | undefined;
    for (const r of snap) {
      if (r.depth === 0) top = r;
      if (!touched.has(r.id)) continue;
      const s = BigInt(top && BigInt(top.end) >= BigInt(r.end) ? top.start : r.start);
      const e = BigInt(top && BigInt(top.end) >= BigInt(r.end) ? top.end : r.end);
      lo = lo === undefined || s < lo ? s : lo;
      hi = hi === undefined || e > hi ? e : hi;
      tlo = tlo === undefined || BigInt(r.start) < tlo ? BigInt(r.start) : tlo;
      thi = thi === undefined || BigInt(r.end) > thi ? BigInt(r.end) : thi;
    }
  }
  if (lo === undefined || hi === undefined || tlo === undefined || thi === undefined) return undefined;
  // Regions that are a sliver of their container (1 GiB of 62 GiB of pmem: about 15 px wide,
  // found in review) are shown with their own size of context on each side, in the container.
  const span = thi - tlo + 1n;
  if (span * ZOOM_BELOW < hi - lo + 1n) {
    const zlo = tlo - span > lo ? tlo - span : lo;
    const zhi = thi + span < hi ? thi + span : hi;
    return { start: `0x${zlo.toString(16)}`, end: `0x${zhi.toString(16)}` };
  }
  return { start: `0x${lo.toString(16)}`, end: `0x${hi.toString(16)}` };
}

/** A focus zooms in when what the steps touched spans less than this part of its container. */
const ZOOM_BELOW = 8n;
