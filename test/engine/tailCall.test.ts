// A helper returned from a path that holds nothing (`return helper(...);`) is not walked at the
// call: its own walk already covers those paths (inline.ts ownWalkSuffices()).

import { describe, expect, it } from 'vitest';
import { analyzeTree } from '../../server/src/analysis/analyze';
import { analyzeSource, options, withTree } from '../helpers';

const HELPERS = `
struct foo {
	struct resource *res;
};

static int grab(struct foo *f, resource_size_t start)
{
	f->res = request_mem_region(start, 0x1000, "foo");
	if (!f->res)
		return -EBUSY;
	return 0;
}

static int grab_leaky(resource_size_t start, int fail)
{
	struct resource *res = request_mem_region(start, 0x1000, "bar");

	if (!res)
		return -EBUSY;
	if (fail)
		return -EINVAL;
	return 0;
}
`;

/** The callees of the ops each end state of `fn` logged, per end. */
async function opsAtEnds(src: string, fn: string): Promise<string[][]> {
  const ends: string[][] = [];
  await withTree(src, (tree) => analyzeTree(tree, src, options(), undefined, {
    onPaths: (name, states) => {
      if (name === fn) for (const st of states) ends.push(st.ops.map((o) => o.callee));
    },
  }));
  return ends;
}

const findings = async (src: string): Promise<string[]> =>
  (await analyzeSource(src)).findings.map((f) => `${f.function}:${f.line + 1}:${f.rule}`).sort();

describe('a helper returned from a path that holds nothing', () => {
  it('is not walked at the call: the caller ends holding nothing, and its leak is reported once, in the helper', async () => {
    const src = `${HELPERS}
int probe(resource_size_t start)
{
	return grab_leaky(start, 1);
}
`;
    const ends = await opsAtEnds(src, 'probe');
    expect(ends.length).toBeGreaterThan(0);
    expect(ends.every((ops) => ops.length === 0)).toBe(true);
    // Before, the same leak was reported a second time, at the caller's return.
    expect(await findings(src)).toEqual(['grab_leaky:21:resource-leak']);
  });

  it('is walked where the caller goes on after the call', async () => {
    const src = `${HELPERS}
int probe(resource_size_t start)
{
	int rc = grab_leaky(start, 1);

	return rc;
}
`;
    expect((await opsAtEnds(src, 'probe')).some((ops) => ops.includes('request_mem_region'))).toBe(true);
    expect(await findings(src)).toContain('probe:29:resource-leak');
  });

  it('is walked where the path already holds something', async () => {
    const src = `${HELPERS}
static struct resource *kept;

int probe(resource_size_t start)
{
	kept = request_mem_region(start + 0x1000, 0x1000, "kept");
	if (!kept)
		return -EBUSY;
	return grab_leaky(start, 1);
}
`;
    const ends = await opsAtEnds(src, 'probe');
    expect(ends.some((ops) => ops.filter((c) => c === 'request_mem_region').length === 2)).toBe(true);
    expect(await findings(src)).toContain('probe:32:resource-leak');
  });

  it('is not walked where it is passed a local by value that it never writes', async () => {
    // kernel/resource.c: `unsigned long flags = ...; return get_free_mem_region(..., flags);`
    const src = `${HELPERS}
int probe(resource_size_t start)
{
	int fail = 1;

	return grab_leaky(start, fail);
}
`;
    const ends = await opsAtEnds(src, 'probe');
    expect(ends.length).toBeGreaterThan(0);
    expect(ends.every((ops) => ops.length === 0)).toBe(true);
  });

  it("is not walked where it writes a parameter given the caller's own parameter (memory of neither)", async () => {
    // kernel/resource.c: get_free_mem_region() does `size = ALIGN(size, align);`.
    const src = `
static int grab_aligned(resource_size_t start)
{
	struct resource *res;

	start = ALIGN(start, 0x1000);
	res = request_mem_region(start, 0x1000, "bar");
	if (!res)
		return -EBUSY;
	return 0;
}

int probe(resource_size_t start)
{
	return grab_aligned(start);
}
`;
    const ends = await opsAtEnds(src, 'probe');
    expect(ends.length).toBeGreaterThan(0);
    expect(ends.every((ops) => ops.length === 0)).toBe(true);
  });

  it('is walked where it writes the parameter a local was passed in', async () => {
    const src = `
static int grab_once(resource_size_t start, int tries)
{
	struct resource *res = request_mem_region(start, 0x1000, "bar");

	tries--;
	if (!res)
		return -EBUSY;
	return 0;
}

int probe(resource_size_t start)
{
	int tries = 1;

	return grab_once(start, tries);
}
`;
    expect((await opsAtEnds(src, 'probe')).some((ops) => ops.includes('request_mem_region'))).toBe(true);
  });

  it('is walked where its own walk starts with the hotplug hold its comment says its caller takes', async () => {
    const src = `
/*
 * Must be called with mem_hotplug_lock held.
 */
static int grab_online(resource_size_t start, unsigned long pfn)
{
	struct resource *res = request_mem_region(start, 0x1000, "bar");

	if (!res)
		return -EBUSY;
	if (!pfn_to_online_page(pfn))
		return -ENODEV;
	return 0;
}

int lookup(resource_size_t start, unsigned long pfn)
{
	return grab_online(start, pfn);
}
`;
    // Walked at the call, the helper runs without the hold the caller was to take.
    expect((await opsAtEnds(src, 'lookup')).some((ops) => ops.length > 0 && !ops.includes('(caller)'))).toBe(true);
  });

  it('is walked where its own walk starts with the PFN a RAM walker is given', async () => {
    const src = `
static int grab_ram(unsigned long start_pfn, unsigned long nr_pages, void *arg)
{
	struct resource *res = request_mem_region(PFN_PHYS(start_pfn), 0x1000, "bar");

	if (!res)
		return -EBUSY;
	return 0;
}

int setup(void *arg)
{
	return walk_system_ram_range(0, 100, arg, grab_ram);
}

int scan(void *arg)
{
	return grab_ram(0, 1, arg);
}
`;
    expect((await opsAtEnds(src, 'scan')).some((ops) => ops.includes('request_mem_region'))).toBe(true);
  });

  it("is walked where it hands the caller's storage to a modeled API, which may link it", async () => {
    const src = `
static int link(struct resource *r)
{
	return request_resource(&iomem_resource, r);
}

int probe(void)
{
	struct resource res;

	res.start = 0x1000;
	res.end = 0x1fff;
	res.flags = IORESOURCE_MEM;
	return link(&res);
}
`;
    expect((await opsAtEnds(src, 'probe')).some((ops) => ops.includes('request_resource'))).toBe(true);
  });

  it("is walked where it hands the caller's storage to a function it runs", async () => {
    const src = `
struct foo {
	struct resource *res;
};

static void drop(void *data)
{
	struct foo *f = data;

	release_resource(f->res);
}

static int grab_devm(struct device *dev, struct foo *f, resource_size_t start)
{
	struct resource *res = request_mem_region(start, 0x1000, "bar");

	if (!res)
		return -EBUSY;
	return devm_add_action_or_reset(dev, drop, f);
}

int probe(struct device *dev, resource_size_t start)
{
	struct foo f;

	return grab_devm(dev, &f, start);
}
`;
    expect((await opsAtEnds(src, 'probe')).some((ops) => ops.includes('request_mem_region'))).toBe(true);
  });

  it("is walked where it is passed the caller's own storage, which dies with the caller", async () => {
    const src = `${HELPERS}
int probe(resource_size_t start)
{
	struct foo f;

	return grab(&f, start);
}
`;
    expect((await opsAtEnds(src, 'probe')).some((ops) => ops.includes('request_mem_region'))).toBe(true);
  });
});
