// The engine's warm-up. V8 compiles the analysis' code for the values it has seen: a session's
// first walks of a kind of code (the first DAX device, the first memory map lookup) run in
// code not yet optimized for them, two to four times slower than the same walks later. After
// it starts, the server walks the patterns of the rule catalogue some forty times, in short
// slices while it has nothing else to analyze (0.8 s on this project's 2-core machine), so the
// first edits of a session do not pay. With drivers/nvdimm/pmem.c the first file opened: its
// first open 74-80 -> 33-49 ms, its slowest edits 59-68 -> 37-65 ms (3 runs each).

import { FunctionCache, analyzeSteps } from '../analysis/analyze.js';
import type { AnalysisOptions } from '../analysis/options.js';
import type { CParser } from '../syntax/parser.js';

/**
 * What the warm-up walks: the shapes of the rule catalogue's examples (test/fixtures/rules),
 * one or two per rule, every contract family (regions, flags, memory add, free-region search,
 * region_intersects(), DAX lifecycle, memory map lookups, devres, static helpers inlined, goto
 * unwinding, a loop, a publication). A test checks that each family reports from it.
 *
 * And the engine's own rarer paths (w_many_paths()): more states at a node than it keeps, a
 * request inside a call's arguments, a region stored in memory handed to unknown code. Code
 * that first meets them after the warm-up ran explore() without feedback for them, so V8
 * dropped its optimized code and compiled it again (50 ms on the compiler thread): the first
 * pmem.c edits that walk pmem_attach_disk() after dm.c, memory_hotplug.c and resource.c took
 * 5.1 to 11.7 ms, 4.4 to 5.3 ms with it (most of them; in-process replay of the bench's edits).
 *
 * Copied from those fixtures on purpose, not read from them: the server ships without the
 * tests, and the two change for different reasons (a fixture pins one rule's verdict, with its
 * `expect:` marks and profile; this source only has to make the engine run every family's
 * code). Its test, not its likeness to the fixtures, keeps it doing that.
 */
export const WARMUP_SOURCE = `
static const char kmem_name[] = "System RAM (kmem)";

static int w_kmem_probe(struct data *data, struct range range)
{
	struct resource *res;
	int rc;

	res = request_mem_region(range.start, range_len(&range), data->res_name);
	if (!res)
		return -EBUSY;
	res->flags = IORESOURCE_SYSTEM_RAM;
	rc = add_memory_driver_managed(data->mgid, range.start, range_len(&range), kmem_name, MHP_NID_IS_MGID);
	if (rc) {
		remove_resource(res);
		kfree(res);
		return rc;
	}
	return 0;
}

static int w_create_resource(struct vm *vm)
{
	vm->parent_resource = __request_mem_region(vm->addr, vm->size, "virtio0", IORESOURCE_SYSTEM_RAM | IORESOURCE_EXCLUSIVE);
	if (!vm->parent_resource)
		return -EBUSY;
	vm->parent_resource->flags &= ~IORESOURCE_BUSY;
	return 0;
}

static void w_delete_resource(struct vm *vm)
{
	if (!vm->parent_resource)
		return;
	release_resource(vm->parent_resource);
	kfree(vm->parent_resource);
	vm->parent_resource = NULL;
}

static int w_init_hotplug(struct vm *vm)
{
	int rc;

	rc = w_create_resource(vm);
	if (rc)
		return rc;
	rc = register_something(vm);
	if (rc)
		goto out_del;
	return 0;
out_del:
	w_delete_resource(vm);
	return rc;
}

static int w_frame_register(struct frame *frame)
{
	void __iomem *base;

	if (!request_mem_region(frame->cntbase, frame->size, "arch_mem_timer"))
		return -EBUSY;
	base = ioremap(frame->cntbase, frame->size);
	if (!base)
		return -ENXIO;
	frame->base = base;
	return 0;
}

static int w_regs_probe(struct device *dev, u64 start, u64 size)
{
	void __iomem *base;

	if (!devm_request_mem_region(dev, start, size, "regs"))
		return -EBUSY;
	base = ioremap(start, size);
	if (!base) {
		release_mem_region(start, size);
		return -ENOMEM;
	}
	return 0;
}

static int w_claim(u64 start, u64 size)
{
	struct resource *res;

	if (region_intersects(start, size, IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE) != REGION_DISJOINT)
		return -EINVAL;
	res = request_mem_region(start, size, "claim");
	if (!res)
		return -EBUSY;
	return 0;
}

static int w_chunk_alloc(struct device *dev, struct chunk *c, unsigned long size)
{
	struct resource *res;

	res = devm_request_free_mem_region(dev, &iomem_resource, size);
	if (IS_ERR(res))
		return PTR_ERR(res);
	c->pagemap.type = MEMORY_DEVICE_PRIVATE;
	c->pagemap.range.start = res->start;
	c->pagemap.range.end = res->end;
	c->pagemap.nr_range = 1;
	c->addr = memremap_pages(&c->pagemap, numa_node_id());
	if (IS_ERR(c->addr))
		return PTR_ERR(c->addr);
	return 0;
}

static int w_pagemap_probe(struct device *dev, struct dev_pagemap *pgmap)
{
	void *addr;

	pgmap->type = MEMORY_DEVICE_GENERIC;
	pgmap->range.start = 0x4080000000ULL;
	pgmap->range.end = 0x4080000000ULL + SZ_1M - 1;
	pgmap->nr_range = 1;
	addr = devm_memremap_pages(dev, pgmap);
	if (IS_ERR(addr))
		return PTR_ERR(addr);
	return 0;
}

static int w_attach_disk(struct device *dev, struct gendisk *disk, struct resource *res)
{
	struct pmem_device *pmem;
	struct dax_device *dax_dev;
	void *addr;
	int rc;

	pmem = devm_kzalloc(dev, sizeof(*pmem), GFP_KERNEL);
	if (!pmem)
		return -ENOMEM;
	if (!devm_request_mem_region(dev, res->start, resource_size(res), dev_name(dev)))
		return -EBUSY;
	if (is_nd_pfn(dev)) {
		pmem->pgmap.type = MEMORY_DEVICE_FS_DAX;
		addr = devm_memremap_pages(dev, &pmem->pgmap);
	} else {
		addr = devm_memremap(dev, res->start, resource_size(res), ARCH_MEMREMAP_PMEM);
	}
	if (IS_ERR(addr)) {
		rc = PTR_ERR(addr);
		goto out;
	}
	dax_dev = alloc_dax(pmem, &pmem_dax_ops);
	if (IS_ERR(dax_dev)) {
		rc = PTR_ERR(dax_dev);
		if (rc != -EOPNOTSUPP)
			goto out;
	} else {
		set_dax_nocache(dax_dev);
		rc = dax_add_host(dax_dev, disk);
		if (rc)
			goto out_cleanup_dax;
		pmem->dax_dev = dax_dev;
	}
	rc = device_add_disk(dev, disk, NULL);
	if (rc)
		goto out_remove_host;
	return 0;

out_remove_host:
	dax_remove_host(disk);
out_cleanup_dax:
	kill_dax(pmem->dax_dev);
	put_dax(pmem->dax_dev);
out:
	put_disk(disk);
	return rc;
}

static int w_setup_host(struct foo *foo, struct gendisk *disk)
{
	struct dax_device *dax_dev = alloc_dax(foo, &foo_dax_ops);
	int rc;

	if (IS_ERR(dax_dev))
		return PTR_ERR(dax_dev);
	rc = dax_add_host(dax_dev, disk);
	if (rc)
		goto out_kill;
	rc = device_add_disk(foo->dev, disk, NULL);
	if (rc)
		goto out_kill;
	foo->dax_dev = dax_dev;
	return 0;
out_kill:
	kill_dax(dax_dev);
	put_dax(dax_dev);
	return rc;
}

static int w_setup_dax(struct virtio_device *vdev, struct virtio_fs *fs)
{
	fs->dax_dev = alloc_dax(fs, &virtio_fs_dax_ops);
	if (IS_ERR(fs->dax_dev))
		return PTR_ERR(fs->dax_dev);
	set_dax_synchronous(fs->dax_dev);
	return devm_add_action_or_reset(&vdev->dev, virtio_fs_cleanup_dax, fs->dax_dev);
}

static int w_unpoison(unsigned long pfn)
{
	struct page *p;
	int ret = -EBUSY;

	p = pfn_to_online_page(pfn);
	if (!p)
		return -EIO;
	mutex_lock(&foo_mutex);
	if (!PageHWPoison(p))
		goto unlock;
	ret = foo_clear(p);
unlock:
	mutex_unlock(&foo_mutex);
	return ret;
}

static unsigned int w_check_ram(struct resource *res)
{
	unsigned long start_pfn, stop_pfn;
	unsigned long i;

	if ((res->flags & IORESOURCE_SYSTEM_RAM) != IORESOURCE_SYSTEM_RAM)
		return 0;
	start_pfn = (res->start + PAGE_SIZE - 1) >> PAGE_SHIFT;
	stop_pfn = (res->end + 1) >> PAGE_SHIFT;
	for (i = 0; i < (stop_pfn - start_pfn); ++i)
		if (pfn_valid(start_pfn + i) && PageReserved(pfn_to_page(start_pfn + i)))
			return IORES_MAP_SYSTEM_RAM;
	return 0;
}

static int w_many_paths(struct device *dev, u64 start, u64 size, unsigned int f)
{
	struct w_chunk *c;
	int a = 0, b = 0, d = 0, e = 0, g = 0, h = 0, i = 0;

	if (f & 64)
		a = !!request_mem_region(start + 2 * size, size, "w_many");
	if (f & 1)
		b = 1;
	if (f & 2)
		d = 1;
	if (f & 4)
		e = 1;
	if (f & 8)
		g = 1;
	if (f & 16)
		h = 1;
	if (f & 32)
		i = 1;
	if (!w_check(dev, request_mem_region(start, size, "w_many")))
		return -EBUSY;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->res = request_mem_region(start + size, size, "w_many");
	w_chunk_register(dev, c);
	return a + b + d + e + g + h + i;
}

static struct w_data *w_active;

int w_register(struct w_data *d)
{
	struct w_data *copy __free(kfree) = kzalloc(sizeof(*copy), GFP_KERNEL);

	if (!copy)
		return -ENOMEM;
	*copy = *d;
	rcu_assign_pointer(w_active, no_free_ptr(copy));
	return 0;
}

int w_peek(void)
{
	return w_active->count;
}
`;

/** Rounds of the source (15 of its 17 functions walked each). */
export const WARMUP_ROUNDS = 40;

/**
 * The warm-up as steps (a function walked each): `rounds` analyses of WARMUP_SOURCE, each
 * with a cache of its own (the server's is not touched, and nothing is reused between rounds).
 */
export function* warmUpSteps(parser: CParser, options: AnalysisOptions, rounds = WARMUP_ROUNDS): Generator<void, void, void> {
  for (let r = 0; r < rounds; r++) {
    const tree = parser.parse(WARMUP_SOURCE);
    if (!tree) return;
    try {
      const steps = analyzeSteps(tree, WARMUP_SOURCE, options, new FunctionCache(), { file: '<warm-up>' });
      while (!steps.next().done) yield;
    } finally {
      tree.delete();
    }
  }
}

/**
 * Runs `steps` in slices of `sliceMs` while `busy()` is false, giving the event loop a turn
 * between slices: a request that arrives waits for the slice under way, at most `sliceMs` and
 * one step (a walk of one of the warm-up's functions, the first of a round with the parse and
 * the file's facts: up to 40 ms in the first round, about 0.5 ms and 2 ms for the first later). Stops, leaving the rest, when `stopped()`. Resolves true when the steps
 * ran to the end.
 */
export async function runWhenIdle(steps: Generator<void, void, void>, busy: () => boolean, stopped: () => boolean, sliceMs = 4): Promise<boolean> {
  try {
    for (;;) {
      await new Promise<void>((resolve) => setTimeout(resolve, busy() ? 20 : 0));
      if (stopped()) return false;
      if (busy()) continue;
      const deadline = performance.now() + sliceMs;
      do {
        if (steps.next().done) return true;
      } while (performance.now() < deadline);
    }
  } finally {
    steps.return();
  }
}
