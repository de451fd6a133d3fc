// What the CLI parses of a file: only the functions an analysis can reach. Tree-sitter's time
// grows with the text (4-5 MB/s on kernel C, and blanks are not free: 700 KB of spaces take
// 80 ms), and a driver that names one modeled API in one function is mostly other functions,
// types and tables. The bodies of the other functions are taken out of the text the analysis
// reads (they leave their line breaks, so every line and column of what is kept is what it
// was; offsets move, and `toOriginal()` maps them back), and the parse covers only the kept
// functions (`ranges`, tree-sitter's included ranges): types, tables and the heads of the
// functions taken out stay in the text for the raw-text facts but cost no parse time.
//
// Works on raw text, before any parse: a small C lexer (comments, strings, character
// constants, preprocessor lines) finds the top-level `{...}` that follow a `)` with no `=`
// before them: function bodies, also behind macro signatures. Other top-level blocks (not
// initializers) are judged like functions and parsed when wanted: a function behind a
// signature the lexer does not recognize is not lost. When the braces do not balance (an
// #ifdef that opens two bodies and closes one), the text is returned whole.

import type { FileAnalysis } from './finding.js';
import { devresActions } from './devresActions.js';

export interface FunctionRegion {
  /**
   * A function body, or another top-level `{...}` that is neither an initializer (`= {`) nor
   * after a `)`: a type, or a function behind a signature this lexer does not recognize. Only
   * functions are taken out; a block is parsed when a judge wants its text.
   */
  kind: 'function' | 'block';
  /** The names called in the declaration before the body (the function's, or its macro's). */
  names: string[];
  /** Where the declaration starts: after the last top-level `;` or `}` before it. */
  declStart: number;
  /** Offsets of the body's `{` and `}`. */
  open: number;
  close: number;
}

/** Identifiers in a declaration that are attributes, not the function's name. */
const NOT_NAMES = new Set([
  '__attribute__', '__acquires', '__releases', '__must_hold', '__printf', '__scanf', '__section', '__aligned',
  '__cond_acquires', '__no_context_analysis', 'sizeof', 'typeof', '__typeof__', 'alignof', '__alignof__', 'asm', '__asm__',
]);

/** The top-level function bodies and blocks of `text`, or undefined when its braces do not balance. */
export function functionRegions(text: string): FunctionRegion[] | undefined {
  const out: FunctionRegion[] = [];
  const n = text.length;
  let depth = 0;
  let open = -1;
  /** The current top-level `{`, and whether the declaration before it assigns (an initializer). */
  let blockOpen = -1;
  let initializer = false;
  /** In the current top-level declaration: parentheses open, and an `=` outside them. */
  let parens = 0;
  let assigns = false;
  /** Last significant character at depth 0 (not blank, comment or preprocessor line). */
  let last = '';
  /** Where the current top-level declaration started (after the last `;` or `}`). */
  let declStart = 0;
  let lineStart = true;
  let i = 0;
  while (i < n) {
    if (depth > 0) {
      // Inside a body only braces and what can hide them matter: jump to the next of those.
      BODY_SPECIAL.lastIndex = i;
      const m = BODY_SPECIAL.exec(text);
      if (!m) return undefined; // a body never closed
      i = m.index;
      const b = text.charCodeAt(i);
      if (b === 35 && !onlyBlanksBefore(text, i)) {
        i++;
        continue;
      }
      if (b === 47 && text.charCodeAt(i + 1) !== 42 && text.charCodeAt(i + 1) !== 47) {
        i++;
        continue;
      }
      lineStart = b === 35;
    }
    const c = text.charCodeAt(i);
    if (c === 10) { // \n
      lineStart = true;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
      i++;
      continue;
    }
    if (c === 35 && lineStart) { // # directive: to the end of the line, continuations included
      i = skipDirective(text, i);
      continue;
    }
    lineStart = false;
    if (c === 47 && text.charCodeAt(i + 1) === 42) { // /* */
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 47) { // //, continued by a backslash-newline
      i = lineCommentEnd(text, i);
      continue;
    }
    if (c === 34 || c === 39) { // "..." '...'
      i = quotedEnd(text, i, c);
      continue;
    }
    if (c === 123) { // {
      if (depth === 0) {
        // A function: `(...)` then the body, no `=` before it (comments and strings skipped).
        open = last === ')' && !assigns ? i : -1;
        blockOpen = i;
        initializer = assigns;
      }
      depth++;
    } else if (c === 125) { // }
      depth--;
      if (depth < 0) return undefined;
      if (depth === 0) {
        if (open >= 0) out.push({ kind: 'function', names: declNames(text, declStart, open), declStart, open, close: i });
        else if (!initializer) out.push({ kind: 'block', names: [], declStart, open: blockOpen, close: i });
        declStart = i + 1;
        parens = 0;
        assigns = false;
      }
    } else if (depth === 0) {
      if (c === 59) { // ;
        declStart = i + 1;
        parens = 0;
        assigns = false;
      } else if (c === 40) parens++;
      else if (c === 41) parens--;
      else if (c === 61 && parens === 0) assigns = true;
    }
    if (depth === 0) last = text[i] as string;
    i++;
  }
  return depth === 0 ? out : undefined;
}

/** What can open or close a brace, or hide one, inside a function body. */
const BODY_SPECIAL = /[{}"'\/#]/g;

/** Whether only blanks precede offset `i` on its line (a `#` there starts a directive). */
function onlyBlanksBefore(text: string, i: number): boolean {
  for (let k = i - 1; k >= 0; k--) {
    const c = text.charCodeAt(k);
    if (c === 10) return true;
    if (c !== 32 && c !== 9 && c !== 13 && c !== 12 && c !== 11) return false;
  }
  return true;
}

function skipDirective(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) return i; // the newline itself starts the next line
    if (c === 92 && text.charCodeAt(i + 1) === 10) i += 2;
    else if (c === 92 && text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10) i += 3;
    else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) return lineCommentEnd(text, i);
    else if (c === 34 || c === 39) i = quotedEnd(text, i, c);
    else i++;
  }
  return n;
}

function lineCommentEnd(text: string, i: number): number {
  for (;;) {
    const nl = text.indexOf('\n', i);
    if (nl < 0) return text.length;
    let k = nl - 1;
    if (text.charCodeAt(k) === 13) k--;
    if (text.charCodeAt(k) !== 92) return nl;
    i = nl + 1;
  }
}

/** The end of a string or character constant; an unterminated one ends at the newline. */
function quotedEnd(text: string, i: number, quote: number): number {
  const n = text.length;
  for (let j = i + 1; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c === 92) j++;
    else if (c === quote) return j + 1;
    else if (c === 10) return j;
  }
  return n;
}

/**
 * The identifiers called in a declaration. `\b` first: without it a number's tail before a
 * parenthesis was a name (`x84` of `0x84(`), and the pattern was tried at every character of
 * every identifier of the declaration, comments before it included (twice the time).
 */
function declNames(text: string, from: number, to: number): string[] {
  const decl = text.slice(from, to);
  const names: string[] = [];
  for (const m of decl.matchAll(CALLED_NAME)) if (!NOT_NAMES.has(m[1] as string)) names.push(m[1] as string);
  return names;
}
const CALLED_NAME = /\b([A-Za-z_]\w*)\s*\(/g;

/** How focusText() judges a body by its own text. */
export interface BodyJudge {
  /** The analysis walks it, or inlines it where it is called (it reaches the model). */
  relevant(body: string): boolean;
  /** Some other analysis reads it (file facts, file-level rules). */
  read(body: string): boolean;
  /** A file-level rule reads it (publish-unpaired: the bodies that name a published global). */
  fileRule?(body: string): boolean;
  /**
   * A file-level rule may report in it (publish-unpaired: a plain access to a paired global).
   * When given, with `direct`, a file that has none of these and no function the analysis walks
   * is not parsed at all: what the other bodies give (facts, helpers, publications) serves only
   * walks and those reports.
   */
  fileRuleFinds?(body: string): boolean;
  /** The analysis walks it on its own (it names the model itself, not only a `->flags` write). */
  direct?(body: string): boolean;
  /** A caller the analysis does not walk is kept if this holds (it gives other functions facts). */
  givesFacts?(body: string): boolean;
  /**
   * Which callers of the functions walked on their own the analysis walks too, given the names
   * of the relevant functions that create something (`creator`): a test of a caller's body,
   * names and the declaration before its body. Without it, every caller is kept.
   */
  callers?(creators: readonly string[]): (body: string, names: readonly string[], declaration: string) => boolean;
  /** Whether a relevant body creates something (a request, an add): its callers may be walked for it. */
  creator?(body: string): boolean;
}

/** `devm_add_action[_or_reset](dev, fn, data)`: the engine walks `fn` when the call fails. */

/**
 * `text` with the bodies no analysis reaches blanked. Kept: relevant bodies and those read
 * (`judge`), the bodies that call a function walked on its own and that the analysis walks as
 * entries too (`judge.callers`), and the devres actions kept bodies register (walked where
 * registering fails).
 * Other functions the engine only sees as calls it does not model.
 */
export function focusText(text: string, judge: BodyJudge): Focused {
  const regions = functionRegions(text);
  if (!regions) return whole(text);
  const keep = new Array<boolean>(regions.length).fill(false);
  const byName = new Map<string, number[]>();
  regions.forEach((r, idx) => {
    for (const name of r.names) {
      const list = byName.get(name);
      if (list) list.push(idx);
      else byName.set(name, [idx]);
    }
  });
  const body = (r: FunctionRegion): string => text.slice(r.open + 1, r.close);
  /** The names of the bodies walked on their own (`judge.direct`): their callers may be walked too. */
  const calledNames = new Set<string>();
  const creators: string[] = [];
  /** Some kept body is walked as an entry; some kept body is one a file-level rule may report in. */
  let walks = false;
  let ruleFinds = false;
  /** The bodies that name the model (`judge.direct`): walked on their own if `judge.callers` says so too. */
  const direct: number[] = [];
  regions.forEach((r, idx) => {
    const b = body(r);
    if (judge.fileRule?.(b)) {
      keep[idx] = true;
      ruleFinds ||= judge.fileRuleFinds?.(b) ?? true;
    }
    if (judge.relevant(b)) {
      keep[idx] = true;
      const names = judge.direct?.(b) ?? true;
      if (names) {
        direct.push(idx);
        for (const name of r.names) calledNames.add(name);
      }
      if (judge.creator?.(b)) creators.push(...r.names);
    } else if (judge.read(b)) keep[idx] = true;
  });
  // Walked on its own only if its walk can come to hold a model value (collectFacts() entries).
  const walked = calledNames.size ? judge.callers?.(creators) : undefined;
  walks = direct.some((idx) => {
    const r = regions[idx] as FunctionRegion;
    return !walked || walked(body(r), r.names, text.slice(r.declStart, r.open));
  });
  if (calledNames.size) {
    const calls = new RegExp(`\\b(?:${[...calledNames].join('|')})\\b`);
    regions.forEach((r, idx) => {
      if (keep[idx]) return;
      const b = body(r);
      if (!calls.test(b)) return;
      if (!walked || walked(b, r.names, text.slice(r.declStart, r.open))) keep[idx] = walks = true;
      else if (judge.givesFacts?.(b)) keep[idx] = true;
    });
  }
  // No function walked, and no body a file-level rule may report in (publish-unpaired reports
  // only at plain accesses): nothing in the file for an analysis.
  if (!keep.includes(true) || (judge.fileRuleFinds && !walks && !ruleFinds)) return { ...whole(text), nothing: true };
  const queue = regions.map((_, idx) => idx).filter((idx) => keep[idx]);
  while (queue.length) {
    const r = regions[queue.pop() as number] as FunctionRegion;
    const b = body(r);
    if (!b.includes('devm_add_action')) continue;
    // As the cache key finds them (a first argument with commas inside, a comment before the name).
    for (const name of devresActions(b)) {
      for (const idx of byName.get(name) ?? []) {
        if (!keep[idx]) {
          keep[idx] = true;
          queue.push(idx);
        }
      }
    }
  }
  return squeeze(text, regions, keep);
}

/** A focused text and the way back to the original's offsets. */
export interface Focused {
  text: string;
  /**
   * The kept functions (declarations and bodies) in `text`, in order: all the analysis reads of
   * the tree. Parsed alone (tree-sitter's included ranges), the rest of the file (its types,
   * tables, the heads of the functions taken out) costs no parse time; the analysis still reads
   * all of `text` for what it takes from raw text (#defines, strings, publications).
   * Undefined: parse it all.
   */
  ranges?: { start: number; end: number }[];
  /** No function is kept: no analysis has anything to read in the file, which need not be parsed. */
  nothing?: boolean;
  /** Function bodies kept and taken out. */
  kept: number;
  blanked: number;
  /** The offset in the original text of an offset in `text`. */
  toOriginal(offset: number): number;
}

function whole(text: string): Focused {
  return { text, kept: 0, blanked: 0, toOriginal: (o) => o };
}

/**
 * Takes out the bodies of the regions not kept: each keeps its line breaks and, on its last
 * line, as many spaces as it had characters there (so what follows its `}` keeps its column).
 */
function squeeze(text: string, regions: FunctionRegion[], keep: boolean[]): Focused {
  const parts: string[] = [];
  /** Per dropped body: where the text after it starts, in the focused and the original text. */
  const from: number[] = [];
  const orig: number[] = [];
  /** The kept regions where they land in the focused text. */
  const ranges: { start: number; end: number }[] = [];
  let at = 0;
  let len = 0;
  regions.forEach((r, idx) => {
    if (keep[idx] || r.kind === 'block') {
      // A block not kept stays in the text (it was never a function to take out), unparsed.
      if (!keep[idx]) return;
      // Offsets before this region moved by what the bodies taken out so far lost.
      const shift = len - at;
      const last = ranges[ranges.length - 1];
      if (last && last.end === r.declStart + shift) last.end = r.close + 1 + shift;
      else ranges.push({ start: r.declStart + shift, end: r.close + 1 + shift });
      return;
    }
    const bodyStart = r.open + 1;
    const rep = squeezedBody(text.slice(bodyStart, r.close));
    parts.push(text.slice(at, bodyStart), rep);
    len += bodyStart - at + rep.length;
    at = r.close;
    from.push(len);
    orig.push(r.close);
  });
  const total = regions.filter((r) => r.kind === 'function').length;
  if (!from.length) return { ...whole(text), kept: total, ranges };
  parts.push(text.slice(at));
  const toOriginal = (o: number): number => {
    // The last dropped body that ends at or before `o`.
    let lo = 0;
    let hi = from.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((from[mid] as number) <= o) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best < 0 ? o : (orig[best] as number) + (o - (from[best] as number));
  };
  return { text: parts.join(''), kept: total - from.length, blanked: from.length, toOriginal, ranges };
}

/** What stays of a body taken out: its line breaks, and the columns of its last line. */
function squeezedBody(body: string): string {
  const lastNl = body.lastIndexOf('\n');
  if (lastNl < 0) return ' '.repeat(body.length);
  let lines = 0;
  for (let k = body.indexOf('\n'); k >= 0; k = body.indexOf('\n', k + 1)) lines++;
  return '\n'.repeat(lines) + ' '.repeat(body.length - lastNl - 1);
}



/** An analysis of a focused text with its offsets in the original (lines and columns are the same). */
export function withOriginalOffsets(a: FileAnalysis, f: Focused): FileAnalysis {
  if (!f.blanked) return a;
  const o = f.toOriginal;
  return {
    ...a,
    findings: a.findings.map((x) => ({
      ...x, start: o(x.start), end: o(x.end),
      ...(x.fix ? { fix: { ...x.fix, edits: x.fix.edits.map((e) => ({ ...e, start: o(e.start), end: o(e.end) })) } } : {}),
    })),
    calls: a.calls.map((c) => ({ ...c, start: o(c.start), end: o(c.end) })),
  };
}
