// The first pass of `check` on whole Linux trees: every file it settles (the check pass does
// not read it again) is one checkFile() finds nothing in with the run's publication index, as
// the check pass of every file used to establish, or one it checked as it scanned it, with the
// result checkFile() gives with the run's index.

import { describe, expect, it } from 'vitest';
import { PublishIndex, Publication } from '../../server/src/analysis/publish';
import { checkFile } from '../../server/src/cli/checkFile';
import { listFiles } from '../../server/src/cli/files';
import { firstPass } from '../../server/src/cli/firstPass';
import { resolveSettings } from '../../server/src/settings';
import { CParser } from '../../server/src/syntax/parser';

const trees = JSON.parse(process.env.IOMEM_LENS_CORPUS_TREES ?? '{}') as Record<string, string>;

describe.each(Object.keys(trees))('Linux %s', (version) => {
  it('settles only files the check pass finds nothing in, and leaves it few to read', async () => {
    const root = trees[version] as string;
    const files = listFiles([root]).files;
    const fp = await firstPass(files, [], { settings: {}, root, check: true }, 0, (pubs: ReadonlyMap<string, Publication[]>) => {
      const index = new PublishIndex();
      index.add(files.flatMap((f) => pubs.get(f) ?? []));
      return index.paired();
    });
    expect(fp.candidates.size + fp.settled.size).toBe(files.length);
    // The tree's shared published globals (kernel/, mm/ and net/ publish them) are what files
    // outside the core are scanned for.
    expect(fp.index.sharedNames()).toContain('cfg80211_regdomain');
    expect(fp.candidates.size).toBeLessThan(files.length / 20);

    const parser = await CParser.load();
    const { options } = resolveSettings({}, root);
    options.publications = new PublishIndex();
    options.publications.add(fp.index.toJSON());
    let differ = 0;
    let checked = 0;
    for (const [f, r] of fp.settled) {
      const c = checkFile(f, parser, options);
      if (r.parsed) checked++;
      if (c.parsed !== r.parsed || c.findings.length !== r.findings.length || c.skipped !== r.skipped) {
        differ++;
        expect({ file: f, parsed: c.parsed, findings: c.findings.length, skipped: c.skipped }).toEqual({ file: f, parsed: r.parsed, findings: r.findings.length, skipped: r.skipped });
      }
      if (r.parsed) expect(c, f).toEqual(r);
    }
    expect(differ).toBe(0);
    // Most of the files the model reaches are checked as they are scanned (666 of the 715 files that pass the prefilter in 6.12).
    expect(checked).toBeGreaterThan(500);
  }, 600_000);
});
