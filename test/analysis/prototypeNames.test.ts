// C names that are also names of Object.prototype's members (constructor, toString, valueOf,
// __proto__, hasOwnProperty...) are ordinary identifiers to the kernel: as variables, fields,
// callees, #define names and /proc/iomem resource names they must mean nothing special to the
// model's lookup tables. Before the tables had no prototype, `constructor` in a size made the
// walk throw ("Cannot convert function Object() to a BigInt") and the function went unanalyzed.

import { describe, expect, it } from 'vitest';
import { inferFlags } from '../../model/src/resource/iomem';
import { analyzeSource } from '../helpers';

// `length` is an ordinary name: the control, showing the fixture reports the leak at all.
const NAMES = ['length', 'constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__'];

describe('names of Object.prototype members in C', () => {
  it.each(NAMES)('%s as a variable, field, callee and constant: the leak is still found, nothing throws', async (name) => {
    const src = `#define SIZE_${name} (0x1000 * ${name})
struct foo { struct resource *${name}; };

static int probe(struct foo *p, u64 start, int ${name})
{
\tstruct resource *r;

\tr = request_mem_region(start, SIZE_${name} + ${name}(p->${name}), "x");
\tif (!r)
\t\treturn -EBUSY;
\tr->flags = ${name};
\tif (${name}(${name}) > 3)
\t\treturn -EINVAL;
\treturn 0;
}
`;
    const a = await analyzeSource(src);
    expect(a.errors).toEqual([]);
    expect(a.findings.map((f) => f.rule)).toContain('resource-leak');
  });

  it.each(NAMES)('%s as a resource name in a /proc/iomem dump gets the flags of any unknown name', (name) => {
    expect(inferFlags(name, 0x1000n, false)).toEqual(inferFlags('foo', 0x1000n, false));
    expect(inferFlags(name, 0x1000n, true)).toEqual(inferFlags('foo', 0x1000n, true));
  });
});
