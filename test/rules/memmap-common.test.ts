// What the memmap rules share: the concrete cases they cite in their messages (built from the
// machine layout once per layout and arch, and what the model says of them), and whether a
// function calls a zone discriminator anywhere (asked once per function and set of names).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultLayout, devicePool, layoutFromDump } from '../../model/src/index';
import { ZONE_DISCRIMINATORS, functionCalls, zoneDeviceExample } from '../../server/src/rules/memmap/common';
import { ROOT, analyzeSource, cfgOf, fixtureFile, fixtureOptions, options } from '../helpers';

describe('zoneDeviceExample', () => {
  it('is a PFN of the device pool that PageReserved() calls reserved and an fs-dax pagemap holds', () => {
    const layout = defaultLayout();
    const { profile } = options();
    const ex = zoneDeviceExample(layout, profile);
    expect(ex.pfn).toBe(devicePool(layout).start >> 12n);
    expect(ex.reserved).toBe(true);
    expect(ex.pagemap).toBe('fs-dax');
    expect(zoneDeviceExample(layout, profile)).toBe(ex); // built once per layout
    const other = layoutFromDump('00000000-0009ffff : System RAM\n100000000-13fffffff : System RAM\n', 'small');
    expect(zoneDeviceExample(other, profile).pfn).toBe(devicePool(other).start >> 12n);
  });

  it('is what memmap-reserved-zone-device cites', async () => {
    const text = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'rules', 'memmap-reserved-zone-device', 'pos_refcount_skip.c'), 'utf8');
    const opts = fixtureOptions(text);
    const a = await analyzeSource(text, opts, fixtureFile(text));
    const f = a.findings.find((x) => x.rule === 'memmap-reserved-zone-device');
    const ex = zoneDeviceExample(opts.layout, opts.profile);
    expect(f?.message).toContain(`PFN 0x${ex.pfn.toString(16)} of device memory mapped by memremap_pages() for fs-dax: PageReserved() is true, get_dev_pagemap() finds a fs-dax pagemap`);
  });
});

describe('functionCalls', () => {
  it('answers per CFG and per set of names, on paths of any branch', async () => {
    const src = `int f(unsigned long pfn, int x)
{
\tstruct page *page = pfn_to_page(pfn);

\tif (x && is_zone_device_page(page))
\t\treturn 0;
\treturn PageReserved(page);
}`;
    const cfg = await cfgOf(src);
    expect(functionCalls(cfg, ZONE_DISCRIMINATORS)).toBe(true);
    expect(functionCalls(cfg, ZONE_DISCRIMINATORS)).toBe(true);
    expect(functionCalls(cfg, new Set(['page_zone']))).toBe(false);
    expect(functionCalls(cfg, new Set(['pfn_to_page']))).toBe(true);
  });
});
