// What resource-busy-window says, beyond where: the trace names the request, the flag write,
// the racing request and the failing add, in that order.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, analyzeSource } from '../helpers';

describe('resource-busy-window trace', () => {
  it('explains the interleaving of seed 000 on the kmem-like example', async () => {
    const text = fs.readFileSync(path.join(ROOT, 'examples', 'kmem_like.c'), 'utf8');
    const a = await analyzeSource(text);
    const mine = a.findings.filter((x) => x.rule === 'resource-busy-window');
    expect(mine).toHaveLength(1);
    const f = mine[0]!;
    expect(f.rule).toBe('resource-busy-window');
    expect(f.function).toBe('example_probe');
    expect(f.message).toMatch(/__request_region\(\) descends into resources that are not BUSY/);
    const lineOf = (needle: string): number => text.split('\n').findIndex((l) => l.includes(needle));
    expect(f.line).toBe(lineOf('res->flags = IORESOURCE_SYSTEM_RAM'));
    expect(f.trace.map((t) => [t.line, t.actor])).toEqual([
      [lineOf('res = request_mem_region'), 'owner'],
      [lineOf('res->flags = IORESOURCE_SYSTEM_RAM'), 'owner'],
      [lineOf('res->flags = IORESOURCE_SYSTEM_RAM'), 'racer'],
      [lineOf('rc = add_memory_driver_managed'), 'owner'],
    ]);
    expect(f.trace[1]!.message).toMatch(/BUSY is clear/);
    expect(f.trace[2]!.message).toMatch(/nests inside/);
    expect(f.trace[3]!.message).toMatch(/fails: __request_region\(\) found BUSY "other driver"/);
  });

  it('is silent when the rule is turned off', async () => {
    const text = fs.readFileSync(path.join(ROOT, 'examples', 'kmem_like.c'), 'utf8');
    const { options } = await import('../helpers');
    const a = await analyzeSource(text, options({ rules: { 'resource-busy-window': 'off' } }));
    expect(a.findings.map((x) => x.rule)).toEqual(['resource-flags-clobber']);
  });
});
