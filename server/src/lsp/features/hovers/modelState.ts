// Hovers that show model state at a call: the resource tree before and after a resource API
// call, a dax_device's lifecycle state after a DAX call; and the same for a variable, from the
// last such call before it that names it.

import type { CallFact } from '../../../analysis/callFacts.js';

const fence = (s: string): string => `\`\`\`\n${s || '(nothing in this range)'}\n\`\`\``;
const callName = (callee: string): string => (/^\w+$/.test(callee) ? `${callee}()` : callee);

export function resourceHover(f: CallFact, layoutName: string, lineOf: (offset: number) => number): string | undefined {
  const t = f.tree;
  if (!t) return undefined;
  return [
    `**${callName(f.callee)}** on the layout "${layoutName}" (line ${lineOf(f.start) + 1}, on a path where it succeeds; ◀ marks ${t.region})`,
    `Before:\n${fence(t.before)}`,
    `After${t.ok ? '' : ' (the call fails on this path)'}:\n${fence(t.after)}`,
  ].join('\n\n');
}

export function daxHover(f: CallFact, lineOf: (offset: number) => number): string | undefined {
  if (!f.dax) return undefined;
  const entries = Object.entries(f.dax);
  const total = entries.reduce((n, [, c]) => n + c, 0);
  return [`**${callName(f.callee)}** (line ${lineOf(f.start) + 1}): the dax_device after the call, on the ${total} path${total === 1 ? '' : 's'} walked through it`,
    ...entries.map(([state, n]) => `- ${state}: ${n} path${n === 1 ? '' : 's'}`)].join('\n');
}

/**
 * The last modeled call before `offset` (inside `[from, offset)`) that names `word`, with a tree
 * or DAX state to show. A field (`pmem->dax_dev`) and a variable of the same name (`dax_dev`)
 * are told apart, as the hovered word is written (found in review: one stood for the other).
 */
export function lastCallNaming(calls: readonly CallFact[], text: string, word: string, from: number, offset: number): CallFact | undefined {
  const field = /(?:->|\.)\s*$/.test(text.slice(Math.max(0, offset - 8), offset));
  const re = new RegExp(field ? `(?:->|\\.)\\s*${word}\\b` : `(?<!->|\\.|->\\s|\\.\\s)\\b${word}\\b`);
  let best: CallFact | undefined;
  for (const c of calls) {
    if (c.start < from || c.end > offset || (!c.tree && !c.dax)) continue;
    const lineStart = text.lastIndexOf('\n', c.start) + 1;
    if (re.test(text.slice(c.start, c.end)) || re.test(text.slice(lineStart, c.start))) best = c;
  }
  return best;
}

/**
 * Labels between the call and `to` that a goto before the call jumps to: paths through them
 * reach `to` without running the call (`fnStart`: where the function's text starts).
 */
export function labelsSkipping(text: string, fnStart: number, call: { start: number; end: number }, to: number): string[] {
  const before = text.slice(fnStart, call.start);
  return [...text.slice(call.end, to).matchAll(/^[ \t]*([A-Za-z_]\w*):(?!:)[ \t]*(?:\/\*.*\*\/)?[ \t]*$/gm)]
    .map((m) => m[1] as string)
    .filter((l) => l !== 'default' && new RegExp(`\\bgoto\\s+${l}\\s*;`).test(before));
}
