// Findings as every front end (CLI formats, LSP diagnostics) consumes them.

import type { Severity } from '../rules/rule.js';
import type { CallFact } from './callFacts.js';
import type { SuppressionProblem } from './suppress.js';

export interface TracePoint {
  /** 0-based line and UTF-16 column. */
  line: number;
  col: number;
  message: string;
  actor?: 'owner' | 'racer';
}

export interface Finding {
  rule: string;
  severity: Severity;
  function: string;
  /** 0-based start and end, and offsets into the analyzed text. */
  line: number;
  col: number;
  endLine: number;
  endCol: number;
  start: number;
  end: number;
  message: string;
  trace: TracePoint[];
  fix?: { title: string; edits: { start: number; end: number; newText: string }[] };
}

export interface Skipped {
  function: string;
  reason: string;
}

export interface FileAnalysis {
  findings: Finding[];
  /** What the model knew at each modeled call (for hovers), sorted by offset. */
  calls: CallFact[];
  /** Functions found, and how many of them touch the model and were walked. */
  functions: number;
  analyzed: number;
  /** Functions whose paths were cut by the path bound. */
  partial: Skipped[];
  /** Functions whose analysis threw: contained, logged, reported. */
  errors: Skipped[];
  /** Whether the parse produced ERROR nodes (the analysis still ran where it could). */
  hasParseErrors: boolean;
  /** Findings hidden by suppression comments or the baseline (absent: nothing applied). */
  silenced?: Silenced;
}

export interface Silenced {
  suppressed: Finding[];
  baselined: Finding[];
  /** Suppression comments without a reason, naming an unknown rule, or hiding nothing. */
  problems: SuppressionProblem[];
}

export function emptyAnalysis(): FileAnalysis {
  return { findings: [], calls: [], functions: 0, analyzed: 0, partial: [], errors: [], hasParseErrors: false };
}
