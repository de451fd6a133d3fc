// Loops are numbered per CFG, so a helper walked at its call must not share the caller's loop
// counts: each loop of either may run its body twice (explore.ts MAX_BACK_EDGES).

import { describe, expect, it } from 'vitest';
import { analyzeTree } from '../../server/src/analysis/analyze';
import { options, withTree } from '../helpers';

const SRC = `
static struct resource *grab_first(resource_size_t *starts, int n)
{
	struct resource *r;
	int i;

	for (i = 0; i < n; i++) {
		r = request_mem_region(starts[i], 0x1000, "foo");
		if (r)
			return r;
	}
	return NULL;
}

int probe_all(struct resource **out, resource_size_t *starts, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		out[i] = grab_first(starts, n);
		if (!out[i])
			return -EBUSY;
	}
	return 0;
}
`;

/** Per end state of `fn`, its requests as ok/fail. */
async function requestsAtEnds(fn: string): Promise<string[]> {
  const ends: string[] = [];
  await withTree(SRC, (tree) => analyzeTree(tree, SRC, options(), undefined, {
    onPaths: (name, states) => {
      if (name === fn) for (const st of states) ends.push(st.ops.filter((o) => o.op.kind === 'request_region').map((o) => (o.expectOk ? 'ok' : 'fail')).join(' '));
    },
  }));
  return ends;
}

describe('a helper with a loop, walked in a loop of its caller', () => {
  it('leaves each loop its own count: both run their bodies twice on one path', async () => {
    const ends = await requestsAtEnds('probe_all');
    // The helper's loop took its back edge (a failed request, then one that succeeds), then
    // the caller's loop took its own and called the helper again. With one count for both
    // loops (each is loop 0 of its CFG), the caller's back edge was refused on that path.
    expect(ends).toContain('fail ok fail');
    // The helper walked on its own is unchanged.
    expect(await requestsAtEnds('grab_first')).toEqual(expect.arrayContaining(['fail ok', 'ok', 'fail']));
  });
});
