// Analyzes one file: finds its functions, walks the paths of those that touch the model and
// runs every enabled rule at the end of each path. Results are cached per function
// (functionCache.ts, keyed by its tokens and what its walk reads: cacheKey.ts), so an edit
// re-analyzes only the functions whose tokens, or whose helpers' tokens, it changed.

import { createHash } from 'node:crypto';
import { archDirOfFile, builtinConstants, definesEnv } from '../../../model/src/index.js';
import { buildCfg } from '../cfg/build.js';
import { localNames } from '../cfg/locals.js';
import type { Cfg } from '../cfg/types.js';
import type { EngineContext } from '../engine/context.js';
import { HelperBody, explore } from '../engine/explore.js';
import { PathState, logStep } from '../engine/state.js';
import { RULES } from '../rules/index.js';
import type { RawFinding } from '../rules/rule.js';
import { FunctionInfo, findFunctions } from '../syntax/functions.js';
import { CParser, Tree, TSNode } from '../syntax/parser.js';
import { BoundedMemo } from '../textHash.js';
import { SNode, relocate, snapshot } from '../syntax/snode.js';
import { collectCallFacts } from './callFacts.js';
import { functionCacheKey } from './cacheKey.js';
import { FunctionCache, FunctionResult, reuse, toStore } from './functionCache.js';
import { FileFacts, HEADER_FREE_DEFS, callerHoldsHotplug, collectFacts, fileMentionsModel } from './facts.js';
import { FileView, scanPublications, viewWithFile } from './publish.js';
import { FileAnalysis, Finding, Skipped, emptyAnalysis } from './finding.js';
import { AnalysisOptions, optionsKey } from './options.js';
import { asLimit } from './limits.js';

export { FunctionCache };

export interface AnalyzeHooks {
  /** The file's name for the publication index (default: '<buffer>'). */
  file?: string;
  /** Called when a function's analysis, or one rule on it (`rule`), throws: the others still report. */
  onError?: (fn: string, err: unknown, rule?: string) => void;
  /** Sees every end-of-path state of every function walked (simulations, debugging). */
  onPaths?: (fn: string, ends: readonly PathState[], walk: { cfg: Cfg; locals: ReadonlySet<string>; returnsPointer: boolean; dropped: number; steps: number; start: number; end: number }) => void;
}

/** Analyzes a parsed file. `tree` must match `text`. */
export function analyzeTree(tree: Tree, text: string, opts: AnalysisOptions, cache?: FunctionCache, hooks: AnalyzeHooks = {}): FileAnalysis {
  const steps = analyzeSteps(tree, text, opts, cache, hooks);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same, one function at a time: it yields the name of each function it has just walked
 * (cached ones are not yielded), so a caller can pause between functions (the language server
 * answers other requests and honours cancellation there). `tree` must stay alive until done.
 */
export function* analyzeSteps(tree: Tree, text: string, opts: AnalysisOptions, cache?: FunctionCache, hooks: AnalyzeHooks = {}): Generator<string, FileAnalysis, void> {
  const out = emptyAnalysis();
  out.hasParseErrors = tree.rootNode.hasError;
  const file = hooks.file ?? '<buffer>';
  const pubs = viewWithFile(opts.publications, file, scanPublications(text, file));
  const mentions = fileMentionsModel(text);
  // Whether the file-level rules have a body to judge. In the editor a file that names the model
  // leaves it to checkFileRules(), where each body's answer is kept by its text: the whole text
  // read for every indexed name at each edit took 0.17 ms of mm/memory_hotplug.c's edits (0.22
  // of drivers/md/dm.c's), and its answer only decides whether bodies are looked at.
  const checksFile = RULES.some((r) => r.checkFile && opts.rules.has(r.meta.id)) && ((mentions && cache !== undefined) || pubs.plainAccessIn(text));
  if (!mentions && !checksFile) return out;
  const functions = findFunctions(tree, text, { remember: cache !== undefined });
  out.functions = functions.length;
  // Bodies are memoized for the next version of the text only where results are kept.
  const facts = collectFacts(text, functions, cache !== undefined);
  const consts = definesEnv(facts.defines, builtinConstants);
  const source = { text };
  const helperCache = new Map<string, HelperBody | undefined>();
  /**
   * The CFGs of the static functions walked so far, for their callers. Recovered definitions
   * too (an edit that breaks a function makes it one): helperBody() reads the same body of the
   * same tree, as bodySnapshot() reads any recovered definition.
   */
  const cfgs = new Map<FunctionInfo, Cfg>();
  const helpers = (name: string): HelperBody | undefined => {
    if (helperCache.has(name)) return helperCache.get(name);
    let body: HelperBody | undefined;
    if (name.startsWith('__free:')) {
      const fn = name.slice('__free:'.length);
      const text = facts.freeDefs.get(fn) ?? HEADER_FREE_DEFS.get(fn);
      body = text === undefined ? undefined : snippetBody(text, ['_T']);
    } else {
      const f = facts.functions.get(name);
      // A static function often is also walked on its own, before its callers: its CFG then
      // serves them (480 of the 642 helpers walked in Linux 6.12's candidate files were).
      const own = f && cfgs.get(f);
      body = own && f ? { cfg: own, params: paramNames(f) } : f && f.isStatic ? helperBody(f, source) : undefined;
    }
    helperCache.set(name, body);
    return body;
  };
  // Rules judge arch code by its own arch (memmapCapabilities()): the arch directory counts.
  const oKey = `${optionsKey(opts)}|${archDirOfFile(file) ?? ''}`;
  for (const fn of functions) {
    if (!facts.entries.has(fn.name)) continue;
    out.analyzed++;
    // The key reads every text the walk can reach: worth it only where results are kept.
    const keyed = cache && functionCacheKey(fn, facts, oKey);
    const now = keyed && { line: fn.line, layout: keyed.layout, exact: keyed.exact, text: text.slice(fn.start, fn.end) };
    let result = cache && keyed && now ? reuse(cache, keyed.key, now) : undefined;
    if (!result) {
      try {
        result = analyzeFunction(fn, facts, opts, consts, source, helpers, hooks, fn.isStatic ? cfgs : undefined);
      } catch (caught) {
        const err = asLimit(caught);
        hooks.onError?.(fn.name, err);
        out.errors.push({ function: fn.name, reason: err instanceof Error ? err.message : String(err) });
        yield fn.name;
        continue;
      }
      if (cache && keyed && now) cache.set(keyed.key, toStore(result, now));
      yield fn.name;
    }
    for (const e of result.ruleErrors ?? []) out.errors.push({ function: fn.name, reason: `rule ${e.rule} failed: ${e.reason}` });
    if (result.partial) out.partial.push({ function: fn.name, reason: `path bound (${opts.pathBound} steps) reached: analyzed partially` } satisfies Skipped);
    for (const f of result.findings) out.findings.push(rebase(f, fn));
    for (const c of result.calls) out.calls.push({ ...c, start: c.start + fn.start, end: c.end + fn.start });
  }
  if (checksFile) out.findings.push(...checkFileRules(functions, text, file, pubs, opts, source, hooks, out.errors));
  out.findings.sort((a, b) => a.start - b.start || a.rule.localeCompare(b.rule));
  return out;
}

/** Rules that judge a whole file against the publication index. */
function checkFileRules(
  functions: FunctionInfo[], text: string, file: string, pubs: FileView,
  opts: AnalysisOptions, source: { text: string }, hooks: AnalyzeHooks, errors: Skipped[],
): Finding[] {
  const bodies = functions.filter((f) => accessesPlainly(f, text, pubs)).flatMap((f) => {
    const body = bodyOf(f, source);
    return body ? [{ name: f.name, body, text: text.slice(f.start, f.end), params: paramNames(f), info: f }] : [];
  });
  const out: Finding[] = [];
  for (const rule of RULES) {
    if (!rule.checkFile || !opts.rules.has(rule.meta.id)) continue;
    const before = out.length;
    try {
      rule.checkFile({
        source: text, file, functions: bodies, publications: pubs,
        report: (raw) => {
          const fn = bodies.find((b) => b.name === raw.function)?.info;
          if (fn) out.push(rebase(toFinding({ ...raw, rule: rule.meta.id }, fn, opts), fn));
        },
      });
    } catch (err) {
      out.length = before;
      hooks.onError?.('(file)', err, rule.meta.id);
      errors.push({ function: '(file)', reason: `rule ${rule.meta.id} failed: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  return out;
}

/**
 * Whether a function's body accesses a published global plainly, by its text's hash where
 * findFunctions() made one (the editor's): an edit changes one body, and testing every body of
 * the file against every paired global's name was a tenth of an edit's analysis.
 */
const plainAccesses = new BoundedMemo<boolean>(4096);

function accessesPlainly(f: FunctionInfo, text: string, pubs: FileView): boolean {
  const key = f.hash === undefined ? undefined : `${pubs.namesKey}|${f.hash}`;
  let plain = key === undefined ? undefined : plainAccesses.get(key);
  if (plain === undefined) {
    plain = pubs.plainAccessIn(text.slice(f.bodyStart, f.bodyEnd));
    if (key !== undefined) plainAccesses.set(key, plain);
  }
  return plain;
}

function paramNames(f: FunctionInfo): string[] {
  const params: string[] = [];
  const decl = f.node.type === 'function_definition' ? f.node.childForFieldName('declarator') : null;
  const list = decl ? findParams(decl) : undefined;
  for (const p of list?.namedChildren ?? []) {
    if (!p || p.type !== 'parameter_declaration') continue;
    const ids = p.descendantsOfType('identifier');
    const last = ids[ids.length - 1];
    params.push(last ? last.text : '');
  }
  return params;
}

/**
 * Helper bodies kept across analyses, by where they are and what they say: an edit re-analyzes
 * the function it touched, which inlines the same helpers as before (usually defined above it,
 * so at the same offsets). The key holds the offset, line and column of the definition (all
 * positions inside follow from them and the text), its text and the size of its subtree.
 */
const helperBodies = new Map<string, HelperBody | undefined>();
/** Each entry keeps its file's text alive (its nodes slice it): a few files' helpers, not more. */
const HELPER_BODIES_KEPT = 64;
/** Helpers of larger texts are not kept: 64 versions of a document of megabytes would be kept alive. */
const HELPER_TEXT_KEPT_MAX = 1 << 20;

function helperBody(f: FunctionInfo, source: { text: string }): HelperBody | undefined {
  const body = f.node.type === 'function_definition' ? f.node.childForFieldName('body') : f.node;
  if (!body) return undefined;
  const text = source.text;
  const make = (): HelperBody => ({ cfg: buildCfg(bodySnapshot(f, body, source)), params: paramNames(f) });
  if (text.length > HELPER_TEXT_KEPT_MAX) return make();
  const col = f.start - (text.lastIndexOf('\n', f.start - 1) + 1);
  const key = `${f.start}:${f.line}:${col}:${f.node.descendantCount}:${createHash('sha1').update(text.slice(f.start, f.end)).digest('base64')}`;
  if (helperBodies.has(key)) {
    const kept = helperBodies.get(key);
    helperBodies.delete(key);
    helperBodies.set(key, kept);
    return kept;
  }
  const made = make();
  helperBodies.set(key, made);
  if (helperBodies.size > HELPER_BODIES_KEPT) helperBodies.delete(helperBodies.keys().next().value as string);
  return made;
}

/**
 * A statement snippet (a DEFINE_FREE() body) as a function of `params`. Its positions are those
 * of the snippet, not of the file: traces through it point at the declaration instead.
 */
function snippetBody(text: string, params: string[]): HelperBody | undefined {
  const parser = CParser.loaded();
  if (!parser) return undefined;
  const src = `void __iomem_lens_snippet(void *${params.join(', void *')}) { ${text}; }`;
  const tree = parser.parse(src, undefined, { timeoutMs: 1000 });
  if (!tree) return undefined;
  try {
    const f = findFunctions(tree, src)[0];
    const body = f?.node.type === 'function_definition' ? f.node.childForFieldName('body') : undefined;
    return body ? { cfg: buildCfg(snapshot(body, { text: src })), params } : undefined;
  } finally {
    tree.delete();
  }
}

function findParams(decl: NonNullable<ReturnType<FunctionInfo['node']['childForFieldName']>>): typeof decl | undefined {
  let d: typeof decl | null = decl;
  while (d) {
    if (d.type === 'function_declarator') return d.childForFieldName('parameters') ?? undefined;
    d = d.childForFieldName('declarator');
  }
  return undefined;
}

/**
 * Body copies by their function's text (FunctionInfo.hash, given only where results are kept:
 * the editor's): a function walked again with the same text, where it was or moved by an edit
 * above it, is copied from a kept copy instead of out of the tree. A text is kept the second
 * time it is copied (the function being typed in changes at every keystroke; a caller walked
 * again because its helper is being typed in does not), and a kept copy is never replaced, so
 * the entries do not turn over at every keystroke. Kept copies hold no text (a document of
 * megabytes per entry otherwise); each use moves one into the analysis' text. Recovered
 * definitions, whose subtree may depend on what surrounds them, are always read from the tree.
 */
const bodyCopies = new BoundedMemo<SNode>(16);
const copiedOnce = new BoundedMemo<true>(256);
const NO_TEXT = { text: '' };

function bodySnapshot(fn: FunctionInfo, body: TSNode, source: { text: string }): SNode {
  if (fn.hash === undefined || fn.recovered) return snapshot(body, source);
  const kept = bodyCopies.get(fn.hash);
  if (kept) return relocate(kept, fn.bodyStart - kept.start, source);
  const root = snapshot(body, source);
  if (copiedOnce.get(fn.hash)) bodyCopies.set(fn.hash, relocate(root, 0, NO_TEXT));
  else copiedOnce.set(fn.hash, true);
  return root;
}

function bodyOf(fn: FunctionInfo, source: { text: string }): SNode | undefined {
  const body = fn.node.type === 'function_definition' ? fn.node.childForFieldName('body') : fn.node;
  return body ? bodySnapshot(fn, body, source) : undefined;
}

function analyzeFunction(
  fn: FunctionInfo, facts: FileFacts, opts: AnalysisOptions, consts: EngineContext['consts'],
  source: { text: string }, helpers: (name: string) => HelperBody | undefined, hooks: AnalyzeHooks, cfgs?: Map<FunctionInfo, Cfg>,
): FunctionResult {
  const body = bodyOf(fn, source);
  if (!body) return { findings: [], calls: [], partial: false };
  const cfg = buildCfg(body);
  cfgs?.set(fn, cfg);
  const locals = localNames(cfg);
  const ctx: EngineContext = {
    facts, consts, profile: opts.profile, layout: opts.layout, budget: { steps: opts.pathBound, exhausted: false },
    inlineDepth: 0, functionName: fn.name, locals,
  };
  const { ends, partial, dropped } = explore(cfg, initialState(fn, facts, opts), ctx, helpers);
  // The path bound's units the walk used, inlined helpers included (a visit costs one or more).
  const steps = opts.pathBound - Math.max(0, ctx.budget.steps);
  hooks.onPaths?.(fn.name, ends, { cfg, locals, returnsPointer: fn.returnsPointer, dropped, steps, start: fn.start, end: fn.end });
  const byKey = new Map<string, Finding>();
  const failed = new Map<string, string>();

  for (const st of ends) {
    for (const rule of RULES) {
      if (!rule.checkPath || !opts.rules.has(rule.meta.id) || failed.has(rule.meta.id)) continue;
      try {
        rule.checkPath({
          st, source: source.text, locals, cfg, layout: opts.layout, profile: opts.profile, functionName: fn.name, file: hooks.file, returnsPointer: fn.returnsPointer, zoneCheckers: facts.zoneCheckers,
          report: (raw) => {
            const f = toFinding({ ...raw, rule: rule.meta.id }, fn, opts);
            const k = `${f.rule}@${f.start}`;
            const prev = byKey.get(k);
            // One finding per rule and place; the shortest trace explains it best.
            if (!prev || f.trace.length < prev.trace.length) byKey.set(k, f);
          },
        });
      } catch (err) {
        // One rule's bug costs that rule's findings in this function, not the other rules'.
        hooks.onError?.(fn.name, err, rule.meta.id);
        failed.set(rule.meta.id, err instanceof Error ? err.message : String(err));
        for (const [k, f] of byKey) if (f.rule === rule.meta.id) byKey.delete(k);
      }
    }
  }
  const calls = opts.callFacts === false ? [] : collectCallFacts(ends, opts.layout).map((c) => ({ ...c, start: c.start - fn.start, end: c.end - fn.start }));
  const result: FunctionResult = { findings: [...byKey.values()], calls, partial };
  // Set, not spread in: a spread of one of two shapes deoptimized this function over and over.
  if (failed.size) result.ruleErrors = [...failed].map(([rule, reason]) => ({ rule, reason }));
  return result;
}

/**
 * The state a function starts in. A callback of walk_system_ram_range() gets PFNs of System RAM
 * resources (kernel/resource.c walks IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY only): its start
 * PFN is one computed from a physical range, like `res->start >> PAGE_SHIFT`.
 */
function initialState(fn: FunctionInfo, facts: FileFacts, opts: AnalysisOptions): PathState {
  const st = new PathState(opts.layout);
  if (callerHoldsHotplug(facts.text, fn.start)) {
    // The caller holds hotplug off, as the function's comment says: a hold from the entry on.
    const site = { start: fn.start, end: fn.start, line: fn.line, col: 0, endLine: fn.line, endCol: 0 };
    st.ops.push(logStep({ kind: 'hotplug_hold', what: 'the caller (the comment above the function says so)' }, true, site, site, '(caller)', 0));
  }
  if (!facts.ramWalkers.has(fn.name)) return st;
  const [startPfn] = paramNames(fn);
  if (startPfn) st.bindings.set(startPfn, { k: 'sym', key: `${startPfn}@param`, text: startPfn, phys: true });
  return st;
}

/** Positions are stored relative to the function so a cached result survives edits above it. */
function toFinding(raw: RawFinding, fn: FunctionInfo, opts: AnalysisOptions): Finding {
  const rel = (line: number): number => line - fn.line;
  return {
    rule: raw.rule, severity: opts.severity.get(raw.rule) ?? 'warning', function: fn.name,
    line: rel(raw.site.line), col: raw.site.col, endLine: rel(raw.site.endLine), endCol: raw.site.endCol,
    start: raw.site.start - fn.start, end: raw.site.end - fn.start, message: raw.message,
    trace: raw.trace.map((t) => ({ line: rel(t.site.line), col: t.site.col, message: t.message, ...(t.actor ? { actor: t.actor } : {}) })),
    ...(raw.fix ? { fix: { title: raw.fix.title, edits: raw.fix.edits.map((e) => ({ ...e, start: e.start - fn.start, end: e.end - fn.start })) } } : {}),
  };
}

function rebase(f: Finding, fn: FunctionInfo): Finding {
  return {
    ...f, line: f.line + fn.line, endLine: f.endLine + fn.line, start: f.start + fn.start, end: f.end + fn.start,
    trace: f.trace.map((t) => ({ ...t, line: t.line + fn.line })),
    ...(f.fix ? { fix: { title: f.fix.title, edits: f.fix.edits.map((e) => ({ ...e, start: e.start + fn.start, end: e.end + fn.start })) } } : {}),
  };
}
