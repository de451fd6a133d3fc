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
 *
 * The kernel tests every candidate; here the candidates that still overlap the child of `base`
 * that blocked the last one are counted, not tested (with no flags, __region_intersects() is
 * REGION_DISJOINT exactly when no child of `base` overlaps the range). A search of a large
 * window at section alignment visited hundreds of thousands of candidates per call, and the
 * busy-window rule replays it for every interleaving. Same result and `tried` as the loop.
 */
export function getFreeMemRegion(tree: ResourceTree, r: FreeRegionRequest, maxTries = 1 << 20): FreeRegionResult {
  const size = ALIGN(r.size, r.align);
  const { base, align } = r;
  const top = base.end < r.physmemEnd ? base.end : r.physmemEnd;
  const descending = (r.flags & GFR_DESCENDING) !== 0;
  // The candidates run from gfrCandidates()'s first address while they stay within [lo, hi].
  const lo = descending ? max(align + 1n, base.start, 0n) : 0n;
  const hi = descending ? U64_MAX : top < U64_MAX ? top : U64_MAX;
  const first = gfrCandidates(r).next();
  let addr = first.done ? hi + 1n : first.value;
  let tried = 0;
  while (addr >= lo && addr <= hi) {
    if (++tried > maxTries) break;
    const blocker = blockingChild(base, addr, addr + size - 1n, descending);
    if (!blocker) {
      const res = takeFreeRange(tree, r, addr, size);
      if (!res) break;
      return { res, tried };
    }
    // Steps to the first candidate clear of the blocker: above its end, or wholly below its start.
    const steps = descending ? ceilDiv(addr - (blocker.start - size), align) : (blocker.end - addr) / align + 1n;
    const room = (descending ? addr - lo : hi - addr) / align;
    const skipped = steps - 1n < room ? steps - 1n : room;
    if (BigInt(tried) + skipped > BigInt(maxTries)) {
      tried = maxTries + 1;
      break;
    }
    tried += Number(skipped);
    if (skipped < steps - 1n) break;
    addr = descending ? addr - steps * align : addr + steps * align;
  }
  return { res: null, error: -34, tried };
}

/**
 * get_free_mem_region() taking the free range at `addr`: requested (GFR_REQUEST_REGION) or
 * inserted under the base. Null when that fails (the kernel then gives up: -ERANGE).
 */
export function takeFreeRange(tree: ResourceTree, r: FreeRegionRequest, addr: bigint, size: bigint): Resource | null {
  if (r.flags & GFR_REQUEST_REGION) {
    const got = tree.requestRegion(tree.root, addr, size, r.name, 0);
    if (got.res) got.res.desc = r.desc;
    return got.res;
  }
  const res = tree.alloc({ name: r.name, start: addr, end: addr + size - 1n, flags: IORESOURCE_MEM, desc: r.desc });
  return tree.insertResourceConflict(r.base, res) || res.child ? null : res;
}

/** The child of `base` overlapping [start, end] that blocks the most candidates in search order. */
function blockingChild(base: Resource, start: bigint, end: bigint, descending: boolean): Resource | undefined {
  let best: Resource | undefined;
  for (let p = base.child; p; p = p.sibling) {
    if (p.start > end || p.end < start) continue;
    if (!best || (descending ? p.start < best.start : p.end > best.end)) best = p;
  }
  return best;
}

const max = (...xs: bigint[]): bigint => xs.reduce((a, b) => (a > b ? a : b));
const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;

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
