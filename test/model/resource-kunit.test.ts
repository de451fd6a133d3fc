// kernel/resource_kunit.c (Linux 6.12) ported: the same vectors, the same tree, the same answers.

import { describe, expect, it } from 'vitest';
import {
  IORESOURCE_BUSY, IORESOURCE_MEM, IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE, REGION_DISJOINT, REGION_INTERSECTS,
  REGION_MIXED, Range, defaultLayout, getFreeMemRegion, regionIntersects, resourceIntersection, resourceUnion,
} from '../../model/src/index';

const R0 = { start: 0x0000n, end: 0xffffn };
const R1 = { start: 0x1234n, end: 0x2345n };
const R2 = { start: 0x4567n, end: 0x5678n };
const R3 = { start: 0x6789n, end: 0x789an };
const R4 = { start: 0x2000n, end: 0x7000n };

type Row = [Range, Range, Range | undefined];

const UNION: Row[] = [
  [R1, R0, { start: 0x0000n, end: 0xffffn }], [R2, R0, { start: 0x0000n, end: 0xffffn }],
  [R3, R0, { start: 0x0000n, end: 0xffffn }], [R4, R0, { start: 0x0000n, end: 0xffffn }],
  [R2, R1, undefined], [R3, R1, undefined], [R4, R1, { start: 0x1234n, end: 0x7000n }],
  [R2, R3, undefined], [R2, R4, { start: 0x2000n, end: 0x7000n }], [R3, R4, { start: 0x2000n, end: 0x789an }],
];

const INTERSECTION: Row[] = [
  [R1, R0, R1], [R2, R0, R2], [R3, R0, R3], [R4, R0, R4],
  [R2, R1, undefined], [R3, R1, undefined], [R4, R1, { start: 0x2000n, end: 0x2345n }],
  [R2, R3, undefined], [R2, R4, R2], [R3, R4, { start: 0x6789n, end: 0x7000n }],
];

describe('resource_kunit: resource_union / resource_intersection', () => {
  it.each(UNION.map((r, i) => [i, ...r] as const))('union #%i, both orders', (_i, a, b, want) => {
    expect(resourceUnion(a, b)).toEqual(want);
    expect(resourceUnion(b, a)).toEqual(want);
  });
  it.each(INTERSECTION.map((r, i) => [i, ...r] as const))('intersection #%i, both orders', (_i, a, b, want) => {
    expect(resourceIntersection(a, b)).toEqual(want);
    expect(resourceIntersection(b, a)).toEqual(want);
  });
});

describe('resource_kunit: region_intersects', () => {
  const SZ_1M = 1n << 20n;
  const SZ_128K = 128n << 10n;
  const PAGE_SIZE = 4096n;
  const RAM0 = 0n; const HOLE0 = RAM0 + SZ_1M; const WIN0 = HOLE0 + SZ_1M; const RAM1 = WIN0 + SZ_1M;
  const WIN1 = RAM1 + SZ_1M; const RAM2 = WIN1; const CODE = RAM2 + SZ_128K; const RAM3 = RAM2 + SZ_1M;
  const TOTAL = WIN1 + 3n * SZ_1M;
  const flags = IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY;

  // The test builds its tree in a hole of iomem_resource found with alloc_free_mem_region().
  const { tree } = defaultLayout();
  const parent = getFreeMemRegion(tree, {
    base: tree.root, size: TOTAL, align: SZ_1M, name: 'test resources', desc: IORES_DESC_NONE, flags: 0,
    physmemEnd: (1n << 46n) - 1n, version: { major: 6, minor: 12 },
  }).res!;
  const start = parent.start;
  const request = (off: bigint, size: bigint, name: string): void => {
    expect(tree.requestRegion(parent, start + off, size, name, flags).res).not.toBeNull();
  };
  const insert = (off: bigint, size: bigint, name: string, f: number): void => {
    expect(tree.insertResource(parent, tree.alloc({ name, start: start + off, end: start + off + size - 1n, flags: f }))).toBe(0);
  };
  request(RAM0, SZ_1M, 'Test System RAM 0');
  insert(WIN0, SZ_1M, 'Test CXL Window 0', IORESOURCE_MEM);
  request(RAM1, SZ_1M, 'Test System RAM 1');
  insert(WIN1, 3n * SZ_1M, 'Test CXL Window 1', IORESOURCE_MEM);
  request(RAM2, SZ_1M, 'Test System RAM 2');
  insert(CODE, SZ_128K, 'Test Code', flags);
  request(RAM3, SZ_1M, 'Test System RAM 3');
  // kunit_release_action(test, remove_free_resource, parent): the children move up.
  expect(tree.removeResource(parent)).toBe(0);

  const q = (off: bigint, size: bigint): number => regionIntersects(tree, start + off, size, IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE);

  it('finds the test window above the start of iomem', () => {
    expect(start % SZ_1M).toBe(0n);
    expect(start).toBeGreaterThan(0n);
  });
  it.each([
    ['RAM0 first page', RAM0, PAGE_SIZE, REGION_INTERSECTS],
    ['RAM0 end into the hole', RAM0 + SZ_1M - PAGE_SIZE, 2n * PAGE_SIZE, REGION_INTERSECTS],
    ['hole', HOLE0, PAGE_SIZE, REGION_DISJOINT],
    ['hole end into WIN0', HOLE0 + SZ_1M - PAGE_SIZE, 2n * PAGE_SIZE, REGION_DISJOINT],
    ['WIN0 end into RAM1', WIN0 + SZ_1M - PAGE_SIZE, 2n * PAGE_SIZE, REGION_MIXED],
    ['RAM1 end into WIN1', RAM1 + SZ_1M - PAGE_SIZE, 2n * PAGE_SIZE, REGION_INTERSECTS],
    ['RAM2 end into RAM3', RAM2 + SZ_1M - PAGE_SIZE, 2n * PAGE_SIZE, REGION_INTERSECTS],
    ['Code inside RAM2', CODE, PAGE_SIZE, REGION_INTERSECTS],
    ['RAM2 and a page of RAM3', RAM2, SZ_1M + PAGE_SIZE, REGION_INTERSECTS],
    ['RAM3 and a page past WIN1', RAM3, SZ_1M + PAGE_SIZE, REGION_MIXED],
  ] as const)('%s', (_name, off, size, want) => {
    expect(q(off, size)).toBe(want);
  });
});
