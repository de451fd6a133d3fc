// `iomem-lens review` on real history: the upstream fixes 6.12 has and 6.1 lacks, written as
// patches against 6.1 (test/fixtures/review/), are reported as fixing their rule and
// introducing nothing; a patch that reverts one of them on 6.12 is reported as introducing it.

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'review');
const trees = JSON.parse(process.env.IOMEM_LENS_CORPUS_TREES ?? '{}') as Record<string, string>;

interface Reviewed { subject: string; fixed: { rule: string; function: string }[]; introduced: { rule: string; function: string; hunk?: unknown }[]; applied: unknown; error?: string }

function review(tree: string, ...patches: string[]): { code: number | null; patches: Reviewed[]; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'review', '--format', 'json', ...patches.map((p) => path.join(FIXTURES, p))],
    { cwd: tree, encoding: 'utf8', maxBuffer: 1 << 26 });
  return { code: r.status, patches: (JSON.parse(r.stdout) as { patches: Reviewed[] }).patches, stderr: r.stderr };
}

const summary = (p: Reviewed): string[] => [...p.fixed.map((f) => `fixes ${f.rule} ${f.function}`), ...p.introduced.map((f) => `introduces ${f.rule} ${f.function}`)];

describe('review on Linux 6.1 and 6.12', () => {
  it('has both trees', () => {
    expect(Object.keys(trees).sort()).toEqual(['6.1', '6.12']);
  });

  it('upstream fixes applied to 6.1 fix their rule and introduce nothing', () => {
    const r = review(trees['6.1'] as string, 'pmem-dax-unwind.patch', 'virtio_fs-errptr.patch', 'platinumfb-release.patch');
    expect(r.code).toBe(0);
    expect(r.patches.map((p) => p.error)).toEqual([undefined, undefined, undefined]);
    expect(r.patches.map(summary)).toEqual([
      ['fixes dax-unwind-unassigned pmem_attach_disk'],
      ['fixes dax-errptr-stored virtio_fs_setup_dax'],
      ['fixes resource-leak platinumfb_probe'],
    ]);
  });

  it('a series in an mbox is applied in n/m order, each patch on top of the one before', () => {
    const r = review(trees['6.1'] as string, 'pmem-series.mbox');
    expect(r.code).toBe(0);
    expect(r.patches.map((p) => [p.subject, p.error, summary(p)])).toEqual([
      ['nvdimm/pmem: set pmem->dax_dev before dax_add_host() can fail', undefined, ['fixes dax-unwind-unassigned pmem_attach_disk']],
      ['nvdimm/pmem: say why dax_dev is assigned early', undefined, []],
    ]);
  });

  it('reverting the pmem fix on 6.12 introduces dax-unwind-unassigned, quoted with its hunk', () => {
    const r = review(trees['6.12'] as string, 'pmem-late-assign.diff');
    expect(r.code).toBe(1);
    expect(r.patches.map(summary)).toEqual([['introduces dax-unwind-unassigned pmem_attach_disk']]);
    expect(r.patches[0]?.introduced[0]?.hunk).toMatchObject({ header: expect.stringMatching(/^@@ -576,11 \+576,11 @@/) });
  });

  it('the 6.1 fix does not apply to 6.12, whose code already has it', () => {
    const r = review(trees['6.12'] as string, 'pmem-dax-unwind.patch');
    expect(r.code).toBe(2);
    expect(r.patches[0]?.error).toMatch(/^drivers\/nvdimm\/pmem\.c: hunk #1 \(@@ -587,11 \+587,11 @@\) does not apply/);
  });
});
