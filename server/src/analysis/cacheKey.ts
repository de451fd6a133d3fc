// What a function's analysis reads of its file, as the key its cached result is kept under: a
// result may be reused only while every text the walk can reach is the same.

import { createHash } from 'node:crypto';
import type { FunctionInfo } from '../syntax/functions.js';
import { FileFacts, docComment } from './facts.js';

/** Calls whose second argument is a function the walk runs (a devres action, at once when the call fails). */
const RUNS_A_FUNCTION = 'devm_add_action';

/**
 * Whether `t` names `word` as a whole identifier. A substring test took a function renamed to
 * `_pfn` (a space typed into `find_smallest_section_pfn`) for a helper of every function that
 * says `start_pfn`, and walked them all again.
 */
export function namesWord(t: string, word: string): boolean {
  for (let i = t.indexOf(word); i !== -1; i = t.indexOf(word, i + 1)) {
    if (!isWordChar(t.charCodeAt(i - 1)) && !isWordChar(t.charCodeAt(i + word.length))) return true;
  }
  return false;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** The second arguments of the devm_add_action*() calls in `t` (raw text, parentheses balanced). */
export function devresActions(t: string): string[] {
  const out: string[] = [];
  for (let i = t.indexOf(RUNS_A_FUNCTION); i !== -1; i = t.indexOf(RUNS_A_FUNCTION, i + 1)) {
    let j = t.indexOf('(', i);
    if (j === -1) break;
    // Past the first argument: the comma at depth one.
    for (let depth = 0; j < t.length; j++) {
      const c = t[j];
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) break;
      else if (c === ',' && depth === 1) break;
    }
    const m = /^,\s*([A-Za-z_]\w*)/.exec(t.slice(j, j + 200));
    if (m) out.push(m[1] as string);
  }
  return out;
}

/**
 * The function's text and everything its walk can read besides: the relevant static helpers it
 * inlines, the static functions it hands to devres (their bodies run when the call fails), the
 * DEFINE_FREE() bodies its `__free()` variables run, which named functions release (a call of
 * one counts as a release attempt), and the `#define`s and string constants any of those texts
 * name (a define's own body too, to a fixpoint). The function's start column enters the key
 * (results keep absolute columns; lines and offsets are stored relative to the function and
 * rebased). Where the other functions sit relative to it is the `layout`, apart from the key:
 * only findings can point into them (a trace step inside a helper), so a result without
 * findings holds wherever they moved, and one with findings only where they stayed.
 */
export function functionCacheKey(fn: FunctionInfo, facts: FileFacts, optionsKey: string): { key: string; layout: string } {
  const text = facts.text;
  const body = text.slice(fn.start, fn.end);
  const col = (offset: number): number => offset - (text.lastIndexOf('\n', offset - 1) + 1);
  const parts = [optionsKey, docComment(text, fn.start), `${col(fn.start)}`, body, String(facts.ramWalkers.has(fn.name)), [...facts.releaseCallbacks].join(',')];
  // Texts the walk reads, and the functions among them (each enters once).
  const read = [body];
  const layout: string[] = [];
  const taken = new Set<FunctionInfo>([fn]);
  const take = (h: FunctionInfo | undefined): void => {
    if (!h || taken.has(h) || !h.isStatic) return;
    taken.add(h);
    const t = text.slice(h.start, h.end);
    parts.push(t);
    layout.push(`${h.start - fn.start}:${h.line - fn.line}:${col(h.start)}`);
    read.push(t);
  };
  for (const name of facts.relevant) if (namesWord(body, name)) take(facts.functions.get(name));
  // Helpers run devres actions and cleanups too: look at every text taken so far.
  for (let i = 0; i < read.length; i++) {
    const t = read[i] as string;
    for (const name of devresActions(t)) take(facts.functions.get(name));
  }
  if (read.some((t) => t.includes('__free'))) {
    for (const [name, def] of facts.freeDefs) {
      if (read.some((t) => namesWord(t, name))) {
        parts.push(`~${name}=${def}`);
        read.push(def);
      }
    }
  }
  for (const name of facts.releasers) if (read.some((t) => namesWord(t, name))) parts.push(`R${name}`);
  for (const [k, v] of facts.strings) if (read.some((t) => namesWord(t, k))) parts.push(`${k}=${v}`);
  // A define's value may name other defines: follow them until none is new.
  const defined = new Set<string>();
  for (let frontier = read; frontier.length;) {
    const next: string[] = [];
    for (const [k, v] of facts.defines) {
      if (!defined.has(k) && frontier.some((t) => namesWord(t, k))) {
        defined.add(k);
        parts.push(`#${k}=${v}`);
        next.push(v);
      }
    }
    frontier = next;
  }
  // Hashed: the text of the function and its helpers would make each entry kilobytes long.
  return { key: createHash('sha256').update(parts.join('\u0000')).digest('base64'), layout: layout.join(',') };
}
