// Ownership hand-over at calls the model does not know: what an escaped object holds escapes
// with it, however deep, whatever order its fields were bound in.

import { describe, expect, it } from 'vitest';
import { analyzeTree } from '../../server/src/analysis/analyze';
import type { PathState } from '../../server/src/engine/state';
import { CParser } from '../../server/src/syntax/parser';
import { analyzeSource, options } from '../helpers';

const probe = (handOver: string): string => `struct bar { struct resource *res; };
struct foo { struct bar *child; };

static int probe(u64 start)
{
\tstruct foo *a = kzalloc(sizeof(*a), GFP_KERNEL);
\tstruct bar *b = kzalloc(sizeof(*b), GFP_KERNEL);

\tif (!a || !b)
\t\treturn -ENOMEM;
\tb->res = request_mem_region(start, 4096, "x");
\tif (!b->res)
\t\treturn -EBUSY;
\ta->child = b;
${handOver}
\treturn -EINVAL;
}
`;

/** The end states of `fn` that return `ret`. */
async function endsReturning(text: string, fn: string, ret: bigint): Promise<PathState[]> {
  const parser = await CParser.load();
  const tree = parser.parse(text);
  if (!tree) throw new Error('parse timed out');
  const out: PathState[] = [];
  try {
    analyzeTree(tree, text, options(), undefined, {
      onPaths: (name, ends) => {
        if (name === fn) out.push(...ends.filter((e) => e.returned?.k === 'int' && e.returned.v === ret));
      },
    });
  } finally {
    tree.delete();
  }
  return out;
}

describe('escape through fields', () => {
  it('marks what an escaped object holds as escaped, two objects deep', async () => {
    const ends = await endsReturning(probe('\tmystery_register(a);'), 'probe', -22n);
    expect(ends.length).toBeGreaterThan(0);
    for (const st of ends) {
      const held = [...st.bindings.pointers()].filter(([k]) => k.endsWith('->res'));
      expect(held.length).toBe(1);
      for (const [, v] of held) expect(v.k === 'ptr' && st.escaped.has(v.obj.h)).toBe(true);
    }
  });

  it('hands over a region stored two objects deep, bound before the outer link', async () => {
    const leaks = async (text: string) => (await analyzeSource(text)).findings.filter((f) => f.rule === 'resource-leak').length;
    expect(await leaks(probe('\tmystery_register(a);'))).toBe(0);
    // Nothing handed over: the region leaks on the error return.
    expect(await leaks(probe('\tpr_info("no owner\\\\n");'))).toBeGreaterThan(0);
  });
});
