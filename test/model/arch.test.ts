// Arch constants as each arch's sparsemem.h defines them (Linux 6.12).

import { describe, expect, it } from 'vitest';
import { archConstants } from '../../model/src/index';

describe('archConstants', () => {
  it('takes the 32-bit and parisc constants from their sparsemem.h (found in review: a common 32-bit guess)', () => {
    expect(archConstants('arm')).toMatchObject({ sectionSizeBits: 28, maxPhysmemBits: 36 }); // LPAE
    expect(archConstants('mips')).toMatchObject({ sectionSizeBits: 28, maxPhysmemBits: 48 });
    expect(archConstants('parisc')).toMatchObject({ sectionSizeBits: 27, maxPhysmemBits: 39 });
    expect(archConstants('x86_64')).toMatchObject({ sectionSizeBits: 27, maxPhysmemBits: 46, pageShift: 12 });
  });
});
