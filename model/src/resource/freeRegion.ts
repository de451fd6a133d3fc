// get_free_mem_region() (kernel/resource.c, CONFIG_GET_FREE_REGION) behind
// request_free_mem_region(), devm_request_free_mem_region() and alloc_free_mem_region().

import { IORESOURCE_MEM, IORES_DESC_DEVICE_PRIVATE_MEMORY, IORES_DESC_NONE } from './flags.js';
import { REGION_DISJOINT, regionIntersectsIn } from './query.js';
import { Resource, ResourceTree, U64_MAX } from './tree.js';
import type { KernelVersion } from '../profile.js';
import { versionAtLeast } from '../profile.js';

export const GFR_DESCENDING = 1;
export const GFR_REQUEST_REGION = 2;

export interface FreeRegionRequest {
  base: Resource;
  size: bigint;
  align: bigint;
  name: string;
  desc: number;
  flags: number;
  /** PHYSMEM_END of the architecture profile. */
  physmemEnd: bigint;
  version: KernelVersion;
}

export interface FreeRegionResult {
  res: Resource | null;
  /** -ERANGE when no window was free. */
  error?: number;
  /** Candidate addresses tried before the one taken, for explanations. */
  tried: number;
}

const ALIGN = (x: bigint, a: bigint): bigint => ((x + a - 1n) / a) * a;

/** The candidates the kernel loop visits, in order (gfr_start/gfr_continue/gfr_next). */
export function* gfrCandidates(r: Pick<FreeRegionRequest, 'base' | 'size' | 'align' | 'flags' | 'physmemEnd' | 'version'>): Generator<bigint> {
  const size = ALIGN(r.size, r.align);
  const { base, align } = r;
  const top = base.end < r.physmemEnd ? base.end : r.physmemEnd;
  const descending = (r.flags & GFR_DESCENDING) !== 0;
  let addr: bigint;
  if (descending) addr = top - size + 1n;
  // 6.12 starts at ALIGN(max(base->start, align), align): never at address 0. 6.1 at ALIGN(base->start, align).
  else addr = versionAtLeast(r.version, 6, 12) ? ALIGN(base.start > align ? base.start : align, align) : ALIGN(base.start, align);
  for (;;) {
    const cont = descending ? addr > align && addr >= base.start : addr > addr - align && addr <= top;
    if (!cont || addr < 0n || addr > U64_MAX) return;
    yield addr;
    addr = descending ? addr - align : addr + align;
  }
}

/**
 * Runs get_free_mem_region() on the tree: the first candidate where __region_intersects()
 * is REGION_DISJOINT is requested (GFR_REQUEST_REGION: a BUSY region under iomem_resource) or
 * inserted under `base`. Returns -ERANGE when the loop runs out.
 */
export function getFreeMemRegion(tree: ResourceTree, r: FreeRegionRequest, maxTries = 1 << 20): FreeRegionResult {
  const size = ALIGN(r.size, r.align);
  let tried = 0;
  for (const addr of gfrCandidates(r)) {
    if (++tried > maxTries) break;
    if (regionIntersectsIn(r.base, addr, size, 0, IORES_DESC_NONE) !== REGION_DISJOINT) continue;
    if (r.flags & GFR_REQUEST_REGION) {
      const got = tree.requestRegion(tree.root, addr, size, r.name, 0);
      if (!got.res) break;
      got.res.desc = r.desc;
      return { res: got.res, tried };
    }
    const res = tree.alloc({ name: r.name, start: addr, end: addr + size - 1n, flags: IORESOURCE_MEM, desc: r.desc });
    if (tree.insertResourceConflict(r.base, res) || res.child) break;
    return { res, tried };
  }
  return { res: null, error: -34, tried };
}

export const DEVICE_PRIVATE_DESC = IORES_DESC_DEVICE_PRIVATE_MEMORY;

/**
 * The address get_free_mem_region() would take inside `window` once every free candidate
 * before it (in its search order) is taken: the first candidate in the window whose range is
 * REGION_DISJOINT. Undefined when the search never reaches a free range there.
 */
export function candidateInWindow(r: FreeRegionRequest, window: { start: bigint; end: bigint }, maxTries = 4096): bigint | undefined {
  const size = ALIGN(r.size, r.align);
  const first = gfrCandidates(r).next();
  if (first.done) return undefined;
  const a0 = first.value;
  const descending = (r.flags & GFR_DESCENDING) !== 0;
  const top = r.base.end < r.physmemEnd ? r.base.end : r.physmemEnd;
  const lo = window.start > r.base.start ? window.start : r.base.start;
  const hi = (window.end < top ? window.end : top) - size + 1n;
  if (hi < lo) return undefined;
  // Candidates are a0 - k*align (descending) or a0 + k*align (ascending).
  let addr: bigint;
  if (descending) {
    if (a0 < lo) return undefined;
    const k = a0 > hi ? (a0 - hi + r.align - 1n) / r.align : 0n;
    addr = a0 - k * r.align;
  } else {
    if (a0 > hi) return undefined;
    const k = a0 < lo ? (lo - a0 + r.align - 1n) / r.align : 0n;
    addr = a0 + k * r.align;
  }
  for (let i = 0; i < maxTries && addr >= lo && addr <= hi; i++) {
    if (regionIntersectsIn(r.base, addr, size, 0, IORES_DESC_NONE) === REGION_DISJOINT) return addr;
    addr = descending ? addr - r.align : addr + r.align;
  }
  return undefined;
}
