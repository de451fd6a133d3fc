// Compound literals assigned whole: `pgmap->range = (struct range){ .start = a, .end = b };`
// writes each designated field, as the field assignments it stands for would (found in review:
// memmap-range-align read a range set this way as unknown; 6.12's drivers/xen/unpopulated-alloc.c
// sets its pagemap's range so).

import type { SNode } from '../syntax/snode.js';

/** The designated fields of a compound literal (`.field = value`) and their value expressions. */
export function designatedFields(n: SNode): [field: string, value: SNode][] {
  if (n.type !== 'compound_literal_expression') return [];
  const out: [string, SNode][] = [];
  for (const pair of n.child('value')?.children ?? []) {
    if (pair.type !== 'initializer_pair') continue;
    const designators = pair.childrenOf('designator');
    const field = designators.length === 1 && designators[0]?.type === 'field_designator' ? designators[0].find((c) => c.type === 'field_identifier')?.text : undefined;
    const value = pair.child('value');
    if (field && value) out.push([field, value]);
  }
  return out;
}
