// `iomem-lens simulate` as users run it: the built CLI in a child process.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const kmem = path.join('examples', 'kmem_like.c');

/** One name defined under #ifdef and #else: the first releases what it requested, the second has seed 000's window. */
const TWICE = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'simulate', 'twice.c'), 'utf8');

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('simulate', () => {
  it('plays the racing interleaving of seed 000 step by step and exits 1', () => {
    const r = run('simulate', `${kmem}:example_probe`);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/with another driver racing/);
    const steps = [...r.stdout.matchAll(/^ ?\d+\. \[(this function|another driver)\] [^:]+:(\d+): (.*)$/gm)].map((m) => `${m[1]}: ${m[3]}`);
    expect(steps).toEqual([
      expect.stringMatching(/^this function: request_mem_region\(\) requests/),
      expect.stringMatching(/^this function: the flags write leaves the region MEM\|SYSRAM/),
      expect.stringMatching(/^another driver: meanwhile another driver calls __request_re/),
      expect.stringMatching(/^this function: add_memory_driver_managed\(\) fails/),
    ]);
    // The tree after the racer's step: its BUSY region nested inside ours.
    expect(r.stdout).toMatch(/^\s+\*\s+4080000000-40bfffffff : other driver {2}\[MEM\|BUSY\|SYSRAM\] \(another driver\)$/m);
    expect(r.stdout).toMatch(/^result: examples\/kmem_like\.c:\d+: warning: .* \[resource-busy-window\]$/m);
  });

  it('writes JSON with every step and the tree after it', () => {
    const r = run('simulate', `${kmem}:example_probe`, '--format', 'json');
    const sim = JSON.parse(r.stdout);
    expect(sim.racing).toBe(true);
    expect(sim.steps.map((s: { actor: string }) => s.actor)).toEqual(['owner', 'owner', 'racer', 'owner']);
    expect(sim.steps[2].regions.find((x: { owner?: string }) => x.owner === 'racer')).toMatchObject({ name: 'other driver', busy: true });
    expect(sim.finding.rule).toBe('resource-busy-window');
    // The 1 GiB the steps touched, with as much context after it, not the whole 62 GiB of pmem
    // in which it was a sliver (found in review).
    expect(sim.focus).toEqual({ start: '0x4080000000', end: '0x40ffffffff' });
    // Lines 1-based, as the text output and check say them (found in review: 0-based).
    const text = fs.readFileSync(path.join(ROOT, kmem), 'utf8').split('\n');
    expect(text[sim.steps[0].line - 1]).toContain('request_mem_region(');
    expect(text[sim.finding.line - 1]).toContain('res->flags = IORESOURCE_SYSTEM_RAM;');
    expect(run('simulate', `${kmem}:example_probe`).stdout).toContain(`kmem_like.c:${sim.steps[0].line}:`);
  });

  it('writes a standalone SVG', () => {
    const r = run('simulate', `${kmem}:example_probe`, '--format', 'svg');
    expect(r.stdout).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(r.stdout).toContain('<style>');
    expect(r.stdout).toMatch(/class="iol-step-racer"/);
  });

  it('says what is wrong with the request, without a stack', () => {
    const missing = run('simulate', `${kmem}:no_such_function`);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('iomem-lens: examples/kmem_like.c: no function no_such_function() in this file\n');
    const bad = run('simulate', kmem);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^iomem-lens: simulate examples\/kmem_like\.c: expected FILE:FUNCTION/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-sim-'));
    const bin = path.join(dir, 'blob.c');
    fs.writeFileSync(bin, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0]));
    const binary = run('simulate', `${bin}:f`);
    expect(binary.code).toBe(2);
    expect(binary.stderr).toMatch(/binary file/);
    expect(binary.stderr).not.toMatch(/^\s+at /m);
  });

  it('plays the definition LINE takes in, where #ifdef defines a name twice, and says which it played otherwise (found in review)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-sim-'));
    const f = path.join(dir, 'twice.c');
    fs.writeFileSync(f, TWICE);
    const first = run('simulate', `${f}:twice_probe`);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe(`iomem-lens: note: ${f}: twice_probe() is defined 2 times (lines 2, 11): playing the one at line 2 (${f}:twice_probe:LINE picks another)\n`);
    const second = run('simulate', `${f}:twice_probe:17`);
    expect(second.code).toBe(1);
    expect(second.stderr).toBe('');
    expect(second.stdout).toMatch(/\[resource-busy-window\]$/m);
    const outside = run('simulate', `${f}:twice_probe:10`);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toBe(`iomem-lens: ${f}: no definition of twice_probe() takes in line 10\n`);
    expect(run('simulate', `${f}:twice_probe:99`).stderr).toBe(`iomem-lens: ${f}: has no line 99\n`);
    expect(run('simulate', `${f}:twice_probe:0`).stderr).toMatch(/LINE counts from 1/);
  });

  it('says a function nested too deep for the analysis is one, not that it calls nothing modeled (found in review)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-sim-'));
    const f = path.join(dir, 'deep.c');
    fs.writeFileSync(f, `static int f(void)\n{\n\tif (!request_mem_region(0x1000, 0x1000, "x"))\n\t\treturn -EBUSY;\n${'\tif (a) {\n'.repeat(10_000)}\tg(0);\n${'\t}\n'.repeat(10_000)}\treturn 0;\n}\n`);
    const r = run('simulate', `${f}:f`);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`iomem-lens: ${f}: f(): its blocks or expressions nest deeper than the analysis follows; not analyzed\n`);
  });

  it('plays a function without a finding and exits 0', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-sim-'));
    const f = path.join(dir, 'ok.c');
    fs.writeFileSync(f, 'static int ok_probe(struct foo *foo)\n{\n\tif (!request_mem_region(0x4080000000ULL, SZ_1G, "ok"))\n\t\treturn -EBUSY;\n\trelease_mem_region(0x4080000000ULL, SZ_1G);\n\treturn 0;\n}\n');
    const r = run('simulate', `${f}:ok_probe`);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no finding: playing the path that does the most/);
    expect(r.stdout).toMatch(/release_mem_region\(\) walks down/);
    expect(r.stdout).toMatch(/^\s+-\s+4080000000-40bfffffff : ok {2}\(gone\)$/m);
  });
});
