// Memo tables that outlive a document version must not keep it alive: V8 makes a slice of 13
// characters or more a view of the whole string, so a function's name kept as sliced from the
// text kept that version of the file alive, and an editor makes a new version at every
// keystroke (findFunctions()' shapes held up to 8,192 of them).

import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { findFunctions } from '../../server/src/syntax/functions';
import { CParser } from '../../server/src/syntax/parser';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
v8.setFlagsFromString('--no-expose-gc');

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('memo tables and document versions', () => {
  it('findFunctions() remembers a definition without keeping the text it came from', async () => {
    const parser = await CParser.load();
    // A 1 MiB document whose one function changes at each version (a new shape each time).
    const filler = `/*${'x'.repeat(1 << 20)}*/\n`;
    const versions = 40;
    const before = heapAfterGc();
    for (let i = 0; i < versions; i++) {
      const text = `${filler}static int a_rather_long_function_name(void)\n{\n\treturn ${i};\n}\n`;
      const tree = parser.parse(text);
      if (!tree) throw new Error('no tree');
      const found = findFunctions(tree, text, { remember: true });
      tree.delete();
      expect(found.map((f) => f.name)).toEqual(['a_rather_long_function_name']);
    }
    const grown = heapAfterGc() - before;
    // Keeping every version would be 40 MiB and more.
    expect(grown).toBeLessThan(10 * (1 << 20));
  });
});
