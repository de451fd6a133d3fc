// File-level facts the engine consults: string constants, object-like #defines, and the
// static helpers whose bodies touch the model (inlined one level at their call sites).

import { HELD_RESOURCE_ARGS, PAIRED_TRIGGERS, TRIGGER_NAMES, ZONE_DEVICE_TESTS, ZONE_DISCRIMINATORS } from '../../../model/src/index.js';
import { ModeSwitch } from '../modeSwitch.js';
import { fileDefines } from './defines.js';
import { BoundedMemo, textHash } from '../textHash.js';
import type { FunctionInfo } from '../syntax/functions.js';
import { WordScanner } from './wordScan.js';
import { isWordChar, withoutComments } from '../syntax/tokens.js';
import { VALUE_SOURCES } from '../engine/valueSources.js';

export interface FileFacts {
  text: string;
  /** `static const char name[] = "literal";` */
  strings: ReadonlyMap<string, string>;
  /** `#define NAME body` (object-like only). */
  defines: ReadonlyMap<string, string>;
  /** Static functions of the file, by name. */
  functions: ReadonlyMap<string, FunctionInfo>;
  /** Functions whose text mentions a modeled API or writes a resource's flags (inlinable). */
  relevant: ReadonlySet<string>;
  /** Functions worth walking: they call a modeled API, directly or through a relevant helper. */
  entries: ReadonlySet<string>;
  /** Functions that call an API creating a model object (a region request, a memory add). */
  creators: ReadonlySet<string>;
  /** Functions that call a release API (release_mem_region(), release_resource(), ...). */
  releasers: ReadonlySet<string>;
  /** The calls that tell ZONE_DEVICE pages apart: the kernel's, and the file's static functions that make one. */
  zoneCheckers: ReadonlySet<string>;
  /** `DEFINE_FREE(name, type, body)` of the file: the body run on `_T` by `__free(name)`. */
  freeDefs: ReadonlyMap<string, string>;
  /** Callbacks the file passes to walk_system_ram_range(): their PFNs are System RAM. */
  ramWalkers: ReadonlySet<string>;
  /** Functions the file installs as a `.release` callback and that release regions. */
  releaseCallbacks: ReadonlySet<string>;
}

const RELEASE_CALLBACK = /(?:\.|->)release\s*=\s*&?\s*([A-Za-z_]\w*)\s*[;,}]/g;

const RAM_WALK = /\bwalk_system_ram_range\s*\([^;()]*(?:\([^;()]*\)[^;()]*)*,\s*(\w+)\s*\)/g;

/**
 * Bodies of the DEFINE_FREE()s in the kernel headers that drivers use most
 * (include/linux/slab.h, device.h, file.h, of.h), for files that do not define their own.
 */
export const HEADER_FREE_DEFS: ReadonlyMap<string, string> = new Map([
  ['kfree', 'if (!IS_ERR_OR_NULL(_T)) kfree(_T)'],
  ['kvfree', 'if (!IS_ERR_OR_NULL(_T)) kvfree(_T)'],
  ['put_device', 'if (_T) put_device(_T)'],
  ['fput', 'if (!IS_ERR_OR_NULL(_T)) fput(_T)'],
  ['device_node', 'if (_T) of_node_put(_T)'],
]);

/** DEFINE_FREE(name, type, body) invocations, read by matching parentheses. */
function freeDefinitions(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = text.indexOf('DEFINE_FREE('); i !== -1; i = text.indexOf('DEFINE_FREE(', i + 1)) {
    const args: string[] = [];
    let depth = 0;
    let from = i + 'DEFINE_FREE('.length;
    for (let j = from; j < text.length && j < from + 2000; j++) {
      const ch = text[j];
      if (ch === '(') depth++;
      else if (ch === ')' && depth-- === 0) {
        args.push(text.slice(from, j));
        break;
      } else if (ch === ',' && depth === 0 && args.length < 2) {
        args.push(text.slice(from, j));
        from = j + 1;
      }
    }
    const [name, , body] = args.map((a) => a.trim());
    if (name && body && /^\w+$/.test(name)) out.set(name, body);
  }
  return out;
}

const STRING_CONST = /\bchar\s+(?:const\s+)?\*?\s*(?:const\s+)?([A-Za-z_]\w*)\s*(?:\[\s*\])?\s*=\s*"((?:[^"\\\n]|\\.)*)"\s*;/g;

/** A regular expression matching any word in `words` as a whole identifier. */
export function wordsRegex(words: readonly string[]): RegExp {
  const sorted = [...words].sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`\\b(?:${sorted.join('|')})\\b`);
}

const MODEL_MENTION = wordsRegex([...TRIGGER_NAMES]);
const CREATOR_MENTION = wordsRegex(TRIGGER_NAMES.filter((n) => /request|add_memory|alloc_dax/.test(n)));
/**
 * Holds on memory hotplug, which a helper can take with nothing passed to it: such a helper is
 * relevant, and walked where it is called as one that creates something is (found in review:
 * get_online_mems() in `foo_hotplug_hold()` was not seen by its caller, whose page lookup was
 * reported as unprotected). Not triggers: a file is not worth parsing for them alone.
 */
const HOTPLUG_HOLD_MENTION = wordsRegex(['get_online_mems', 'put_online_mems', 'mem_hotplug_begin', 'mem_hotplug_done', 'lock_device_hotplug', 'unlock_device_hotplug']);
/** Release calls, modeled or not (port regions too): a path that makes one may have released. */
export const RELEASE_NAMES: readonly string[] = [
  'release_mem_region', '__release_region', 'release_resource', 'remove_resource', 'release_region',
  'devm_release_mem_region', '__devm_release_region', 'release_mem_region_adjustable', 'pci_release_region',
  'pci_release_regions', 'pci_release_selected_regions', 'iounmap_and_release', 'release_child_resources',
];
const RELEASE_MENTION = wordsRegex(RELEASE_NAMES);

/** Whether code calls a release API, directly or through one of the file's releasing helpers. */
export function mentionsRelease(code: string, releasers: ReadonlySet<string>): boolean {
  if (RELEASE_MENTION.test(code)) return true;
  for (const h of releasers) if (code.includes(h) && new RegExp(`\\b${h}\\s*\\(`).test(code)) return true;
  return false;
}
const FLAGS_WRITE = /->\s*flags\s*(?:[|&]?=)(?!=)/;

function mentionsTrigger(text: string): boolean {
  return MODEL_MENTION.test(text) || PAIRED_TRIGGERS.some((paired) => paired.test(text));
}

/**
 * The identifiers one scan of every file looks for, for mentionsModelGiven(): the trigger names,
 * and the first group of words each paired trigger needs. Its other groups are looked for only
 * in the files that name one of the first (`kfree`, short and in a quarter of the files, made
 * the scan of every file a quarter slower).
 */
export const PREFILTER_WORDS: readonly string[] = [...TRIGGER_NAMES, ...PAIRED_TRIGGERS.flatMap((p) => p.needs[0] ?? [])];

/** Per paired trigger, a scanner for the words of its groups after the first. */
const LATER_GROUPS = PAIRED_TRIGGERS.map((p) => new WordScanner(p.needs.slice(1).flat()));

/**
 * fileMentionsModel(), given the PREFILTER_WORDS that the text names (one scan for every
 * prefilter): the paired tests run only on the files that name what they need, and only they
 * ask for the text (a scan of raw bytes decodes it for them alone). `source` is what the
 * text's words were found in (its raw bytes), scanned again for a paired trigger's later groups.
 */
export function mentionsModelGiven(present: ReadonlySet<string>, text: () => string, source: () => string | Uint8Array = text): boolean {
  if (TRIGGER_NAMES.some((n) => present.has(n))) return true;
  return PAIRED_TRIGGERS.some((p, i) => {
    if (!(p.needs[0] ?? []).some((w) => present.has(w))) return false;
    const later = p.needs.length > 1 ? (LATER_GROUPS[i] as WordScanner).present(source()) : new Set<string>();
    return p.needs.slice(1).every((group) => group.some((w) => later.has(w))) && p.test(text());
  });
}

/** The file-level prefilter: a file that names no modeled API needs no parse. */
export function fileMentionsModel(text: string): boolean {
  return mentionsTrigger(text);
}

/** A function that calls a modeled API, writes a resource's flags for its caller, or holds off memory hotplug for it (collectFacts()'s relevant). */
export function mentionsModel(text: string): boolean {
  return mentionsTrigger(text) || FLAGS_WRITE.test(text) || HOTPLUG_HOLD_MENTION.test(text);
}

/**
 * Whether collectFacts() reads a function body for more than its relevance (mentionsModel()):
 * a body that releases a region makes its function a releaser, whose calls count as release
 * attempts. Bodies for which neither holds matter only through their names (see focus.ts).
 */
export function readByFacts(body: string): boolean {
  return RELEASE_MENTION.test(body) || ZONE_CHECK.test(body);
}

/** A call of a ZONE_DEVICE test: its function is one of the file's zoneCheckers. */
const ZONE_CHECK = new RegExp(`\\b(?:${[...ZONE_DEVICE_TESTS].join('|')})\\s*\\(`);

/**
 * The kernel's ZONE_DEVICE checks and the file's static functions that make a ZONE_DEVICE test
 * themselves: memmap-reserved-zone-device takes a call of any of them as the check. One level
 * (a helper that calls such a helper is not one): the CLI keeps only bodies that make a test
 * (readByFacts()), and a deeper wrapper's caller would read otherwise with --no-focus (found in
 * review). Only tests count, not a read of the zone a helper may make for other reasons.
 */
function zoneCheckersOf(text: string, functions: FunctionInfo[], keys: readonly (string | undefined)[] | undefined): ReadonlySet<string> {
  let out: Set<string> | undefined;
  functions.forEach((f, i) => {
    if (!f.isStatic || !checksZone(text.slice(f.bodyStart, f.bodyEnd), keys?.[i])) return;
    (out ??= new Set(ZONE_DISCRIMINATORS)).add(f.name);
  });
  return out ?? ZONE_DISCRIMINATORS;
}

/** Whether a body tells ZONE_DEVICE pages apart, kept by the body's key where it has one (the editor's). */
const zoneMemo = new BoundedMemo<boolean>(8192);

function checksZone(body: string, key: string | undefined): boolean {
  let z = key === undefined ? undefined : zoneMemo.get(key);
  if (z === undefined) {
    z = ZONE_CHECK.test(withoutComments(body));
    if (key !== undefined) zoneMemo.set(key, z);
  }
  return z;
}

/**
 * Whether a body gives other functions their facts from its raw text: it passes a RAM walker
 * to walk_system_ram_range(), sets a release callback, or `#define`s a macro later functions
 * use. focusText() kept every caller of a relevant function; those the analysis does not walk
 * are kept for these (the focus test caught the first on pos_ram_walker.c, whose caller it
 * blanked).
 */
export function givesFacts(body: string): boolean {
  return BODY_FACTS.test(body);
}
const BODY_FACTS = /\bwalk_system_ram_range\b|(?:\.|->)release\s*=|^[ \t]*#[ \t]*define\b/m;


/** What collectFacts() learns from one body by itself. */
interface BodyFacts {
  direct: boolean;
  creator: boolean;
  releaser: boolean;
  flagsWrite: boolean;
  /** Takes or drops a hold on memory hotplug. */
  holds: boolean;
}

/**
 * Kept by the body's hash: an edit changes one body of a file, and the editor collects the
 * facts of every body again at each edit. (Whether a body calls one of a set of relevant
 * functions, by the set's and the body's hashes.)
 */
const bodyMemo = new BoundedMemo<BodyFacts>(8192);
const callsMemo = new BoundedMemo<boolean>(8192);
/** actsAlone() of a body, and whether it also names one of a set of creators, by the body's key (and the set's). */
const actsMemo = new BoundedMemo<boolean>(8192);
const holdsMemo = new BoundedMemo<boolean>(8192);

/**
 * A body's identity for the memo tables: its definition's hash and where the body sits in it
 * (the same text delimits the same body, but the key says so rather than assume it).
 */
function bodyKey(f: FunctionInfo, hash: string | undefined): string | undefined {
  return hash === undefined ? undefined : `${hash}|${f.bodyStart - f.start}|${f.bodyEnd - f.start}`;
}

function bodyFacts(body: string, key: string | undefined): BodyFacts {
  let b = key === undefined ? undefined : bodyMemo.get(key);
  if (!b) {
    const holds = HOTPLUG_HOLD_MENTION.test(body);
    b = { direct: mentionsTrigger(body), creator: CREATOR_MENTION.test(body) || holds, releaser: RELEASE_MENTION.test(body), flagsWrite: FLAGS_WRITE.test(body), holds };
    if (key !== undefined) bodyMemo.set(key, b);
  }
  return b;
}

/** On in withEveryCaller(). */
const everyCaller = new ModeSwitch();

/**
 * Runs `fn` with every function that names the model, and every caller of a relevant function
 * (a `->flags` writer's too), an entry, as before valueSources.ts (tests compare the two).
 */
export function withEveryCaller<T>(fn: () => T): T {
  return everyCaller.during(fn);
}

/**
 * What the analysis of `text` needs to know of the file. `memo`: keep each body's facts by its
 * hash for the next version of the same text (the editor's); a run that reads each file once
 * (the CLI) would only pay for the hashes.
 */
export function collectFacts(text: string, functions: FunctionInfo[], memo = true): FileFacts {
  const strings = new Map<string, string>();
  for (const m of text.matchAll(STRING_CONST)) strings.set(m[1] as string, m[2] as string);
  const defines = fileDefines(text);
  const byName = new Map<string, FunctionInfo>();
  const relevant = new Set<string>();
  const direct = new Set<string>();
  const creators = new Set<string>();
  const releasers = new Set<string>();
  // A body's facts by its function's hash (findFunctions() made it): the body is part of that text.
  const hashes = memo ? functions.map((f) => bodyKey(f, f.hash ?? textHash(text.slice(f.start, f.end)))) : undefined;
  /** Per function (not per name: an #ifdef may define one twice), whether it names the model itself. */
  const namesModel: boolean[] = [];
  functions.forEach((f, i) => {
    if (!byName.has(f.name)) byName.set(f.name, f);
    const b = bodyFacts(text.slice(f.bodyStart, f.bodyEnd), hashes?.[i]);
    namesModel.push(b.direct);
    if (b.direct) direct.add(f.name);
    if (b.creator) creators.add(f.name);
    if (b.releaser) releasers.add(f.name);
    if (b.direct || b.flagsWrite || b.holds) relevant.add(f.name);
  });
  const ramWalkers = ramWalkersOf(text);
  // Walked on its own: a function that names the model, if its walk can come to hold a model
  // value (walkedCallers()). One that names only APIs acting on a resource the path holds
  // (release_resource() and the like, model HELD_RESOURCE_ARGS) and nothing that gives one has
  // nothing for them to act on: 84 functions of Linux 6.12's candidate files walked no modeled
  // operation for that. A static helper that creates something is walked wherever it is called,
  // whatever it is passed, so a call of one can give a walk a model value, if the helper can
  // come to hold one itself (13 more functions were walked for helpers that cannot).
  const keyOf = hashes && new Map(functions.map((f, i) => [f, hashes[i]]));
  const acting = [...creators].filter((n) => {
    const f = byName.get(n);
    return f?.isStatic === true && actsAloneOf(text.slice(f.bodyStart, f.bodyEnd), keyOf?.get(f));
  });
  const walked = walkedCallers(text, acting, ramWalkers);
  const entries = new Set<string>();
  functions.forEach((f, i) => {
    if (namesModel[i] && !entries.has(f.name) && walked(text.slice(f.bodyStart, f.bodyEnd), [f.name], docComment(text, f.start), hashes?.[i])) entries.add(f.name);
  });
  // Callers of the functions that name the model. A function relevant only for its `->flags`
  // write acts on a resource passed to it, and a caller holds one only from an API the model
  // knows or a helper that creates one, both of which name the model: such a caller is a
  // caller of those already. (Walking the others for the flags helper alone was 15% of the
  // analysis of Linux 6.12's candidate files, for 81 functions and no finding.)
  const called = everyCaller.on ? relevant : direct;
  if (called.size) {
    const names = [...called];
    const set = hashes && textHash(names.join(','));
    let calls: RegExp | undefined;
    // A function that calls one of them but names the model nowhere itself is worth walking
    // only if its walk can come to hold a model value (valueSources.ts): it names a source of
    // one, or calls a static helper that creates something (walked whatever it is passed), or
    // starts with one. Otherwise every helper it calls is passed nothing the model knows, and is
    // not walked: 351 of the 730 such functions of Linux 6.12's candidate files, 8% of the
    // analysis, walked no modeled operation.
    functions.forEach((f, i) => {
      if (entries.has(f.name) || namesModel[i]) return;
      const key = hashes && `${set}|${hashes[i] as string}`;
      let named = key === undefined ? undefined : callsMemo.get(key);
      if (named === undefined) {
        named = (calls ??= wordsRegex(names)).test(text.slice(f.bodyStart, f.bodyEnd));
        if (key !== undefined) callsMemo.set(key, named);
      }
      if (!named) return;
      if (walked(text.slice(f.bodyStart, f.bodyEnd), [f.name], docComment(text, f.start), hashes?.[i])) entries.add(f.name);
    });
  }
  return { text, strings, defines, functions: byName, relevant, entries, creators, releasers, freeDefs: freeDefinitions(text),
    ramWalkers, zoneCheckers: zoneCheckersOf(text, functions, hashes),
    releaseCallbacks: new Set([...text.matchAll(RELEASE_CALLBACK)].map((m) => m[1] as string).filter((f) => releasers.has(f))) };
}

/**
 * Which functions of `text` the analysis walks (collectFacts()), of those that name the model and
 * the callers of a relevant function: those that name a source of a model value (valueSources.ts;
 * an API that acts only on a held resource counts only next to `&iomem_resource`) or one of
 * `creators` (the static helpers that create something: walked whatever they are passed), RAM
 * walkers and functions whose comment says the caller holds hotplug off (initialState() gives
 * both a value). focusText() asks it
 * with every creator and the whole declaration before a body for the comment: more, never fewer.
 */
export function walkedCallers(text: string, creators: readonly string[], ramWalkers?: ReadonlySet<string>):
    (body: string, names: readonly string[], comment: string, key?: string) => boolean {
  const created = new Set(creators);
  // Hashed: the names are slices of the document, and a key made of them would keep every
  // version of the text alive in the memo (the soak's memory grew five times faster).
  let createdKey: string | undefined;
  let walkers = ramWalkers;
  /** What the body names decides (`key`: the body's, to keep the answer for the next version of the text). */
  const holds = (body: string, key: string | undefined): boolean => {
    if (key === undefined) return namesAny(body, NO_NAMES, created) || actsAlone(body);
    const k = `${(createdKey ??= textHash(creators.join(',')))}|${key}`;
    let h = holdsMemo.get(k);
    if (h === undefined) holdsMemo.set(k, (h = (created.size > 0 && namesAny(body, NO_NAMES, created)) || actsAloneOf(body, key)));
    return h;
  };
  return (body, names, comment, key) => {
    if (everyCaller.on || holds(body, key)) return true;
    walkers ??= ramWalkersOf(text);
    return names.some((n) => (walkers as ReadonlySet<string>).has(n)) || documentsHotplugHeld(comment);
  };
}

/**
 * Whether a walk of `body` from a state holding no model value can come to hold one: it names a
 * source of one that acts without one, or an API that acts on a held resource next to
 * `&iomem_resource`, which it also acts on written as such.
 */
function actsAlone(body: string): boolean {
  return namesAny(body, SOURCES, NO_NAMES) || (body.includes('iomem_resource') && namesAny(body, HELD_IOMEM, NO_NAMES));
}

/** actsAlone(), kept by the body's key when it has one (the editor's: see bodyFacts()). */
function actsAloneOf(body: string, key: string | undefined): boolean {
  if (key === undefined) return actsAlone(body);
  let a = actsMemo.get(key);
  if (a === undefined) actsMemo.set(key, (a = actsAlone(body)));
  return a;
}

/** The sources of a model value that act without one (not those that need a held resource). */
const SOURCES: ReadonlySet<string> = new Set(VALUE_SOURCES.filter((n) => !(n in HELD_RESOURCE_ARGS)));
/** The APIs that act on a held resource or on `&iomem_resource` written as such. */
const HELD_IOMEM: ReadonlySet<string> = new Set(Object.entries(HELD_RESOURCE_ARGS).filter(([, a]) => a.iomem).map(([n]) => n));
const NO_NAMES: ReadonlySet<string> = new Set();

/**
 * Whether `text` names a word of `a` or `b` as a whole identifier. Identifiers looked up one by
 * one: a regular expression of the 133 sources' alternatives, tried at every position of every
 * caller's body, took a quarter of a second per kernel tree.
 */
function namesAny(text: string, a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  // A loop over the characters, not `/\w+/g`: each match made an array besides its word.
  const n = text.length;
  for (let i = 0; i < n;) {
    if (!isWordChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && isWordChar(text.charCodeAt(i))) i++;
    const w = text.slice(start, i);
    if (a.has(w) || b.has(w)) return true;
  }
  return false;
}


/** Functions passed to walk_system_ram_range() (initialState() gives their first parameter a physical value). */
function ramWalkersOf(text: string): Set<string> {
  return new Set([...text.matchAll(RAM_WALK)].map((m) => m[1] as string));
}

/** Whether `body` names a function that creates something (a request, an add, alloc_dax()). */
export function mentionsCreator(body: string): boolean {
  return CREATOR_MENTION.test(body) || HOTPLUG_HOLD_MENTION.test(body);
}

/** The block comment right above a function, if any. */
function docComment(text: string, start: number): string {
  const before = text.slice(Math.max(0, start - 4096), start).trimEnd();
  if (!before.endsWith('*/')) return '';
  const open = before.lastIndexOf('/*');
  return open < 0 ? '' : before.slice(open);
}

/** Whether the comment above the function at `start` says its caller holds memory hotplug off. */
export function callerHoldsHotplug(text: string, start: number): boolean {
  return documentsHotplugHeld(docComment(text, start));
}

/** "must be called with mem_hotplug_lock held", "the caller holds the hotplug lock", ... */
function documentsHotplugHeld(comment: string): boolean {
  return /\b(?:mem_hotplug_lock|device_hotplug_lock|hotplug lock|mem_hotplug_begin|get_online_mems)\b/i.test(comment) &&
    /\b(?:held|hold|holds|holding|under)\b/i.test(comment) && !/\bnot (?:be )?(?:held|holding)\b|\bwithout\b/i.test(comment);
}
