// Symbolic values name an expression by the versions of what it reads (engine/symbols.ts):
// a node read again after a write to one of its names is another value, and a node read
// again with the same versions is the same one (the last value per node is kept).

import { describe, expect, it } from 'vitest';
import { analyzeTree } from '../../server/src/analysis/analyze';
import type { Value } from '../../model/src/index';
import { options, withTree } from '../helpers';

/** The values of `names` at the end of each path of `fn` in `src`. */
async function endValues(src: string, fn: string, names: string[]): Promise<(Value | undefined)[][]> {
  const out: (Value | undefined)[][] = [];
  await withTree(src, (tree) => analyzeTree(tree, src, options(), undefined, {
    onPaths: (name, ends) => {
      if (name === fn) for (const e of ends) out.push(names.map((n) => e.bindings.get(n)));
    },
  }));
  return out;
}

const key = (v: Value | undefined): string | undefined => (v?.k === 'sym' ? v.key : undefined);

describe('symbolic values', () => {
  it('tells one node read before and after a write to what it reads apart, in a loop', async () => {
    // `n * 2` is one node, read on the loop's first pass (n as passed) and on its second
    // (after `n = next(n)`): a and b must not be the same symbol. (The second pass leaves the
    // loop by its `break`: a path never takes the back edge a second time.)
    const src = `
int f(resource_size_t start, int n)
{
	struct resource *r = request_mem_region(start, 0x1000, "f");
	int i, t, a = 0, b = 0, first = 1;

	if (!r)
		return -EBUSY;
	for (i = 0; i < limit; i++) {
		t = n * 2;
		if (first) {
			a = t;
		} else {
			b = t;
			break;
		}
		n = next(n);
		first = 0;
	}
	release_mem_region(start, 0x1000);
	return a + b;
}
`;
    const ends = await endValues(src, 'f', ['a', 'b']);
    const both = ends.filter(([a, b]) => key(a) !== undefined && key(b) !== undefined);
    expect(both.length).toBeGreaterThan(0);
    for (const [a, b] of both) expect(key(a)).not.toBe(key(b));
  });

  it('gives a node read twice with the same versions the same value', async () => {
    const src = `
int f(resource_size_t start, int n, int c)
{
	struct resource *r = request_mem_region(start, 0x1000, "f");
	int a, b;

	if (!r)
		return -EBUSY;
	if (c)
		a = n * 2;
	else
		a = n * 2;
	b = a;
	release_mem_region(start, 0x1000);
	return b;
}
`;
    const ends = await endValues(src, 'f', ['a', 'b']);
    expect(ends.length).toBeGreaterThan(0);
    for (const [a, b] of ends) expect(key(a)).toBe(key(b));
  });
});
