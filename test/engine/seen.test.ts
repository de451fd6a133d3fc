// A loop's second pass merges with its first where the pass changed nothing the key holds:
// what follows the loop is walked once, not once per pass (engine/seen.ts).

import { describe, expect, it } from 'vitest';
import { analyzeTree } from '../../server/src/analysis/analyze';
import type { Cfg } from '../../server/src/cfg/types';
import { SeenStates, loopsOf } from '../../server/src/engine/seen';
import { cfgOf, options, withTree } from '../helpers';

/** A function whose tail (after `{{LOOP}}`) forks into many states that stay apart to its return. */
const TAIL = `
int f(void __iomem *base, resource_size_t start, int n, int a, int b, int c, int d)
{
	struct resource *r;
	int i, x = 0, y = 0, z = 0, w = 0;

{{LOOP}}
	r = request_mem_region(start, 0x1000, "f");
	if (!r)
		return -EBUSY;
	if (a)
		x = foo();
	if (b)
		y = bar();
	if (c)
		z = baz();
	if (d)
		w = qux();
	release_mem_region(start, 0x1000);
	return x + y + z + w;
}
`;

async function walkOf(src: string, fn: string): Promise<{ steps: number; ends: string[]; rules: string[] }> {
  let steps = -1;
  const ends: string[] = [];
  const rules = await withTree(src, (tree) => analyzeTree(tree, src, options(), undefined, {
    onPaths: (name, states, walk) => {
      if (name !== fn) return;
      steps = walk.steps;
      for (const st of states) ends.push(st.ops.map((o) => `${o.op.kind}:${o.expectOk}`).join(' '));
    },
  }).findings.map((f) => `${f.rule}:${f.line + 1}`));
  return { steps, ends: ends.sort(), rules };
}

/** The 1-based line of the line holding `marker`. */
const lineOf = (src: string, marker: string): number => src.split('\n').findIndex((l) => l.includes(marker)) + 1;

/** A function `f` that declares `locals`, holds a region it requested, then runs `body`. */
const holding = (locals: string, body: string): string => `
int f(void __iomem *base, resource_size_t start, resource_size_t size, int n)
{
	${locals}

	if (!request_mem_region(start, size, "foo"))
		return -EBUSY;${body}
}
`;

/** Expects resource-leak on the line marked with `/* leak *\/`. */
async function expectLeakAt(src: string): Promise<void> {
  const { rules } = await walkOf(src, 'f');
  expect(rules).toContain(`resource-leak:${lineOf(src, '/* leak */')}`);
}

describe('a loop whose body does nothing to the model', () => {
  it('walks what follows it once, with the same end states', async () => {
    const without = await walkOf(TAIL.replace('{{LOOP}}', ''), 'f');
    const withLoop = await walkOf(TAIL.replace('{{LOOP}}', '\tfor (i = 0; i < n; i++)\n\t\twritel(0, base + i);'), 'f');
    expect(without.steps).toBeGreaterThan(40);
    expect(withLoop.ends).toEqual(without.ends);
    // Keyed with its passes, the tail was walked once for each way out of the loop.
    expect(withLoop.steps).toBeLessThan(1.5 * without.steps);
  });

  it('still runs a second pass of a body that acts on the model', async () => {
    const src = `
int g(resource_size_t start, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!request_mem_region(start + i * 0x1000, 0x1000, "g"))
			return -EBUSY;
	return 0;
}
`;
    // The first pass's region is leaked where the second pass's request fails.
    const { ends, rules } = await walkOf(src, 'g');
    expect(ends).toContain('request_region:true request_region:false');
    expect(rules).toContain('resource-leak:8');
  });
});

describe('nested loops (found in review)', () => {
  it('an inner loop runs its passes again on the outer loop\'s second pass, and its paths go on past it', async () => {
    const src = `
int f(void __iomem *base, resource_size_t start, resource_size_t size, int n, int m)
{
	int i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < m; j++)
			if (!request_mem_region(start + i * size, size, "foo"))
				return -EBUSY;
		if (readl(base + i) & 1)
			return -EIO;
	}
	return 0;
}
`;
    const { ends } = await walkOf(src, 'f');
    // The inner loop's pass on the outer's first used up its bound: on the second, the path that
    // requested again ended at the inner back edge, and none held both regions at the return.
    expect(ends).toContain('request_region:true request_region:true');
  });
});

describe('cycles gotos make and loops inside them (found in a third review)', () => {
  /** The most ops any end state logged. */
  const longest = (ends: string[]): number => Math.max(...ends.map((e) => (e ? e.split(' ').length : 0)));

  it('a goto down to a label that falls through to one above: the cycle is bounded, and the leak before it found', async () => {
    const src = `
int f(void __iomem *base, unsigned long pfn, resource_size_t start, resource_size_t size)
{
	if (!request_mem_region(start, size, "f"))
		return -EBUSY;
	if (readl(base) & 16)
		return -EIO; /* leak */
	goto h;
out:
	if (readl(base) & 8) {
		release_mem_region(start, size);
		return 0;
	}
h:
	if (readl(base) & 1)
		goto inbody;
	writel(0, base);
	while (readl(base) & 2) {
		writel(1, base);
inbody:
		if (pfn_valid(pfn))
			msleep(1);
		if (readl(base) & 4)
			goto h;
	}
	goto out;
}
`;
    // The fall-through from \`out:\` to \`h:\` closed a cycle with no back edge; with the loops in
    // it counted anew at each entry, paths went around to 97 ops and the exit filled up.
    const { ends, rules } = await walkOf(src, 'f');
    expect(longest(ends)).toBeLessThan(12);
    expect(rules).toContain(`resource-leak:${lineOf(src, '/* leak */')}`);
  });

  it('a goto up into the else arm of an if above a loop: the cycle through the loop is bounded', async () => {
    const src = `
int f(void __iomem *base, unsigned long pfn, int n)
{
	int i;

	if (readl(base) & 1) {
		writel(0, base);
	} else {
again:
		writel(1, base);
	}
	for (i = 0; i < n; i++)
		if (pfn_valid(pfn + i))
			msleep(1);
	if (readl(base) & 2)
		goto again;
	return 0;
}
`;
    const { ends } = await walkOf(src, 'f');
    expect(longest(ends)).toBeLessThan(6);
  });

  // A goto into a loop's body reaches it before the loop's head in a depth-first walk of the whole
  // graph: the loop's own entry and the fall-through into the label retreat there, and marked as
  // back edges they used up the loop's pass of a path that never took the goto (found in review).
  /** How the last two fixtures' loop bodies end: a region requested at each pass, and leaked where one is already held. */
  const requestEachPass = `		if (held)
			return -EIO; /* leak */
		if (!request_mem_region(start, size, "f"))
			return -EBUSY;
		held = 1;
	}
	if (held)
		release_mem_region(start, size);
	return 0;
}
`;
  const gotoIntoNested = `int f(void __iomem *base, resource_size_t start, resource_size_t size, int n)
{
	int i, j, held = 0;

	if (readl(base) & 1)
		goto inner;
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			writel(j, base);
inner:
			msleep(1);
		}
${requestEachPass}`;

  it('a goto into a loop body: the loop\'s own edges stay what they are, and its passes run', async () => {
    const cases = [`int f(void __iomem *base, resource_size_t start, resource_size_t size, int n)
{
	int i, j, resumed = 0;

	if (!request_mem_region(start, size, "f"))
		return -EBUSY;
	if (readl(base) & 1) {
		resumed = 1;
		goto poll;
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < 2; j++) {
			if (!resumed && readl(base + 8))
				return -EIO; /* leak */
poll:
			writel(j, base);
		}
	}
	release_mem_region(start, size);
	return 0;
}
`, gotoIntoNested, `int f(void __iomem *base, resource_size_t start, resource_size_t size)
{
	int held = 0, jumped = 0;

	if (readl(base) & 1) {
		jumped = 1;
		goto inner;
	}
	while (readl(base + 4) & 2) {
		msleep(1);
inner:
		if (jumped)
			break;
${requestEachPass}`];
    for (const src of cases) {
      const { rules } = await walkOf(src, 'f');
      expect(rules, src).toContain(`resource-leak:${lineOf(src, '/* leak */')}`);
    }
    const cfg = await cfgOf(gotoIntoNested);
    const init = cfg.nodes.findIndex((n) => n.kind === 'eval' && n.expr.text === 'j = 0');
    const head = cfg.nodes.findIndex((n) => n.kind === 'branch' && n.cond.text === 'j < n');
    const entry = cfg.succ[init]?.find((e) => e.to === head);
    expect(entry).toBeDefined();
    expect(entry?.back).toBeUndefined();
  });

  it('ends at many return sites do not share one cap: an early return\'s leak is kept', async () => {
    const src = holding('int i;', `
	if (readl(base) & 1)
		return -EIO; /* leak */
	for (i = 0; i < n; i++)
		if (pfn_valid(start + i))
			msleep(1);
	switch (readl(base + 4)) {
CASES
	}
	return 0;`.replace('CASES', `	case 0:
		return 0;
	case 1:
		return 0;
	case 2:
		return 0;
	case 3:
		return 0;
	case 4:
		return 0;
	case 5:
		return 0;
	case 6:
		return 0;
	case 7:
		return 0;
	case 8:
		return 0;
	case 9:
		return 0;
	case 10:
		return 0;
	case 11:
		return 0;
	case 12:
		return 0;
	case 13:
		return 0;
	case 14:
		return 0;
	case 15:
		return 0;`));
    const { ends, rules } = await walkOf(src, 'f');
    expect(ends.length).toBeGreaterThan(48);
    expect(rules).toContain(`resource-leak:${lineOf(src, '/* leak */')}`);
  });
});

describe('a loop closed by a goto back to a label', () => {
  it('runs its body at most twice, as any loop', async () => {
    // swsusp_free()'s shape: each pass checks and reads a page, then jumps back.
    const src = `
void f(unsigned long pfn)
{
loop:
	pfn = next_pfn(pfn);
	if (pfn != END && pfn_valid(pfn)) {
		struct page *page = pfn_to_page(pfn);

		__free_page(page);
		goto loop;
	}
}
`;
    const { ends } = await walkOf(src, 'f');
    // Unmarked, the path went around until the node's cap of model histories (96 ends).
    expect(ends.length).toBeGreaterThan(0);
    expect(ends.length).toBeLessThanOrEqual(4);
    for (const e of ends) expect(e.split(' ').filter((o) => o.startsWith('pfn_check')).length).toBeLessThanOrEqual(2);
  });
});

describe('loops a path leaves past its bound (found in review)', () => {
  it('a polling loop after a request: the path leaves it after its second pass, and the leak after it is found', async () => {
    const src = `
struct foo { int pending; void __iomem *base; };

int f(struct foo *f, resource_size_t start, resource_size_t size)
{
	f->pending = 1;
	if (!request_mem_region(start, size, "foo"))
		return -EBUSY;
	writel(1, f->base);
	while (f->pending)
		cpu_relax();
	if (readl(f->base) & 1)
		return -EIO;
	return 0;
}
`;
    const { rules } = await walkOf(src, 'f');
    expect(rules).toContain('resource-leak:13');
  });

  it('a retry loop written with goto and a constant bound: the give-up path is walked', async () => {
    await expectLeakAt(holding('int tries = 0;', `
retry:
	if (readl(base) & 1) {
		if (++tries < 3)
			goto retry;
		return -EIO; /* leak */
	}
	return 0;`));
  });

  it('a loop left by continue: the path that continued still gets back to the condition', async () => {
    await expectLeakAt(holding('int i;', `
	for (i = 0; i < 4; i++) {
		if (readl(base) & 1)
			continue;
		break;
	}
	if (i == 4)
		return -EIO; /* leak */
	return 0;`));
  });
});

describe('what the merge key must hold (found in a second review)', () => {
  it('end states of two loop passes that return at different places stay apart', async () => {
    const src = holding('int i;', `
	for (i = 0; i < 2; i++) {
		if (readl(base + i) & 1)
			writel(0, base);
		else
			return -EIO; /* in */
	}
	return -EIO; /* after */`);
    const { rules } = await walkOf(src, 'f');
    expect(rules).toEqual(expect.arrayContaining([`resource-leak:${lineOf(src, '/* in */')}`, `resource-leak:${lineOf(src, '/* after */')}`]));
  });

  it('two returns of the same error with the same state: a leak is reported at each (found in review)', async () => {
    const src = holding('', `
	if (readl(base) & 1)
		return -EIO; /* first */
	if (readl(base) & 2)
		return -EIO; /* second */
	release_mem_region(start, size);
	return 0;`);
    const { rules } = await walkOf(src, 'f');
    // The end states merged at the exit, and only the second was reported.
    expect(rules).toEqual(expect.arrayContaining([`resource-leak:${lineOf(src, '/* first */')}`, `resource-leak:${lineOf(src, '/* second */')}`]));
  });

  it('a modeled call\'s arguments and its range keep paths apart: a size grown in a loop or a branch', async () => {
    const src = (grow: string) => `
static int f(int nid, int n)
{
	u64 size = SZ_128M;
	int i;

${grow}
	return add_memory(nid, 0x8000000000ULL, size, MHP_NONE); /* add */
}
`;
    for (const grow of ['\tfor (i = 0; i < n; i++)\n\t\tsize += SZ_64M;', '\tif (n)\n\t\tsize += SZ_64M;']) {
      const text = src(grow);
      const { rules } = await walkOf(text, 'f');
      expect(rules, grow).toContain(`memmap-range-align:${lineOf(text, '/* add */')}`);
    }
  });

  it('what an inlined helper writes through a pointer its caller reads later keeps the helper\'s paths apart', async () => {
    const src = (sets: string) => `
struct st { int ready; };

static int setup(struct st *s, void __iomem *base, resource_size_t start, resource_size_t size)
{
	int i;

	if (!request_mem_region(start, size, "foo"))
		return -EBUSY;
${sets}
	return 0;
}

int f(void __iomem *base, resource_size_t start, resource_size_t size)
{
	struct st s;
	int err;

	err = setup(&s, base, start, size);
	if (err)
		return err;
	if (!s.ready)
		return -ENODEV; /* leak */
	release_mem_region(start, size);
	return 0;
}
`;
    // In a branch (a miss before the loop passes left the key too), and in a loop.
    for (const sets of ['\tif (readl(base) & 1)\n\t\ts->ready = 0;\n\telse\n\t\ts->ready = 1;',
      '\ts->ready = 1;\n\tfor (i = 0; i < 2; i++) {\n\t\tif (readl(base) & 1)\n\t\t\ts->ready = 0;\n\t\telse\n\t\t\tbreak;\n\t}']) {
      await expectLeakAt(src(sets));
    }
  });

  it('the if that decides a goto loop in the shapes the kernel writes: its give-up path is walked', async () => {
    const shapes = [
      '\tif (readl(base) & 1) {\n\t\tif (++tries > 3)\n\t\t\treturn -EIO; /* leak */\n\t\tgoto retry;\n\t}',
      '\tif (readl(base) & 1) {\n\t\tif (++tries < 3) {\n\t\t\tcpu_relax();\n\t\t\tgoto retry;\n\t\t}\n\t\treturn -EIO; /* leak */\n\t}',
    ];
    for (const shape of shapes) await expectLeakAt(holding('int tries = 0;', `\nretry:\n${shape}\n\trelease_mem_region(start, size);\n\treturn 0;`));
  });

  it('a goto up into the other arm of an if in the same loop body is not a loop of its own', async () => {
    await expectLeakAt(holding('int i, k = 0;', `
	for (i = 0; i < n; i++) {
		if (i < 0) {
one:
			k++;
			if (k == 2)
				return -EIO; /* leak */
		} else if (readl(base + i) & 4) {
			goto one;
		}
	}
	release_mem_region(start, size);
	return 0;`));
  });
});

describe('SeenStates', () => {
  const none = new Map<number, number>();
  const once = new Map([[0, 1]]);
  /** Ten nodes in a line; with `loop`, a back edge from 5 to 3 (loop 0): nodes 3, 4 and 5 are in it. */
  const line = (loop = false): Cfg => ({
    nodes: Array.from({ length: 10 }, (_, id) => ({ id, kind: 'join' as const })),
    succ: Array.from({ length: 10 }, (_, i) => [...(i < 9 ? [{ to: i + 1 }] : []), ...(loop && i === 5 ? [{ to: 3, back: 0 }] : [])]),
    entry: 0, exit: 9, unresolvedGotos: [], errors: [],
  });

  it('at a node in no loop, drops a state keyed like one let through, whatever loops either took', () => {
    const seen = new SeenStates(line(), 48);
    expect(seen.admit(7, 42, 1, once)).toBe(true);
    // A loop's passes count anew when a path enters it again (shortcuts.ts): they decide nothing here.
    expect(seen.admit(7, 42, 1, none)).toBe(false);
    expect(seen.admit(7, 42, 1, new Map([[0, 1], [3, 1]]))).toBe(false);
    expect(seen.admit(7, 43, 1, none)).toBe(true);
    expect(seen.dropped).toBe(0);
  });

  it('inside a loop, covers only a state with as many of its passes: past its bound a path may leave it (found in review)', () => {
    const cfg = line(true);
    expect(loopsOf(cfg).map((l) => l?.join() ?? '')).toEqual(['', '', '', '0', '0', '0', '', '', '', '']);
    const seen = new SeenStates(cfg, 48);
    expect(seen.admit(4, 42, 1, none)).toBe(true);
    expect(seen.admit(4, 42, 1, once)).toBe(true);
    expect(seen.admit(4, 42, 1, once)).toBe(false);
    expect(seen.admit(4, 42, 1, none)).toBe(false);
    // After the loop, more passes are covered.
    expect(seen.admit(7, 42, 1, none)).toBe(true);
    expect(seen.admit(7, 42, 1, once)).toBe(false);
  });

  it('past the cap lets through only a new model history, and counts what it drops', () => {
    const seen = new SeenStates(line(), 2);
    expect(seen.admit(1, 1, 100, none)).toBe(true);
    expect(seen.admit(1, 2, 100, none)).toBe(true);
    expect(seen.admit(1, 3, 100, none)).toBe(false);
    expect(seen.admit(1, 4, 200, none)).toBe(true);
    expect(seen.dropped).toBe(1);
    // Another node has its own cap.
    expect(seen.admit(2, 3, 100, none)).toBe(true);
  });
});
