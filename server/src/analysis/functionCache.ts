// The per-function result cache: what a result is kept with, and when it may serve a function
// as it is now. The key (cacheKey.ts) holds the function's tokens and what its walk reads, so
// an edit of its comments or spacing finds the old result: positions are what may differ.

import type { CallFact } from './callFacts.js';
import type { Finding } from './finding.js';
import { detached } from '../textHash.js';
import { commentRanges } from '../syntax/tokens.js';

/** Findings of one function with positions relative to the function's start. */
export interface FunctionResult {
  /**
   * The function's line when it was analyzed. Messages cite lines ("requested at line 24") as
   * text, which rebasing cannot move: a result with findings is reused only on that line.
   */
  line?: number;
  /**
   * Where the helpers it read sat relative to it (functionCacheKey()): findings may point
   * into them, so a result with findings is reused only with the same layout.
   */
  layout?: string;
  /** textHash() of the function's text when it was analyzed. */
  exact?: string;
  /** That text (a copy that keeps no document alive): kept when call facts may have to move. */
  text?: string;
  findings: Finding[];
  calls: CallFact[];
  partial: boolean;
  /** Rules that threw on this function: their findings here are lost, the other rules' are not. */
  ruleErrors?: { rule: string; reason: string }[];
}

/**
 * Per-function results keyed by everything that can change them. Bounded LRU. Only the most
 * recently stored results keep their text (`texts` of them): the functions being edited are
 * what the next edit's lookups ask about, and a text per entry would make the cache several
 * times larger.
 */
export class FunctionCache {
  private readonly map = new Map<string, FunctionResult>();
  /** Keys whose entries keep their text, oldest first. */
  private readonly withText = new Set<string>();
  constructor(private readonly capacity = 4096, private readonly texts = 512) {}

  get(key: string): FunctionResult | undefined {
    const v = this.map.get(key);
    if (v) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, v: FunctionResult): void {
    this.map.set(key, v);
    this.withText.delete(key);
    if (v.text !== undefined) this.withText.add(key);
    if (this.withText.size > this.texts) {
      const oldest = this.withText.keys().next().value as string;
      this.withText.delete(oldest);
      const e = this.map.get(oldest);
      // Map.set() on a key it has keeps the key's place in the LRU order.
      if (e) this.map.set(oldest, { ...e, text: undefined });
    }
    if (this.map.size > this.capacity) {
      const lru = this.map.keys().next().value as string;
      this.map.delete(lru);
      this.withText.delete(lru);
    }
  }

  get size(): number {
    return this.map.size;
  }
}

/** The function as it is now, for reuse(). */
export interface FunctionNow {
  line: number;
  layout: string;
  exact: string;
  /** Its text (function-relative offsets index it). */
  text: string;
}

/**
 * The cached result under `key` as it holds for the function now, or undefined when the
 * function must be walked again. A result with findings needs the same text, line and layout
 * (its messages cite lines, its traces may point into helpers). One without holds wherever the
 * function moved and whatever its comments and spacing became: only its call facts (hovers)
 * have positions, and those move with the text around them.
 */
export function reuse(cache: FunctionCache, key: string, now: FunctionNow): FunctionResult | undefined {
  const r = cache.get(key);
  if (!r) return undefined;
  if (r.findings.length) return r.line === now.line && r.layout === now.layout && r.exact === now.exact ? r : undefined;
  if (r.exact === now.exact || !r.calls.length) return r;
  const moved = r.text === undefined ? undefined : moveCalls(r.calls, r.text, now.text);
  if (!moved) return undefined;
  const updated = { ...r, calls: moved, exact: now.exact, text: detached(now.text) };
  cache.set(key, updated);
  return updated;
}

/** What to store for a fresh result of the function now. */
export function toStore(r: FunctionResult, now: FunctionNow): FunctionResult {
  return { ...r, line: now.line, layout: now.layout, exact: now.exact, ...(r.calls.length && !r.findings.length ? { text: detached(now.text) } : {}) };
}

/**
 * The call facts of `before` moved to `after`, which differs from it in one stretch (the common
 * prefix and suffix stay, what lies between changed): positions before it stay, positions after
 * it move by the change in length. Undefined when a position lies in the stretch.
 */
export function moveCalls(calls: readonly CallFact[], before: string, after: string): CallFact[] | undefined {
  const max = Math.min(before.length, after.length);
  let p = 0;
  while (p < max && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  let q = 0;
  while (q < max - p && before.charCodeAt(before.length - 1 - q) === after.charCodeAt(after.length - 1 - q)) q++;
  const tail = before.length - q;
  const delta = after.length - before.length;
  // A start is the offset of a character of the call, an end the offset past one.
  const start = (s: number): number | undefined => (s < p ? s : s >= tail ? s + delta : undefined);
  const end = (e: number): number | undefined => (e <= p ? e : e - 1 >= tail ? e + delta : undefined);
  // The stretch is only blanks and comments (the tokens are the same), and where it repeats the
  // text around it the prefix and suffix can take a copy a comment holds for the call (found in
  // review): a call may hold a comment, but never starts in one.
  const comments = calls.length ? commentRanges(after) : [];
  const out: CallFact[] = [];
  for (const c of calls) {
    const s = start(c.start);
    const e = end(c.end);
    if (s === undefined || e === undefined || comments.some(([cs, ce]) => cs <= s && s < ce)) return undefined;
    out.push({ ...c, start: s, end: e });
  }
  return out;
}
