// The SVG renderer: structure, not pixels.

import { describe, expect, it } from 'vitest';
import type { SimRegion } from '../../server/src/simulate/snapshot';
import { escapeXml, renderMapSvg, renderSimulationSvg } from '../../server/src/simulate/svg';
import type { Simulation } from '../../server/src/simulate/simulate';

const region = (id: number, name: string, start: bigint, end: bigint, depth: number, extra: Partial<SimRegion> = {}): SimRegion => ({
  id, name, start: `0x${start.toString(16)}`, end: `0x${end.toString(16)}`, depth, flags: 'MEM', busy: false, sysram: false, ...extra,
});

const GiB = 1n << 30n;
const pmem = region(1, 'Persistent Memory', 0x4080000000n, 0x4fffffffffn, 0);
const mine = region(2, 'dax0.0 <&>', 0x4080000000n, 0x4080000000n + GiB - 1n, 1, { owner: 'owner', sysram: true });
const theirs = region(3, 'other driver', 0x4080000000n, 0x4080000000n + GiB - 1n, 2, { owner: 'racer', busy: true });
const far = region(4, 'PCI Bus 0000:00', 0x3800000000n, 0x3fffffffffn, 0);
const focus = { start: pmem.start, end: pmem.end };

const rects = (svg: string): { cls: string; x: number; y: number; w: number }[] =>
  [...svg.matchAll(/<g data-region="\d+"><rect class="([^"]+)" x="([\d.]+)" y="(\d+)" width="([\d.]+)"/g)].map((m) => ({ cls: m[1] as string, x: Number(m[2]), y: Number(m[3]), w: Number(m[4]) }));

describe('address map SVG', () => {
  it('draws one band per region in the focus range, a row per nesting depth', () => {
    const svg = renderMapSvg([far, pmem, mine, theirs], focus, { width: 720 });
    const r = rects(svg);
    expect(r).toHaveLength(3); // the PCI window is outside the focus
    expect(r.map((x) => x.y)).toEqual([8, 34, 60]);
    // The focus range fills the width; a 1 GiB child of a 62 GiB container is a small band at its start.
    expect(r[0]).toMatchObject({ x: 8, w: 704 });
    expect(r[1]!.x).toBe(8);
    expect(r[1]!.w).toBeGreaterThan(2);
    expect(r[1]!.w).toBeLessThan(20);
  });

  it('marks BUSY, System RAM, who created a region and what changed, as classes', () => {
    const r = rects(renderMapSvg([pmem, mine, theirs], focus, { changed: [3] }));
    expect(r.map((x) => x.cls)).toEqual(['iol-region', 'iol-region iol-sysram iol-owner', 'iol-region iol-busy iol-racer iol-changed']);
  });

  it('escapes names and keeps the stylesheet out unless asked (a webview brings its own under CSP)', () => {
    const svg = renderMapSvg([pmem, mine], focus);
    expect(svg).toContain('dax0.0 &lt;&amp;&gt;');
    expect(svg).not.toContain('<style>');
    expect(renderMapSvg([pmem], focus, { embedStyle: true })).toContain('<style>');
    expect(escapeXml(`"a'`)).toBe('&quot;a&#39;');
  });

  it('labels the axis with the focus bounds and survives an empty map', () => {
    const svg = renderMapSvg([pmem], focus);
    expect(svg).toContain('>0x4080000000</text>');
    expect(svg).toContain('>0x4fffffffff</text>');
    expect(renderMapSvg([], undefined)).toMatch(/^<svg .*<\/svg>$/);
  });

  it('draws a lane per actor with the steps in order', () => {
    const sim: Simulation = {
      file: 'x.c', function: 'probe', kernel: '6.12', arch: 'x86_64', layout: 'default', paths: 3, racing: true, initial: [pmem],
      steps: [
        { actor: 'owner', line: 4, callee: 'request_mem_region', message: 'requests', regions: [pmem, mine], changed: [2] },
        { actor: 'racer', line: 4, callee: 'another driver', message: 'nests', regions: [pmem, mine, theirs], changed: [3] },
      ],
      finding: { rule: 'resource-busy-window', severity: 'warning', line: 4, message: 'm' },
      focus,
    };
    const svg = renderSimulationSvg(sim);
    expect([...svg.matchAll(/<g data-step="(\d)"><rect class="(iol-step-\w+)"/g)].map((m) => `${m[1]}:${m[2]}`)).toEqual(['1:iol-step-owner', '2:iol-step-racer']);
    expect(svg).toContain('>another driver</text>');
    expect(svg).toContain('resource-busy-window: line 5');
    // A long function name keeps clear of step 1 (found in review: "dev_dax_kmem_pro1be").
    const long = renderSimulationSvg({ ...sim, function: 'devm_request_free_mem_region_for_pmem' });
    const firstStep = Number(/<g data-step="1"><rect class="iol-step-owner" x="([\d.]+)"/.exec(long)?.[1]);
    expect(firstStep).toBeGreaterThan(8 + 4 + 7 * 'devm_request_free_mem_region_for_pmem'.length);
  });
});
