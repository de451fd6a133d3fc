// Hovers: on a finding, the finding and its trace; on a modeled kernel API, what the model
// says it does there; on a constant, where it falls in the memory map of the arch profile.
// Answers come from the last analysis and the live tree; a hover never waits for a new analysis.

import type { Hover, Position } from 'vscode-languageserver';
import { TRIGGER_NAMES, archConstants } from '../../../../model/src/index.js';
import type { CallFact } from '../../analysis/callFacts.js';
import type { FileAnalysis } from '../../analysis/finding.js';
import type { AnalysisOptions } from '../../analysis/options.js';
import type { OpenDocument } from '../documents.js';
import { constantHover } from './hovers/constant.js';
import { FREE_REGION_APIS, freeRegionHover } from './hovers/freeRegion.js';
import { daxHover, labelsSkipping, lastCallNaming, resourceHover } from './hovers/modelState.js';
import { PFN_APIS, pfnHover } from './hovers/pfn.js';
import { findFunctions } from '../../syntax/functions.js';
import { neutralizeHtml } from './markdown.js';
import { pathOf } from '../uris.js';
import { daxNote } from './hovers/daxNotes.js';

const API_NOTES: Readonly<Record<string, string>> = {
  request_mem_region: '`__request_region(&iomem_resource, start, n, name, 0)`: a new **BUSY** resource. A conflict with a resource that is not BUSY is descended into; a BUSY conflict fails (NULL).',
  __request_region: 'Allocates a **BUSY** resource under `parent`, descending into non-BUSY conflicts; fails on a BUSY one (a MUXED one sleeps).',
  release_mem_region: '`__release_region()`: walks down through the non-BUSY resources that contain the range to the first BUSY one, which must match it **exactly**: that one is freed; otherwise nothing is, and it warns "Trying to free nonexistent resource".',
  release_resource: 'Unlinks the resource **with its whole subtree**: anything nested inside goes with it.',
  remove_resource: 'Unlinks the resource and **re-parents its children** to its parent.',
  add_memory_driver_managed: '`register_memory_resource()` requests a BUSY "System RAM (...)" resource for the range (descending into non-BUSY containers), then adds the memory.',
  add_memory: '`register_memory_resource()` requests a BUSY "System RAM" resource for the range, then adds the memory.',
};

function wordAt(text: string, offset: number): { word: string; start: number; end: number } | undefined {
  let s = offset;
  let e = offset;
  while (s > 0 && /\w/.test(text[s - 1] as string)) s--;
  while (e < text.length && /\w/.test(text[e] as string)) e++;
  return s < e ? { word: text.slice(s, e), start: s, end: e } : undefined;
}

/** The innermost analyzed call of `callee` around `offset`. */
function callAt(a: FileAnalysis | undefined, callee: string, offset: number): CallFact | undefined {
  let best: CallFact | undefined;
  for (const c of a?.calls ?? []) {
    if (c.callee !== callee || offset < c.start || offset > c.end) continue;
    if (!best || c.end - c.start < best.end - best.start) best = c;
  }
  return best;
}

/** Functions per tree: a hover must not walk the whole tree (a tree is replaced on every edit). */
const functionCache = new WeakMap<object, ReturnType<typeof findFunctions>>();
function functionsOf(tree: NonNullable<OpenDocument['tree']>, text: string): ReturnType<typeof findFunctions> {
  let fns = functionCache.get(tree);
  if (!fns) functionCache.set(tree, (fns = findFunctions(tree, text)));
  return fns;
}

export function hover(d: OpenDocument, a: FileAnalysis | undefined, pos: Position, opts: AnalysisOptions): Hover | null {
  const text = d.doc.getText();
  const offset = d.doc.offsetAt(pos);
  const parts: string[] = [];
  for (const f of a?.findings ?? []) {
    if (offset < f.start || offset > f.end) continue;
    parts.push(`**${f.rule}**: ${f.message}`);
    parts.push(f.trace.map((t, i) => `${i + 1}. line ${t.line + 1}${t.actor === 'racer' ? ' *(racing actor)*' : ''}: ${t.message}`).join('\n'));
  }
  const w = wordAt(text, offset);
  const lineOf = (o: number): number => d.doc.positionAt(o).line;
  const call = w ? callAt(a, w.word, offset) : undefined;
  const state = call && (resourceHover(call, opts.layout.name, lineOf) ?? daxHover(call, lineOf));
  if (state) parts.push(state);
  if (w && PFN_APIS.has(w.word)) {
    const md = pfnHover(w.word, callAt(a, w.word, offset), opts.layout, opts.profile, pathOf(d.uri));
    if (md) parts.push(md);
  } else if (w && FREE_REGION_APIS.has(w.word)) {
    parts.push(freeRegionHover(w.word, callAt(a, w.word, offset), opts.layout, opts.profile));
  } else if (w && TRIGGER_NAMES.includes(w.word)) {
    parts.push(`**${w.word}** (iomem-lens model)\n\n${API_NOTES[w.word] ?? daxNote(w.word, opts.profile) ?? 'Modeled by iomem-lens: its effect is simulated along each path of the function.'}`);
  } else if (d.tree && w) {
    const c = constantHover(d.tree, text, offset, archConstants(opts.profile.arch));
    if (c) parts.push(c.markdown);
    else if (/^[A-Za-z_]\w*$/.test(w.word) && a?.calls.length) {
      // A variable: the state the last call naming it left (a `struct resource *`, a `dax_device *`).
      const fn = functionsOf(d.tree, text).find((f) => offset >= f.start && offset <= f.end);
      const last = fn ? lastCallNaming(a.calls, text, w.word, fn.start, w.start) : undefined;
      const md = last && (resourceHover(last, opts.layout.name, lineOf) ?? daxHover(last, lineOf));
      // The call last in the text is not on every path here: a goto to a label between them skips it.
      const labels = last && fn ? labelsSkipping(text, fn.start, last, w.start) : [];
      const skipped = labels.length ? `\n\nPaths that jump to ${labels.map((l) => `\`${l}:\``).join(', ')} reach this line without running that call.` : '';
      if (md) parts.push(`\`${w.word}\` here, as the last call before it in the text that names it left it:\n\n${md}${skipped}`);
    }
  }
  if (!parts.length) return null;
  return { contents: { kind: 'markdown', value: neutralizeHtml(parts.join('\n\n---\n\n')) } };
}
