// HELD_RESOURCE_ARGS says which contracts act only on a resource the path holds (or on
// `&iomem_resource` written as such): facts.ts leaves out the walks that cannot come to hold one.
// Each entry is checked against its contract: with no resource at that argument, whatever plain
// values the others have, the contract does nothing.

import { describe, expect, it } from 'vitest';
import { CONTRACTS, CallSite, HELD_RESOURCE_ARGS, ModelView, NULL_VALUE, Value, DEFAULT_PROFILE, defaultLayout } from '../../model/src/index';

/** Every value a path can hold without the model: no pointer to a modeled object, no status, no ERR_PTR. */
const PLAIN: Value[] = [
  { k: 'unknown' }, { k: 'int', v: 0n }, { k: 'int', v: 0x1000n }, { k: 'int', v: -1n }, NULL_VALUE, { k: 'nonnull' }, { k: 'truthy' },
  { k: 'sym', key: 's@', text: 's' }, { k: 'sym', key: 'p@', text: 'p', phys: true, nonzero: true },
];

/** A view that knows every plain value as generously as a path could (addresses, fields, strings) and holds nothing. */
function view(call: CallSite, fieldValue: Value): ModelView {
  const tree = defaultLayout().tree;
  return {
    profile: DEFAULT_PROFILE,
    resourceHandle: () => undefined,
    concrete: (v, role) => (v.k === 'int' ? v.v : v.k === 'sym' ? (role === 'start' ? 0x100000000n : 0x1000n) : undefined),
    stringArg: () => 'name',
    field: () => fieldValue,
    tree: () => tree,
    resource: (_v, text) => (text.replace(/\s+/g, '') === '&iomem_resource' ? tree.root : undefined),
    daxTarget: (v) => (v.k === 'null' || (v.k === 'int' && v.v === 0n) ? { null: true } : undefined),
    memHandle: () => undefined,
    pageHandle: () => undefined,
    lvalue: (i) => call.argText[i] ?? '',
  };
}

describe('HELD_RESOURCE_ARGS', () => {
  for (const [name, { arg, iomem }] of Object.entries(HELD_RESOURCE_ARGS)) {
    it(`${name}() does nothing unless argument ${arg} is a held resource${iomem ? ' or &iomem_resource' : ''}`, () => {
      const contract = CONTRACTS[name];
      expect(contract, name).toBeDefined();
      let acted = false;
      for (let n = 0; n < 7; n++) {
        for (const v of PLAIN) {
          for (const field of [{ k: 'int', v: 0x2000n } as Value, { k: 'unknown' } as Value]) {
            const args = Array.from({ length: n }, () => v);
            const text = (i: number): string => (i === 0 ? '&ioport_resource' : `a${i}`);
            const call: CallSite = { callee: name, args, argText: args.map((_, i) => text(i)) };
            expect(contract?.(call, view(call, field)), `${name} with ${n} arguments of ${JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x))}`).toBeUndefined();
            if (iomem && n > arg) {
              // Written `&iomem_resource` there, it may act: the exception is needed.
              const named: CallSite = { ...call, argText: call.argText.map((t, i) => (i === arg ? '&iomem_resource' : t)) };
              if (contract?.(named, view(named, field))) acted = true;
            }
          }
        }
      }
      expect(acted).toBe(iomem === true);
    });
  }
});
