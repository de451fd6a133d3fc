// An exception in one rule or one function is contained: the other rules and the other
// functions still report, and the error names the function (and the rule).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeTree } from '../../server/src/analysis/analyze';
import { RULES_BY_ID } from '../../server/src/rules/index';
import type { Rule } from '../../server/src/rules/rule';
import { CParser } from '../../server/src/syntax/parser';
import { ROOT, options } from '../helpers';

const kmem = fs.readFileSync(path.join(ROOT, 'examples', 'kmem_like.c'), 'utf8');
// A second function with a finding of another rule (resource-leak).
const text = `${kmem}
static int second(u64 start)
{
\tvoid *p;

\tif (!request_mem_region(start, 4096, "x"))
\t\treturn -EBUSY;
\tp = ioremap(start, 4096);
\tif (!p)
\t\treturn -ENOMEM;
\treturn 0;
}
`;

async function analyze(hooks: Parameters<typeof analyzeTree>[4] = {}) {
  const parser = await CParser.load();
  const tree = parser.parse(text);
  if (!tree) throw new Error('parse timed out');
  try {
    return analyzeTree(tree, text, options(), undefined, hooks);
  } finally {
    tree.delete();
  }
}

const clobber = RULES_BY_ID.get('resource-flags-clobber') as Rule;
const original = clobber.checkPath;
afterEach(() => {
  clobber.checkPath = original;
});

describe('containment', () => {
  it('reports all three findings when nothing throws', async () => {
    const a = await analyze();
    expect(a.findings.map((f) => `${f.function} ${f.rule}`)).toEqual([
      'example_probe resource-busy-window', 'example_probe resource-flags-clobber', 'second resource-leak',
    ]);
    expect(a.errors).toEqual([]);
  });

  it('loses only the findings of a rule that throws, in the function where it threw', async () => {
    clobber.checkPath = () => {
      throw new Error('boom');
    };
    const seen: string[] = [];
    const a = await analyze({ onError: (fn, err, rule) => seen.push(`${fn} ${rule} ${(err as Error).message}`) });
    expect(a.findings.map((f) => `${f.function} ${f.rule}`)).toEqual(['example_probe resource-busy-window', 'second resource-leak']);
    expect(a.errors).toEqual([
      { function: 'example_probe', reason: 'rule resource-flags-clobber failed: boom' },
      { function: 'second', reason: 'rule resource-flags-clobber failed: boom' },
    ]);
    expect(seen).toEqual(['example_probe resource-flags-clobber boom', 'second resource-flags-clobber boom']);
  });

  it('loses one function when its walk throws, and the other functions still report', async () => {
    const a = await analyze({
      onPaths: (fn) => {
        if (fn === 'example_probe') throw new Error('engine bug');
      },
      onError: () => undefined,
    });
    expect(a.findings.map((f) => `${f.function} ${f.rule}`)).toEqual(['second resource-leak']);
    expect(a.errors).toEqual([{ function: 'example_probe', reason: 'engine bug' }]);
  });
});
