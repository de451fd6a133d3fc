// Noise control in `iomem-lens check`: suppression comments and the baseline file, run as
// users run them (the built CLI in a temporary directory).

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const kmem = fs.readFileSync(path.join(ROOT, 'examples', 'kmem_like.c'), 'utf8');
const BOTH = ['resource-busy-window', 'resource-flags-clobber'];

function run(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary directory holding a copy of the kmem example as kmem.c. */
function workdir(text = kmem): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-silence-'));
  fs.writeFileSync(path.join(dir, 'kmem.c'), text);
  return dir;
}

const rules = (stdout: string): string[] => (JSON.parse(stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule);
const noStack = (s: string): void => expect(s).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

describe('check --write-baseline', () => {
  it('records the findings, hides them on the next run, and shows them again when the code around them changes', () => {
    const dir = workdir();
    const w = run(dir, 'check', '--write-baseline', 'kmem.c');
    expect(w.code).toBe(0);
    expect(w.stdout).toBe('');
    expect(w.stderr).toMatch(/wrote 2 findings to \.iomem-lens-baseline\.json/);
    const file = JSON.parse(fs.readFileSync(path.join(dir, '.iomem-lens-baseline.json'), 'utf8'));
    expect(file.version).toBe(1);
    expect(file.findings.map((e: { file: string; function: string; rule: string }) => [e.file, e.function, e.rule])).toEqual(BOTH.map((r) => ['kmem.c', 'example_probe', r]));

    const again = run(dir, 'check', '--format', 'json', 'kmem.c');
    expect(again.code).toBe(0);
    expect(rules(again.stdout)).toEqual([]);
    expect(JSON.parse(again.stdout).stats).toMatchObject({ baselined: 2, suppressed: 0 });
    expect(again.stderr).toMatch(/the baseline hid 2 findings/);
    expect(run(dir, 'check', '-q', 'kmem.c')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(rules(run(dir, 'check', '--format', 'json', '--no-baseline', 'kmem.c').stdout)).toEqual(BOTH);

    // Far from the finding: lines shift (a header above) and a function is appended. Still hidden.
    const far = `/* a new header comment */\n#include <linux/io.h>\n\n${kmem}\nstatic int example_remove(void)\n{\n\treturn 0;\n}\n`;
    fs.writeFileSync(path.join(dir, 'kmem.c'), far);
    const farRun = run(dir, 'check', '--format', 'json', 'kmem.c');
    expect(farRun.code).toBe(0);
    expect(JSON.parse(farRun.stdout).stats.baselined).toBe(2);

    // Near the finding: the comment right above the flags write changes. Both come back.
    const near = far.replace('\t/* Leave BUSY clear so that', '\t/* BUSY stays clear so that');
    expect(near).not.toBe(far);
    fs.writeFileSync(path.join(dir, 'kmem.c'), near);
    const nearRun = run(dir, 'check', '--format', 'json', 'kmem.c');
    expect(nearRun.code).toBe(1);
    expect(rules(nearRun.stdout)).toEqual(BOTH);
    expect(JSON.parse(nearRun.stdout).stats.baselined).toBe(0);
  });

  it('writes and reads a named baseline, and refuses a missing or malformed one by name without a stack', () => {
    const dir = workdir();
    const noDir = run(dir, 'check', '--write-baseline', 'ci/accepted.json', 'kmem.c');
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toMatch(/^iomem-lens: fatal: ci\/accepted\.json: cannot write the baseline \(ENOENT\)$/m);
    fs.mkdirSync(path.join(dir, 'ci'));
    expect(run(dir, 'check', '--write-baseline', 'ci/accepted.json', 'kmem.c').code).toBe(0);
    expect(fs.existsSync(path.join(dir, '.iomem-lens-baseline.json'))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'ci', 'accepted.json'), 'utf8')).findings[0].file).toBe('../kmem.c');
    expect(run(dir, 'check', 'kmem.c').code).toBe(1);
    expect(run(dir, 'check', '--baseline', 'ci/accepted.json', 'kmem.c').code).toBe(0);
    // --baseline names where --write-baseline writes when it is given no file.
    expect(run(dir, 'check', '--baseline=ci/other.json', '--write-baseline', 'kmem.c').code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'ci', 'other.json'), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'ci', 'accepted.json'), 'utf8'));

    const missing = run(dir, 'check', '--baseline', 'nope.json', 'kmem.c');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^iomem-lens: fatal: nope\.json: cannot read the baseline \(ENOENT\)$/m);
    fs.writeFileSync(path.join(dir, '.iomem-lens-baseline.json'), '{ "version": 1, "findings": [ { "file": 3 } ] }');
    const bad = run(dir, 'check', 'kmem.c');
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^iomem-lens: fatal: \.iomem-lens-baseline\.json: malformed baseline: findings\[0\]\.file must be a string$/m);
    noStack(bad.stderr);
    expect(run(dir, 'check', '--no-baseline', 'kmem.c').code).toBe(1);
    const both = run(dir, 'check', '--baseline', 'ci/accepted.json', '--no-baseline', 'kmem.c');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--baseline and --no-baseline contradict/);
  });
});

describe('suppression comments in check', () => {
  it('hide the finding and report a missing reason, an unknown rule and an unused suppression as notes', () => {
    const text = kmem
      .replace('\t/* Leave BUSY clear', '\t/* iomem-lens-disable-next-line resource-busy-window: kmem owns the whole range */\n\t/* Leave BUSY clear')
      .replace('\tdata->res = res;\n', '\tdata->res = res; // iomem-lens-disable-line resource-leak, no-such-rule\n');
    const dir = workdir(text);
    const r = run(dir, 'check', '--no-baseline', '--format', 'json', 'kmem.c');
    expect(r.code).toBe(1);
    expect(rules(r.stdout)).toEqual(['resource-flags-clobber']);
    expect(JSON.parse(r.stdout).stats.suppressed).toBe(1);
    const notes = r.stderr.trim().split('\n');
    expect(notes).toEqual([
      expect.stringMatching(/^iomem-lens: note: kmem\.c:27:19: iomem-lens-disable-line resource-leak, no-such-rule gives no reason/),
      'iomem-lens: note: kmem.c:27:19: unused suppression: no resource-leak finding on line 27',
      'iomem-lens: note: kmem.c:27:19: iomem-lens-disable-line: unknown rule "no-such-rule" (see `iomem-lens rules`)',
    ]);
    expect(run(dir, 'check', '-q', 'kmem.c').stderr).toBe('');
    // Both rules on the line: nothing left, exit 0; and a suppressed finding is not baselined.
    fs.writeFileSync(path.join(dir, 'kmem.c'), text.replace('resource-busy-window: kmem', 'resource-busy-window, resource-flags-clobber: kmem'));
    expect(run(dir, 'check', '-q', 'kmem.c').code).toBe(0);
    expect(run(dir, 'check', '-q', '--write-baseline', 'kmem.c').code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, '.iomem-lens-baseline.json'), 'utf8')).findings).toEqual([]);
  });
});
