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
