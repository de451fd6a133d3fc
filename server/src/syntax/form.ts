// The form of a subtree: its nodes' kinds, nesting and token texts, without comments or
// blanks. Two texts of one form give the analysis the same syntax, whatever their spacing.

import { walkWith } from './cursor.js';
import type { TSNode } from './parser.js';

/**
 * A hash of `node`'s form (`text` is the text it was parsed from). Two independent 32-bit
 * FNV-1a hashes over the walk: a node's kind on entering it, a marker on leaving it, a leaf's
 * text and whether the parser made it up (a missing token).
 */
export function formHash(node: TSNode, text: string): string {
  const comment = node.tree.language.idForNodeType('comment', true);
  let a = 2166136261;
  let b = 374761393;
  const mix = (c: number): void => {
    a = Math.imul(a ^ c, 16777619);
    b = Math.imul(b ^ c, 2246822519);
  };
  walkWith(node, (c) => {
    let depth = 0;
    for (;;) {
      const type = c.typeId();
      if (type !== comment) {
        mix(0x10000 + type);
        if (c.firstChild()) {
          depth++;
          continue;
        }
        // A leaf: its text (a missing token has none, and says so).
        const start = c.start();
        const end = c.end();
        if (start === end && c.missing()) mix(0x20000);
        for (let i = start; i < end; i++) mix(text.charCodeAt(i));
        mix(0x30000);
      }
      while (!c.nextSibling()) {
        if (depth === 0 || !c.parent()) return;
        depth--;
        mix(0x30000);
      }
    }
  });
  return `${(a >>> 0).toString(36)}:${(b >>> 0).toString(36)}`;
}
