// Contracts of the DAX API (include/linux/dax.h, drivers/dax/super.c), per kernel profile.

import type { DaxTarget } from '../dax/model.js';
import { versionAtLeast } from '../profile.js';
import { NULL_VALUE, Value } from '../values.js';
import type { CallSite, Contract, ModelView, Outcome } from './types.js';

const ENOMEM = -12;
const EOPNOTSUPP = -95;

/** Architectures whose data cache can alias (cpu_dcache_is_aliasing(), arch/<arch>/include/asm/cachetype.h). */
function aliasing(m: ModelView): 'always' | 'maybe' | 'never' {
  if (m.profile.arch === 'parisc') return 'always';
  if (m.profile.arch === 'arm' || m.profile.arch === 'mips') return 'maybe';
  return 'never';
}

function daxEnabled(m: ModelView): boolean {
  return m.profile.config?.get('DAX') !== 'n';
}

/** dax_add_host() and dax_remove_host() are real only with CONFIG_BLOCK and CONFIG_FS_DAX (which selects DAX). */
function fsDaxEnabled(m: ModelView): boolean {
  return daxEnabled(m) && m.profile.config?.get('FS_DAX') !== 'n' && m.profile.config?.get('BLOCK') !== 'n';
}

/**
 * The calls include/linux/dax.h makes empty stubs with CONFIG_DAX=n: they take the stub
 * alloc_dax()'s value without touching it (found in review: reported as dereferences).
 * set_dax_nocache() and set_dax_nomc() got theirs in 6.9 ("dax: add empty static inline for
 * CONFIG_DAX=n", in the series that made alloc_dax()'s stub return ERR_PTR(-EOPNOTSUPP));
 * before, they were declared for every config and defined only in drivers/dax/super.c.
 */
const STUBBED_WITHOUT_DAX = new Set(['set_dax_synchronous()', 'dax_write_cache()']);
const STUBBED_WITHOUT_DAX_SINCE_6_9 = new Set(['set_dax_nocache()', 'set_dax_nomc()']);

const stub = (what: string, config: string, ret: Value = { k: 'unknown' }): Outcome[] =>
  [{ label: 'stub', ret, ops: [], requireOk: false, note: `with ${config} ${what} is a stub that does nothing with its argument (include/linux/dax.h)` }];

/**
 * alloc_dax(private, ops). 6.1: a device or ERR_PTR(-ENOMEM/-EINVAL); the CONFIG_DAX=n stub
 * returns NULL. From 6.9: ERR_PTR(-EOPNOTSUPP) when the data cache aliases (unless ops is NULL,
 * device-dax), and the CONFIG_DAX=n stub returns ERR_PTR(-EOPNOTSUPP).
 */
const allocDax: Contract = (call, m) => {
  const opsText = (call.argText[1] ?? '').trim();
  const deviceDax = opsText === 'NULL' || opsText === '0';
  const v69 = versionAtLeast(m.profile.version, 6, 9);
  const out: Outcome[] = [];
  if (!daxEnabled(m)) {
    return v69
      ? [{ label: 'stub', ret: 'failed', ops: [{ kind: 'dax_alloc_failed', code: EOPNOTSUPP, stub: true }], requireOk: false, note: 'with CONFIG_DAX=n the alloc_dax() stub returns ERR_PTR(-EOPNOTSUPP)' }]
      : [{ label: 'stub', ret: { k: 'null' }, ops: [{ kind: 'dax_alloc_failed', stubNull: true, stub: true }], requireOk: false, note: 'with CONFIG_DAX=n the alloc_dax() stub returns NULL (include/linux/dax.h)' }];
  }
  const alias = v69 && !deviceDax ? aliasing(m) : 'never';
  if (alias !== 'always') {
    out.push({ label: 'succeeds', ret: 'created', ops: [{ kind: 'dax_alloc', deviceDax }], requireOk: true, note: 'alloc_dax() returns a new dax_device; the caller holds a reference' });
    out.push({ label: 'fails', ret: 'failed', ops: [{ kind: 'dax_alloc_failed', code: ENOMEM }], requireOk: false, note: 'alloc_dax() returns ERR_PTR(-ENOMEM): no minor or no inode' });
  }
  if (alias !== 'never') {
    out.push({ label: 'eopnotsupp', ret: 'failed', ops: [{ kind: 'dax_alloc_failed', code: EOPNOTSUPP }], requireOk: false,
      note: `alloc_dax() returns ERR_PTR(-EOPNOTSUPP): the data cache of ${m.profile.arch} can alias (cpu_dcache_is_aliasing(), since 6.9)` });
  }
  return out;
};

function target(call: CallSite, m: ModelView, i: number): DaxTarget | undefined {
  return m.daxTarget(call.args[i] ?? NULL_VALUE);
}

const use = (what: string): Contract => (call, m) => {
  if (!daxEnabled(m) && (STUBBED_WITHOUT_DAX.has(what) || (STUBBED_WITHOUT_DAX_SINCE_6_9.has(what) && versionAtLeast(m.profile.version, 6, 9)))) {
    return stub(what, 'CONFIG_DAX=n');
  }
  const t = target(call, m, 0);
  return t ? [{ label: 'uses', ret: { k: 'unknown' }, ops: [{ kind: 'dax_use', target: t, what }], requireOk: false, note: `${what} dereferences the dax_device` }] : undefined;
};

const lifecycle = (kind: 'dax_kill' | 'dax_put'): Contract => (call, m) => {
  if (!daxEnabled(m)) return stub(kind === 'dax_kill' ? 'kill_dax()' : 'put_dax()', 'CONFIG_DAX=n');
  const t = target(call, m, 0);
  if (!t) return undefined;
  const note = kind === 'dax_kill'
    ? ('null' in t ? 'kill_dax(NULL) returns at once: nothing is killed' : 'kill_dax() marks the device dead and waits for its users (synchronize_srcu)')
    : ('null' in t ? 'put_dax(NULL) returns at once: no reference is dropped' : 'put_dax() drops the reference alloc_dax() gave: the device is freed');
  return [{ label: 'returns', ret: { k: 'unknown' }, ops: [{ kind, target: t }], requireOk: false, note }];
};

const addHost: Contract = (call, m) => {
  if (!fsDaxEnabled(m)) return stub('dax_add_host()', 'CONFIG_FS_DAX=n', { k: 'int', v: 0n });
  const t = target(call, m, 0);
  if (!t) return undefined;
  const disk = m.lvalue(1);
  const ok: Value = { k: 'status', ok: true };
  return [
    { label: 'succeeds', ret: ok, ops: [{ kind: 'dax_add_host', target: t, disk }], requireOk: false, note: `dax_add_host() registers the device as the DAX host of ${disk}` },
    { label: 'fails', ret: { k: 'status', ok: false, code: ENOMEM }, ops: [], requireOk: false, note: 'dax_add_host() fails (xa_insert(): -ENOMEM or -EBUSY)' },
  ];
};

export const DAX_CONTRACTS: Readonly<Record<string, Contract>> = {
  alloc_dax: allocDax,
  set_dax_nocache: use('set_dax_nocache()'),
  set_dax_nomc: use('set_dax_nomc()'),
  set_dax_synchronous: use('set_dax_synchronous()'),
  dax_write_cache: use('dax_write_cache()'),
  dax_add_host: addHost,
  dax_remove_host: (call, m) => !fsDaxEnabled(m) ? stub('dax_remove_host()', 'CONFIG_FS_DAX=n') : [{ label: 'returns', ret: { k: 'unknown' }, ops: [{ kind: 'dax_remove_host', disk: m.lvalue(0) }], requireOk: false,
    note: `dax_remove_host() unregisters the DAX host of ${call.argText[0] ?? 'the disk'}` }],
  kill_dax: lifecycle('dax_kill'),
  put_dax: lifecycle('dax_put'),
};

export const DAX_TRIGGERS: readonly string[] = ['alloc_dax', 'kill_dax', 'put_dax', 'dax_add_host'];
