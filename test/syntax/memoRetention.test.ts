// Memo tables that outlive a document version must not keep it alive: V8 makes a slice of 13
// characters or more a view of the whole string, so a function's name kept as sliced from the
// text kept that version of the file alive, and an editor makes a new version at every
// keystroke (findFunctions()' shapes held up to 8,192 of them).

import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { collectFacts } from '../../server/src/analysis/facts';
import { findFunctions } from '../../server/src/syntax/functions';
import { CParser, type Tree } from '../../server/src/syntax/parser';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
v8.setFlagsFromString('--no-expose-gc');

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * The heap kept after 40 versions of a 1 MiB document (`code` appended to a comment of 1 MiB)
 * went through `use`: keeping every version would be 40 MiB and more.
 */
async function keptOver40Versions(code: (version: number) => string, use: (tree: Tree, text: string) => void): Promise<number> {
  const parser = await CParser.load();
  const filler = `/*${'x'.repeat(1 << 20)}*/\n`;
  const before = heapAfterGc();
  for (let i = 0; i < 40; i++) {
    const text = filler + code(i);
    const tree = parser.parse(text);
    if (!tree) throw new Error('no tree');
    try {
      use(tree, text);
    } finally {
      tree.delete();
    }
  }
  return heapAfterGc() - before;
}

describe('memo tables and document versions', () => {
  it('findFunctions() remembers a definition without keeping the text it came from', async () => {
    // The one function changes at each version (a new shape each time).
    const kept = await keptOver40Versions((i) => `static int a_rather_long_function_name(void)\n{\n\treturn ${i};\n}\n`, (tree, text) => {
      expect(findFunctions(tree, text, { remember: true }).map((f) => f.name)).toEqual(['a_rather_long_function_name']);
    });
    expect(kept).toBeLessThan(10 * (1 << 20));
  });

  it('collectFacts() remembers what bodies name without keeping the text (the names of the creators enter its keys)', async () => {
    // The creator's definition is new at each version: its name is read out of this text.
    const kept = await keptOver40Versions((i) => `static struct resource *request_the_test_region(u64 s)\n{\n\treturn request_mem_region(s, ${i}, "x");\n}\n\n` +
      'int the_caller_of_the_helper(u64 s)\n{\n\treturn request_the_test_region(s) ? 0 : -EBUSY;\n}\n', (tree, text) => {
      const facts = collectFacts(text, findFunctions(tree, text, { remember: true }), true);
      expect([...facts.entries].sort()).toEqual(['request_the_test_region', 'the_caller_of_the_helper']);
    });
    expect(kept).toBeLessThan(10 * (1 << 20));
  });
});
