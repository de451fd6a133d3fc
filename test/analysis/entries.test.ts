// A caller of a relevant function whose walk cannot come to hold a model value is no entry
// (valueSources.ts): walking it could find nothing. Every fixture, and Linux itself in the
// corpus tests, must report the same with every such caller walked.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeTree } from '../../server/src/analysis/analyze';
import { withEveryCaller } from '../../server/src/analysis/facts';
import { CParser } from '../../server/src/syntax/parser';
import { fixtures, options } from '../helpers';

describe('entries', () => {
  it('leave out only callers whose walks find nothing: every fixture reports the same with them walked', async () => {
    const parser = await CParser.load();
    const dirs = fs.readdirSync(path.join(__dirname, '..', 'fixtures', 'rules')).map((d) => path.join('rules', d));
    const all = dirs.flatMap((d) => fixtures(d));
    expect(all.length).toBeGreaterThan(50);
    let left = 0;
    for (const { name, text } of all) {
      const tree = parser.parse(text);
      if (!tree) throw new Error('parse timed out');
      try {
        const run = (): { findings: string; analyzed: number } => {
          const a = analyzeTree(tree, text, options());
          return { findings: JSON.stringify([a.findings, a.errors, a.partial]), analyzed: a.analyzed };
        };
        const some = run();
        const every = withEveryCaller(run);
        expect(some.findings, name).toBe(every.findings);
        left += every.analyzed - some.analyzed;
      } finally {
        tree.delete();
      }
    }
    // The comparison is not empty: fixtures have such callers.
    expect(left).toBeGreaterThan(0);
  });
});
