// Whole-tree precision: `iomem-lens check` on all of Linux 6.1 and 6.12, every finding compared
// with the triage in triage.json. Fails on a finding nobody triaged, on one triaged as a false
// alarm, and on a triaged bug or risky finding that disappeared (a regression in recall).

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
const trees = JSON.parse(process.env.IOMEM_LENS_CORPUS_TREES ?? '{}') as Record<string, string>;

interface Triaged { tree: string; file: string; function: string; rule: string; line: number; verdict: 'bug' | 'risky' | 'false-alarm'; reason: string }
interface Finding { rule: string; file: string; function: string; line: number; message: string }

const { findings: triage } = JSON.parse(fs.readFileSync(path.join(__dirname, 'triage.json'), 'utf8')) as { findings: Triaged[] };
const key = (f: { file: string; function: string; rule: string }): string => `${f.file} ${f.function}() [${f.rule}]`;

describe.each(Object.keys(trees))('whole tree of Linux %s', (version) => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'check', '-q', '--no-baseline', '-j', '2', '--format', 'json', '.'],
    { cwd: trees[version], encoding: 'utf8', maxBuffer: 1 << 28 });
  const found = (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
  const mine = triage.filter((t) => t.tree === version);

  it('finishes with findings and no error', () => {
    expect(r.status, r.stderr).toBe(1);
  });

  it('reports only triaged findings, none of them a false alarm', () => {
    // Matched as multisets per file, function and rule: lines move between releases.
    const left = new Map<string, number>();
    for (const t of mine) if (t.verdict !== 'false-alarm') left.set(key(t), (left.get(key(t)) ?? 0) + 1);
    const untriaged: string[] = [];
    for (const f of found) {
      const n = left.get(key(f)) ?? 0;
      if (n > 0) left.set(key(f), n - 1);
      else untriaged.push(`${key(f)} line ${f.line}: ${f.message.slice(0, 120)}`);
    }
    expect(untriaged).toEqual([]);
    expect(mine.filter((t) => t.verdict === 'false-alarm').map(key)).toEqual([]);
  });

  it('reports exactly the same when whole files are parsed (--no-focus)', () => {
    const whole = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'check', '-q', '--no-baseline', '--no-cache', '--no-focus', '-j', '2', '--format', 'json', '.'],
      { cwd: trees[version], encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(whole.status, whole.stderr).toBe(1);
    const report = (text: string): { stats: { ms?: number; parsed?: number; reused?: number } } => {
      const j = JSON.parse(text) as { stats: { ms?: number; parsed?: number; reused?: number } };
      // The first run may take results from an index an earlier run saved; the other saves none.
      delete j.stats.ms;
      delete j.stats.reused;
      return j;
    };
    const focused = report(r.stdout);
    const all = report(whole.stdout);
    // Focusing leaves unparsed the files in which nothing is walked or reported in.
    expect(focused.stats.parsed).toBeLessThan(all.stats.parsed as number);
    delete focused.stats.parsed;
    delete all.stats.parsed;
    // Findings with offsets, traces and fixes, the notes, the other counts.
    expect(focused).toEqual(all);
  }, 900_000);

  it('still reports every finding triaged as a bug or risky', () => {
    const have = new Map<string, number>();
    for (const f of found) have.set(key(f), (have.get(key(f)) ?? 0) + 1);
    const lost: string[] = [];
    for (const t of mine) {
      const n = have.get(key(t)) ?? 0;
      if (n > 0) have.set(key(t), n - 1);
      else lost.push(`${key(t)} (${t.verdict}: ${t.reason})`);
    }
    expect(lost).toEqual([]);
  });
});

it('has a one-line reason from reading the code for every verdict', () => {
  for (const t of triage) {
    expect(['bug', 'risky', 'false-alarm']).toContain(t.verdict);
    expect(t.reason.length, key(t)).toBeGreaterThan(20);
    expect(t.reason).not.toMatch(/\n/);
  }
});
