// What a function's analysis reads of its file, as the key its cached result is kept under: a
// result may be reused only while every text the walk can reach is the same.

import { ZONE_DISCRIMINATORS } from '../../../model/src/index.js';
import type { FunctionInfo } from '../syntax/functions.js';
import { formHash } from '../syntax/form.js';
import { FileFacts, callerHoldsHotplug } from './facts.js';
import { BoundedMemo, textHash } from '../textHash.js';
import { hashString } from '../engine/cowMap.js';
import { isWordChar, tokenText } from '../syntax/tokens.js';
import { devresActions } from './devresActions.js';

export { devresActions };

/**
 * The identifiers a text names (its maximal runs of identifier characters), as hashString()s,
 * by the text's hash: whether it names a word, for every word a key asks about, in one pass over
 * the text (a substring test took `_pfn`, a function renamed by a space typed into
 * `find_smallest_section_pfn`, for a helper of every function that says `start_pfn`).
 * Hashes, not the words: a word sliced out of a document would keep the document alive. A hash
 * collision can only make a text seem to name a word it does not: one more thing in the key,
 * an entry given up sooner, never a result reused where it should not be.
 */
const wordSets = new BoundedMemo<ReadonlySet<number>>(2048);

export function wordsOf(t: string, exact = textHash(t)): ReadonlySet<number> {
  let words = wordSets.get(exact);
  if (words) return words;
  const out = new Set<number>();
  let h = 0;
  let inWord = false;
  for (let i = 0; i <= t.length; i++) {
    const c = t.charCodeAt(i);
    if (isWordChar(c)) {
      h = inWord ? Math.imul(h ^ c, 16777619) : Math.imul(2166136261 ^ c, 16777619);
      inWord = true;
    } else if (inWord) {
      out.add(h >>> 0);
      inWord = false;
    }
  }
  wordSets.set(exact, (words = out));
  return words;
}

/** Whether the text of `words` (wordsOf()) names `word` as a whole identifier. */
export function hasWord(words: ReadonlySet<number>, word: string): boolean {
  return word !== '' && words.has(hashString(word));
}

/**
 * tokenText()'s hash, by the exact text's hash: an edit re-keys every function, and most
 * helpers are the texts they were (bounded; entries hold hashes, never a file's text).
 */
const tokenHashes = new BoundedMemo<string>(2048);

function tokenHash(t: string, exact: string): string {
  let h = tokenHashes.get(exact);
  if (h === undefined) tokenHashes.set(exact, (h = textHash(tokenText(t))));
  return h;
}


/**
 * What of a function's text enters a key: its tokens (tokenText()), or, for a function with a
 * syntax error of its own (or one rebuilt from a brace block), the form of its subtree
 * (syntax/form.ts): tree-sitter's recovery weighs the bytes it skips, so there a blank alone can
 * give another tree. Kept by the exact text's hash, as the tokens are.
 *
 * A definition with no error of its own is keyed by its tokens even inside an error region: the
 * same tokens give it the same subtree there as at the top level. A character typed into an
 * `#endif` leaves its `#if` open to the end of the file, which can put every function below it
 * inside an ERROR node: they were all walked again (eight in drivers/nvdimm/pmem.c), their texts
 * unchanged. Checked on every eighth .c file of Linux 6.12 (4,332) with its first `#endif`
 * split: each of the 4,089 such definitions has the form its text has parsed alone (and each of
 * 569 found as they are).
 */
const recoveredForms = new BoundedMemo<string>(2048);

function formOf(f: FunctionInfo, t: string, exact: string, text: string): string {
  if (!f.recovered || cleanDefinition(f)) return tokenHash(t, exact);
  let h = recoveredForms.get(exact);
  // With the tokens of what stands before the body: a function rebuilt from a brace block has a
  // node of the block alone, and its head says what it returns (a `*` makes `return 0` an error
  // return; found in review).
  if (h === undefined) recoveredForms.set(exact, (h = `~${formHash(f.node, text)}~${textHash(tokenText(text.slice(f.start, f.bodyStart)))}`));
  return h;
}

/** A function definition the parser found no error in (it may sit inside an ERROR node). */
function cleanDefinition(f: FunctionInfo): boolean {
  return f.node.type === 'function_definition' && !f.node.hasError;
}

/**
 * The function's text and everything its walk can read besides: the relevant static helpers it
 * inlines, the static functions it hands to devres (their bodies run when the call fails), the
 * DEFINE_FREE() bodies its `__free()` variables run, which named functions release (a call of
 * one counts as a release attempt), and the `#define`s and string constants any of those texts
 * name (a define's own body too, to a fixpoint), and what the walk asks about each helper by
 * name that its tokens do not say (whether it is walked on its own, creates something, is a
 * RAM walker's callback, and whether the comment above it says its caller holds hotplug). The
 * function's start column enters the key (results keep absolute columns; lines and offsets are
 * stored relative to the function and rebased); of the comment above it, only whether it says
 * the caller holds memory hotplug. The other functions enter as their tokens (tokenText(); the
 * form of their tree if it has an error of its own, formOf()): where they sit relative to it and
 * their exact text are the `layout`, apart from the key. Only findings can point into them (a
 * trace step inside a helper), so a result without findings holds wherever they moved and
 * whatever their comments and spacing became, and one with findings only where nothing did.
 */
/**
 * devresActions() of a definition, by its text's hash: each key reads the function and every
 * helper it takes, at every edit, and each read took the text's comments out again (a quarter
 * of the keys' time on mm/memory_hotplug.c).
 */
const devresMemo = new BoundedMemo<readonly string[]>(2048);

function devresActionsOf(text: string, hash: string | undefined): readonly string[] {
  if (hash === undefined) return devresActions(text);
  let names = devresMemo.get(hash);
  if (!names) devresMemo.set(hash, (names = devresActions(text)));
  return names;
}

export function functionCacheKey(fn: FunctionInfo, facts: FileFacts, optionsKey: string): { key: string; layout: string; exact: string } {
  const text = facts.text;
  const body = text.slice(fn.start, fn.end);
  const col = (offset: number): number => offset - (text.lastIndexOf('\n', offset - 1) + 1);
  const exact = fn.hash ?? textHash(body);
  const parts = [optionsKey, String(callerHoldsHotplug(text, fn.start)), `${col(fn.start)}`, formOf(fn, body, exact, text), String(facts.ramWalkers.has(fn.name)), [...facts.releaseCallbacks].join(',')];
  // Texts the walk reads, and the functions among them (each enters once), with their hashes
  // where they are definitions (a `DEFINE_FREE()` body has none).
  const read = [body];
  const readHashes: (string | undefined)[] = [exact];
  const words = [wordsOf(body, exact)];
  const named = (name: string): boolean => words.some((w) => hasWord(w, name));
  const layout: string[] = [];
  const taken = new Set<FunctionInfo>([fn]);
  const take = (h: FunctionInfo | undefined): void => {
    if (!h || taken.has(h) || !h.isStatic) return;
    taken.add(h);
    const t = text.slice(h.start, h.end);
    const exact = h.hash ?? textHash(t);
    parts.push(formOf(h, t, exact, text));
    // What the walk asks about the helper by name (inline.ts): whether it is walked on its own,
    // creates something, is a RAM walker's callback, and whether the comment above it says its
    // caller holds hotplug. Comments and the rest of the file decide these, not its tokens.
    // (The comment matters only for an entry, the only kind ownWalkSuffices() reads it of.)
    const entry = facts.entries.has(h.name);
    parts.push(`${entry}${facts.creators.has(h.name)}${facts.ramWalkers.has(h.name)}${entry && callerHoldsHotplug(text, h.start)}`);
    layout.push(`${h.start - fn.start}:${h.line - fn.line}:${col(h.start)}:${exact}`);
    read.push(t);
    readHashes.push(exact);
    words.push(wordsOf(t, exact));
  };
  for (const name of facts.relevant) if (hasWord(words[0] as ReadonlySet<number>, name)) take(facts.functions.get(name));
  // Helpers run devres actions and cleanups too, and a cleanup can hand a function to devres
  // (found in review: `DEFINE_FREE(put, T, devm_add_action_or_reset(NULL, act, _T))`): every
  // text taken, until none is new.
  const freeTaken = new Set<string>();
  for (let i = 0; ;) {
    for (; i < read.length; i++) for (const name of devresActionsOf(read[i] as string, readHashes[i])) take(facts.functions.get(name));
    let more = false;
    if (read.some((t) => t.includes('__free'))) {
      for (const [name, def] of facts.freeDefs) {
        if (!freeTaken.has(name) && named(name)) {
          freeTaken.add(name);
          parts.push(`~${name}=${def}`);
          read.push(def);
          readHashes.push(undefined);
          words.push(wordsOf(def));
          more = true;
        }
      }
    }
    if (!more) break;
  }
  for (const name of facts.releasers) if (named(name)) parts.push(`R${name}`);
  // Which of the file's functions it calls tell ZONE_DEVICE pages apart (memmap-reserved-zone-device).
  if (facts.zoneCheckers !== ZONE_DISCRIMINATORS) for (const name of facts.zoneCheckers) if (!ZONE_DISCRIMINATORS.has(name) && named(name)) parts.push(`Z${name}`);
  for (const [k, v] of facts.strings) if (named(k)) parts.push(`${k}=${v}`);
  // A define's value may name other defines: follow them until none is new.
  const defined = new Set<string>();
  for (let frontier = words; frontier.length;) {
    const next: ReadonlySet<number>[] = [];
    for (const [k, v] of facts.defines) {
      if (!defined.has(k) && frontier.some((w) => hasWord(w, k))) {
        defined.add(k);
        parts.push(`#${k}=${v}`);
        next.push(wordsOf(v));
      }
    }
    frontier = next;
  }
  // Hashed, as the texts in it are (textHash(): two 32-bit FNV-1a and the length; a SHA-256 per
  // function and edit was 0.14 ms of each edit of mm/memory_hotplug.c, most of it the crypto
  // object's making): the defines and strings it names would make some keys kilobytes long.
  return { key: textHash(parts.join('\u0000')), layout: layout.join(','), exact };
}
