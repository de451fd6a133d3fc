// The DAX calls' hover notes, per kernel (drivers/dax/super.c and include/linux/dax.h of 6.1 and 6.12).

import { describe, expect, it } from 'vitest';
import { daxNote } from '../../server/src/lsp/features/hovers/daxNotes';
import { options } from '../helpers';

describe('daxNote', () => {
  const profile = (minor: number) => ({ ...options().profile, version: { major: 6, minor } });

  it('says what alloc_dax() returns on each side of 6.9 (found in review: a generic line)', () => {
    expect(daxNote('alloc_dax', profile(12))).toMatch(/never NULL: `-EOPNOTSUPP` with `CONFIG_DAX=n`.*cpu_dcache_is_aliasing/);
    expect(daxNote('alloc_dax', profile(1))).toMatch(/the `CONFIG_DAX=n` stub returns \*\*NULL\*\* \(before 6\.9\)/);
  });

  it('says what the others do, and nothing for calls it does not know', () => {
    expect(daxNote('kill_dax', profile(12))).toMatch(/synchronize_srcu\(\).*NULL does nothing/);
    expect(daxNote('put_dax', profile(12))).toMatch(/`kill_dax\(\)` first/);
    expect(daxNote('dax_add_host', profile(12))).toMatch(/dax_remove_host\(disk\)/);
    expect(daxNote('request_mem_region', profile(12))).toBeUndefined();
  });
});
