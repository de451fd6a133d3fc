// Runs the built CLI on real kernel files (trees from scripts/corpus.mjs) and checks every
// expectation of expectations.json, the way a kernel developer would run it.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
const trees = JSON.parse(process.env.IOMEM_LENS_CORPUS_TREES ?? '{}') as Record<string, string>;

interface Expectation { tree: string; file: string; function: string; rule: string; expect: 'present' | 'absent'; why: string }
interface Finding { rule: string; file: string; function: string; line: number; message: string; trace: unknown[] }

const { expectations } = JSON.parse(fs.readFileSync(path.join(__dirname, 'expectations.json'), 'utf8')) as { expectations: Expectation[] };

function check(tree: string, files: string[], format = 'json'): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'check', '--format', format, ...files], { cwd: tree, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.each(Object.keys(trees))('Linux %s', (version) => {
  const tree = trees[version] as string;
  const mine = expectations.filter((e) => e.tree === version);
  const files = [...new Set(mine.map((e) => e.file))];
  const run = check(tree, files);
  const report = JSON.parse(run.stdout) as { findings: Finding[]; profile: { kernel: string } };

  it('detects the kernel version from the tree', () => {
    expect(report.profile.kernel).toBe(version);
  });

  for (const e of mine) {
    it(`${e.file} ${e.function}: ${e.rule} ${e.expect} (${e.why})`, () => {
      // An expectation about a function the file does not define could never fail.
      const source = fs.readFileSync(path.join(tree, e.file), 'utf8');
      expect(source, `${e.function} is not defined in ${e.file}`).toMatch(new RegExp(`^[\\w \\t*]*\\b${e.function}\\s*\\(`, 'm'));
      const hits = report.findings.filter((f) => f.file === e.file && f.function === e.function && f.rule === e.rule);
      if (e.expect === 'present') expect(hits.length, JSON.stringify(report.findings.map((f) => `${f.file}:${f.line} ${f.function} ${f.rule}`))).toBeGreaterThan(0);
      else expect(hits).toEqual([]);
    });
  }

  it('simulates dev_dax_kmem_probe: the racer nests inside the region after the flags write, then add_memory_driver_managed() fails', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'simulate', 'drivers/dax/kmem.c:dev_dax_kmem_probe', '--format', 'json'], { cwd: tree, encoding: 'utf8' });
    expect(r.status).toBe(1);
    const sim = JSON.parse(r.stdout) as { racing: boolean; finding: { rule: string }; steps: { actor: string; callee: string; message: string; regions: { name: string; owner?: string; busy: boolean; depth: number }[] }[] };
    expect(sim.racing).toBe(true);
    expect(sim.finding.rule).toBe('resource-busy-window');
    const story = sim.steps.filter((s) => s.actor === 'racer' || /request_mem_region|flags write|add_memory_driver_managed/.test(`${s.callee} ${s.message}`));
    expect(story.map((s) => s.actor === 'racer' ? 'racer' : s.callee)).toEqual(['request_mem_region', 'flags write', 'racer', 'add_memory_driver_managed']);
    const nested = story[2]!.regions.find((x) => x.owner === 'racer');
    const mine = story[2]!.regions.find((x) => x.owner === 'owner');
    expect(nested?.busy).toBe(true);
    expect(nested!.depth).toBe(mine!.depth + 1);
    expect(story[3]!.message).toMatch(/fails: __request_region\(\) found BUSY "other driver"/);
  });

  it('reports kmem.c in all three formats', () => {
    const kmem = 'drivers/dax/kmem.c';
    const text = check(tree, [kmem], 'text');
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^drivers\/dax\/kmem\.c:\d+:\d+: warning: .*\[resource-busy-window\]$/m);
    const sarif = JSON.parse(check(tree, [kmem], 'sarif').stdout);
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toContain('resource-busy-window');
    const json = JSON.parse(check(tree, [kmem], 'json').stdout);
    expect(json.findings.find((f: Finding) => f.function === 'dev_dax_kmem_probe')?.trace).toHaveLength(4);
  });
});

it('has trees to test', () => {
  expect(Object.keys(trees).sort()).toEqual(['6.1', '6.12']);
});
