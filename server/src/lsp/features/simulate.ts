// `iomem-lens.server.simulate`: the simulation of the function at a position of an open document (or of
// a finding), with an address map per step for the webview.

import { findFunctions } from '../../syntax/functions.js';
import type { AnalysisOptions } from '../../analysis/options.js';
import { simulateFunction } from '../../simulate/simulate.js';
import { SVG_STYLE, renderMapSvg } from '../../simulate/svg.js';
import type { Simulation } from '../../simulate/simulate.js';
import type { OpenDocument } from '../documents.js';

export interface SimulateArgs {
  uri: string;
  /** The position whose function is simulated. */
  line: number;
  character: number;
  /** Play the path of this finding (rule id and 0-based line). */
  finding?: { rule: string; line: number };
}

export type SimulateReply =
  | { ok: true; sim: Simulation; maps: string[]; style: string }
  | { ok: false; error: string };

export function isSimulateArgs(v: unknown): v is SimulateArgs {
  const a = v as Partial<SimulateArgs> | undefined;
  // A finding that is not one (found in review: a line of 'x' was answered as a text that changed).
  const f = a?.finding as { rule?: unknown; line?: unknown } | null | undefined;
  const finding = f === undefined || f === null || (typeof f === 'object' && typeof f.rule === 'string' && Number.isInteger(f.line));
  return typeof a?.uri === 'string' && Number.isInteger(a.line) && Number.isInteger(a.character) && finding;
}

export function simulateAt(d: OpenDocument | undefined, args: SimulateArgs, opts: AnalysisOptions, file: string): SimulateReply {
  if (!d) return { ok: false, error: 'the document is not open in the language server' };
  if (!d.tree) return { ok: false, error: d.unparsed ?? 'the document has no syntax tree yet' };
  const text = d.doc.getText();
  const offset = d.doc.offsetAt({ line: args.line, character: args.character });
  const fn = findFunctions(d.tree, text).find((f) => offset >= f.start && offset <= f.end);
  if (!fn) return { ok: false, error: 'the cursor is not inside a function' };
  const r = simulateFunction(d.tree, text, opts, { function: fn.name, file, at: offset, ...(args.finding ? { finding: args.finding } : {}) });
  if (!r.ok) return r;
  const maps = [r.sim.initial, ...r.sim.steps.map((s) => s.regions)].map((regions, i) =>
    renderMapSvg(regions, r.sim.focus, { changed: i ? r.sim.steps[i - 1]?.changed ?? [] : [], title: i ? `after step ${i}` : 'before the function runs' }));
  return { ok: true, sim: r.sim, maps, style: SVG_STYLE };
}
