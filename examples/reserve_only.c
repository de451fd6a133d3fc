// SPDX-License-Identifier: MIT
/*
 * Clearing BUSY on purpose so that other drivers can nest their requests inside
 * the range, as drivers/pnp/system.c does. Nothing is added afterwards: no
 * finding.
 */
#include <linux/ioport.h>
#include <linux/slab.h>

static void reserve_range(resource_size_t start, resource_size_t end, char *regionid)
{
	struct resource *res;

	res = request_mem_region(start, end - start + 1, regionid);
	if (res)
		res->flags &= ~IORESOURCE_BUSY;
	else
		kfree(regionid);
}
