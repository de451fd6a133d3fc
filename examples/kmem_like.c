// SPDX-License-Identifier: MIT
/*
 * A driver that hands device memory to the page allocator the way
 * drivers/dax/kmem.c does (seed thread 000). iomem-lens reports the window
 * between clearing BUSY and add_memory_driver_managed().
 */
#include <linux/memory_hotplug.h>
#include <linux/ioport.h>
#include <linux/slab.h>

static const char kmem_name[] = "System RAM (kmem)";

struct example_data {
	int mgid;
	const char *res_name;
	struct resource *res;
};

static int example_probe(struct example_data *data, struct range range)
{
	struct resource *res;
	int rc;

	res = request_mem_region(range.start, range_len(&range), data->res_name);
	if (!res)
		return -EBUSY;
	data->res = res;

	/* Leave BUSY clear so that add_memory() can add a child resource. */
	res->flags = IORESOURCE_SYSTEM_RAM;

	rc = add_memory_driver_managed(data->mgid, range.start,
			range_len(&range), kmem_name, MHP_NID_IS_MGID);
	if (rc) {
		remove_resource(res);
		kfree(res);
		data->res = NULL;
		return rc;
	}
	return 0;
}
