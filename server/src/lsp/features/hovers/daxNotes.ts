// What the DAX calls do, per kernel (drivers/dax/super.c, include/linux/dax.h): the hover's
// note on a call, beside the per-path states the analysis found (found in review: a generic
// "modeled" line was all they said).

import { KernelProfile, versionAtLeast } from '../../../../../model/src/index.js';

export function daxNote(callee: string, profile: KernelProfile): string | undefined {
  const v69 = versionAtLeast(profile.version, 6, 9);
  switch (callee) {
    case 'alloc_dax':
      return v69
        ? 'Returns a live `dax_device` or an `ERR_PTR()`, never NULL: `-EOPNOTSUPP` with `CONFIG_DAX=n` (the stub in include/linux/dax.h) or on a CPU with aliasing data caches (`cpu_dcache_is_aliasing()`, unless `ops` is NULL), `-ENOMEM` when no minor or inode is left. Check it with `IS_ERR()`.'
        : 'Returns a live `dax_device`, or `ERR_PTR(-ENOMEM)` / `ERR_PTR(-EINVAL)` with `CONFIG_DAX=y`; the `CONFIG_DAX=n` stub returns **NULL** (before 6.9). Check it with `IS_ERR_OR_NULL()` where DAX may be off.';
    case 'kill_dax':
      return 'Marks the device dead (clears `DAXDEV_ALIVE`) and waits for the `dax_read_lock()` sections that may still use it (`synchronize_srcu()`). NULL does nothing. It keeps the reference: `put_dax()` drops it, after.';
    case 'put_dax':
      return 'Drops the reference `alloc_dax()` gave (`iput()` of the device\'s inode: the last one frees it). NULL does nothing. `kill_dax()` first: a device put while alive can be freed under its users.';
    case 'dax_add_host':
      return 'Registers the gendisk as the device\'s host (`xa_insert()` into `dax_hosts`: `-EBUSY` if it has one, `-ENOMEM`), where `fs_dax_get_by_bdev()` finds it. A later failure must undo it with `dax_remove_host(disk)`.';
    default:
      return undefined;
  }
}
