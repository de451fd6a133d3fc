// The dax_device lifecycle of drivers/dax/super.c: alloc_dax() -> set_dax_*() ->
// dax_add_host() -> dax_remove_host() -> kill_dax() -> put_dax(), with what each call does
// with NULL, an ERR_PTR or a device in the wrong state.

/** What a DAX call was given: a device the path allocated, NULL, an ERR_PTR. */
export type DaxTarget = { h: number } | { null: true } | { errptr: true; code?: number };

export type DaxOp =
  | { kind: 'dax_alloc'; deviceDax: boolean }
  /** alloc_dax() returning an error (or NULL from the CONFIG_DAX=n stub of 6.1): logged so values can point at it. */
  | { kind: 'dax_alloc_failed'; code?: number; stubNull?: boolean; stub?: boolean }
  /** set_dax_nocache()/_nomc()/_synchronous(), dax_write_cache(): dereference the device. */
  | { kind: 'dax_use'; target: DaxTarget; what: string }
  | { kind: 'dax_add_host'; target: DaxTarget; disk: string }
  | { kind: 'dax_remove_host'; disk: string }
  | { kind: 'dax_kill'; target: DaxTarget }
  | { kind: 'dax_put'; target: DaxTarget };

export type DaxState = 'alive' | 'killed' | 'put';

export interface DaxDevice {
  state: DaxState;
  /** Disks the device is registered as the DAX host of (dax_add_host()). */
  hosts: string[];
}

/** A misuse the call makes, as the kernel would suffer it. */
export type DaxViolation =
  | { kind: 'deref-null'; what: string }
  | { kind: 'deref-errptr'; what: string }
  | { kind: 'use-after-put'; what: string }
  | { kind: 'put-before-kill' };

export interface DaxEffect {
  created?: number;
  violation?: DaxViolation;
  /** The call ran on NULL: kill_dax()/put_dax() return at once, nothing is released. */
  noop?: boolean;
}

export class DaxWorld {
  constructor(readonly devices = new Map<number, DaxDevice>()) {}

  clone(): DaxWorld {
    return new DaxWorld(new Map([...this.devices].map(([h, d]) => [h, { state: d.state, hosts: d.hosts.slice() }])));
  }

  apply(h: number, op: DaxOp): DaxEffect {
    switch (op.kind) {
      case 'dax_alloc':
        this.devices.set(h, { state: 'alive', hosts: [] });
        return { created: h };
      case 'dax_alloc_failed':
        return {};
      case 'dax_use':
        return this.deref(op.target, op.what) ?? {};
      case 'dax_add_host': {
        const bad = this.deref(op.target, 'dax_add_host()');
        if (bad) return bad;
        const d = this.device(op.target);
        if (d) d.hosts.push(op.disk);
        return {};
      }
      case 'dax_remove_host':
        for (const d of this.devices.values()) d.hosts = d.hosts.filter((x) => x !== op.disk);
        return {};
      case 'dax_kill': {
        // kill_dax(): `if (!dax_dev) return;`, then dax_dev->holder_data.
        if ('null' in op.target) return { noop: true };
        const bad = this.deref(op.target, 'kill_dax()');
        if (bad) return bad;
        const d = this.device(op.target);
        if (d) d.state = 'killed';
        return {};
      }
      case 'dax_put': {
        // put_dax(): `if (!dax_dev) return;`, then iput(&dax_dev->inode).
        if ('null' in op.target) return { noop: true };
        const bad = this.deref(op.target, 'put_dax()');
        if (bad) return bad;
        const d = this.device(op.target);
        if (!d) return {};
        const was = d.state;
        d.state = 'put';
        return was === 'alive' ? { violation: { kind: 'put-before-kill' } } : {};
      }
    }
  }

  private device(t: DaxTarget): DaxDevice | undefined {
    return 'h' in t ? this.devices.get(t.h) : undefined;
  }

  /** The violation of dereferencing `t`, if any. */
  private deref(t: DaxTarget, what: string): DaxEffect | undefined {
    if ('null' in t) return { violation: { kind: 'deref-null', what } };
    if ('errptr' in t) return { violation: { kind: 'deref-errptr', what } };
    const d = this.device(t);
    if (d?.state === 'put') return { violation: { kind: 'use-after-put', what } };
    return undefined;
  }
}

export function isDaxOp(op: { kind: string }): op is DaxOp {
  return op.kind.startsWith('dax_');
}
