// The resource-busy-window pattern (seed 000) for Coccinelle, as a peer for the benchmark:
// a region requested, its flags overwritten, then memory added inside it.
@r@
expression res, start, size, name, F;
@@
res = request_mem_region(start, size, name);
...
* res->flags = F;
...
add_memory_driver_managed(...);
