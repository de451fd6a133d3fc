// "Simulate function": one path of a function through the models on the machine layout, step by
// step, with the tree after each step. Where a rule found a race on that function, the racing
// actor joins and the interleaving that goes wrong is played.

import {
  Actor, Interleaving, LoggedOp, ResourceOp, describeOp, formatVersion, isResourceOp, runSchedule,
} from '../../../model/src/index.js';
import { analyzeTree } from '../analysis/analyze.js';
import type { Finding } from '../analysis/finding.js';
import type { AnalysisOptions } from '../analysis/options.js';
import type { Cfg } from '../cfg/types.js';
import type { PathState } from '../engine/state.js';
import { RULES_BY_ID } from '../rules/index.js';
import { racerRuns } from '../rules/resource/interleavings.js';
import { ownerMessage, racerMessage, runTrace } from '../rules/resource/trace.js';
import type { PathContext, RawFinding } from '../rules/rule.js';
import type { Tree } from '../syntax/parser.js';
import { lineOf, lineStarts } from '../syntax/lines.js';
import { SimRegion, changedIds, focusOf, snapshot } from './snapshot.js';

export interface SimStep {
  actor: Actor;
  /** 0-based line of the owner's call (a racer step: the owner step it follows). */
  line: number;
  callee: string;
  message: string;
  /** The tree after the step. */
  regions: SimRegion[];
  /** Regions this step created, changed or removed. */
  changed: number[];
}

export interface Simulation {
  file: string;
  function: string;
  kernel: string;
  arch: string;
  layout: string;
  /** Paths the analysis walked; the simulation plays one of them. */
  paths: number;
  racing: boolean;
  initial: SimRegion[];
  steps: SimStep[];
  /** The finding the played path ends in, if any. */
  finding?: { rule: string; severity: string; line: number; message: string };
  /** The address range worth looking at (what the steps touched, in its top-level container). */
  focus?: { start: string; end: string };
  /** Which of several definitions of the name was played, when none was asked for. */
  note?: string;
}

export type SimulateResult = { ok: true; sim: Simulation } | { ok: false; error: string };

export interface SimulateRequest {
  function: string;
  file?: string;
  /** Play the path of this finding (rule id and 0-based line), e.g. from "Explain finding". */
  finding?: { rule: string; line: number };
  /**
   * An offset inside the definition meant: a name defined twice (under #ifdef and #else) is
   * otherwise ambiguous (found in review: Explain played the first definition's paths).
   */
  at?: number;
}

interface Walk { ends: readonly PathState[]; cfg: Cfg; locals: ReadonlySet<string>; returnsPointer: boolean }

export function simulateFunction(tree: Tree, text: string, opts: AnalysisOptions, req: SimulateRequest): SimulateResult {
  let walk: Walk | undefined;
  let span: { start: number; end: number } | undefined;
  const at = req.at;
  /** Start offsets of every walked definition of the name. */
  const definitions: number[] = [];
  const analysis = analyzeTree(tree, text, opts, undefined, {
    file: req.file ?? '<buffer>',
    onPaths: (fn, ends, w) => {
      if (fn !== req.function) return;
      definitions.push(w.start);
      if (walk || (at !== undefined && (at < w.start || at > w.end))) return;
      walk = { ends, ...w };
      span = { start: w.start, end: w.end };
    },
  });
  if (definitions.length > 0 && at !== undefined && !walk) {
    return { ok: false, error: `no definition of ${req.function}() takes in line ${lineOf(lineStarts(text), at) + 1}` };
  }
  if (!walk || !span) {
    // Said as the analysis said it (a function nested too deep, a rule that failed), not as
    // "calls nothing" (found in review).
    const failed = analysis.errors.find((e) => e.function === req.function);
    if (failed) return { ok: false, error: `${req.function}(): ${failed.reason}` };
    const defined = new RegExp(`\\b${req.function}\\s*\\(`).test(text);
    return { ok: false, error: defined ? `${req.function}() calls nothing iomem-lens models: there is nothing to simulate` : `no function ${req.function}() in this file` };
  }
  const { start, end } = span;
  const starts = lineStarts(text);
  const played = lineOf(starts, start) + 1;
  const others = definitions.filter((d) => d !== start).map((d) => lineOf(starts, d) + 1);
  const note = others.length && at === undefined
    ? `${req.function}() is defined ${others.length + 1} times (lines ${[played, ...others].join(', ')}): playing the one at line ${played}` : undefined;
  const findings = analysis.findings.filter((f) => f.function === req.function && f.start >= start && f.start <= end);
  const target = pickFinding(findings, req.finding);
  // Asked for a finding that is not there (the text changed since the diagnostic was shown):
  // said, rather than playing another path as if it were that finding's (found in review).
  if (req.finding && !target) {
    return { ok: false, error: `${req.function}() has no ${req.finding.rule} finding at line ${req.finding.line + 1} now: the text changed since; explain it again from its diagnostic` };
  }
  const chosen = target ? pathOf(target, walk, text, opts, req.file) : undefined;
  const st = chosen?.st ?? defaultPath(walk.ends);
  if (!st) return { ok: false, error: `${req.function}(): no path reached the end of the function` };
  const owner: LoggedOp[] = st.ops.map((o) => ({ op: o.op, expectOk: o.expectOk }));
  const race = chosen?.run;
  const racer: ResourceOp[] = race?.racer ?? [];
  const schedule: Actor[] = race ? race.run.steps.map((s) => s.actor) : owner.map(() => 'owner' as const);
  const base = opts.layout.tree;
  const initial = snapshot(base, new Map());
  const steps: SimStep[] = [];
  let before = initial;
  let line = st.ops[0]?.at.line ?? 0;
  for (let k = 1; k <= schedule.length; k++) {
    const run = runSchedule(base, owner, racer, schedule.slice(0, k));
    const s = run.steps[run.steps.length - 1];
    if (!s || run.steps.length < k) break;
    const regions = snapshot(run.world.tree, run.createdBy);
    const logged = s.actor === 'owner' ? st.ops[s.index] : undefined;
    if (logged) line = logged.at.line;
    const message = s.actor === 'racer' ? racerMessage(s)
      : logged && isResourceOp(s.op) ? ownerMessage(s, logged)
        : (logged && st.trace[logged.trace]?.message) ?? describeOp(s.op);
    steps.push({ actor: s.actor, line, callee: s.actor === 'racer' ? 'another driver' : logged?.callee ?? '?', message, regions, changed: changedIds(before, regions) });
    before = regions;
  }
  const touched = new Set(steps.flatMap((s) => s.changed));
  const focus = focusOf([initial, ...steps.map((s) => s.regions)], touched);
  return {
    ok: true,
    sim: {
      file: req.file ?? '<buffer>', function: req.function, kernel: formatVersion(opts.profile.version), arch: opts.profile.arch,
      layout: opts.layout.name, paths: walk.ends.length, racing: racer.length > 0, initial, steps,
      ...(chosen && target ? { finding: { rule: target.rule, severity: target.severity, line: target.line, message: target.message } } : {}),
      ...(focus ? { focus } : {}),
      ...(note ? { note } : {}),
    },
  };
}

/** The finding asked for; else one whose trace has a racing actor; else the first. */
function pickFinding(findings: Finding[], want: SimulateRequest['finding']): Finding | undefined {
  if (want) return findings.find((f) => f.rule === want.rule && f.line === want.line);
  return findings.find((f) => f.trace.some((t) => t.actor === 'racer')) ?? findings[0];
}

/** The path (and, for a race, the interleaving) on which the finding's rule reports it. */
function pathOf(target: Finding, walk: Walk, text: string, opts: AnalysisOptions, file: string | undefined):
  { st: PathState; run?: { racer: ResourceOp[]; run: Interleaving } } | undefined {
  const rule = RULES_BY_ID.get(target.rule);
  if (!rule?.checkPath) return undefined;
  for (const st of walk.ends) {
    const hits: RawFinding[] = [];
    const ctx: PathContext = {
      st, source: text, locals: walk.locals, cfg: walk.cfg, layout: opts.layout, profile: opts.profile, functionName: target.function,
      returnsPointer: walk.returnsPointer, ...(file ? { file } : {}), report: (raw) => hits.push({ ...raw, rule: target.rule }),
    };
    rule.checkPath(ctx);
    if (!hits.some((h) => h.site.line === target.line)) continue;
    if (!target.trace.some((t) => t.actor === 'racer')) return { st };
    // The interleaving whose racer steps are the ones the finding's trace tells.
    const told = target.trace.filter((t) => t.actor === 'racer').map((t) => t.message);
    const runs = racerRuns(ctx).runs;
    const run = runs.find((r) => {
      const msgs = runTrace(r.run, st.ops).filter((t) => t.actor === 'racer').map((t) => t.message);
      return told.every((m) => msgs.includes(m));
    }) ?? runs[0];
    return run ? { st, run: { racer: run.racer, run: run.run } } : { st };
  }
  return undefined;
}

/** Without a finding: the path that does the most, preferring one that returns success. */
function defaultPath(ends: readonly PathState[]): PathState | undefined {
  const ok = (st: PathState): boolean => st.returned === undefined || (st.returned.k === 'int' && st.returned.v === 0n);
  return [...ends].sort((a, b) => Number(ok(b)) - Number(ok(a)) || b.ops.length - a.ops.length)[0];
}
