// Lookup tables keyed by names taken from kernel C or a /proc/iomem dump. A plain object
// literal answers `constructor`, `toString` or `__proto__` from Object.prototype: a C
// identifier of that name would read a function where a value is expected. These tables have
// no prototype, so every name they do not list reads undefined.

/** `entries` as a frozen object without a prototype. */
export function table<T>(entries: Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}
