// Suppression comments: `iomem-lens-disable-next-line RULE[, RULE...]: reason` above a
// finding's line, or `iomem-lens-disable-line RULE: reason` on it, hides the finding. A
// suppression without a reason, naming an unknown rule or hiding nothing still counts but is
// reported: reviewers need to see why a warning was silenced, and a stale one hides nothing.

import { RULES_BY_ID } from '../rules/index.js';
import type { FileAnalysis, Finding } from './finding.js';
import { lineOf, lineStarts } from '../syntax/lines.js';

export interface Suppression {
  kind: 'next-line' | 'line';
  /** 0-based line and column where the comment starts. */
  line: number;
  col: number;
  /** 0-based line whose findings it hides. */
  target: number;
  rules: string[];
  reason?: string;
}

export interface SuppressionProblem {
  kind: 'no-reason' | 'unknown-rule' | 'unused';
  /** 0-based line and column of the comment. */
  line: number;
  col: number;
  rule: string;
  message: string;
}

interface Comment {
  start: number;
  end: number;
  body: string;
}

/** The comments of C text, skipping string and character literals. */
export function scanComments(text: string): Comment[] {
  const out: Comment[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' || c === "'") {
      // A literal ends at its closing quote or, unterminated, at the end of the line.
      for (i++; i < text.length && text[i] !== c && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? text.length : nl;
      out.push({ start: i, end, body: text.slice(i + 2, end) });
      i = end;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? text.length : close + 2;
      out.push({ start: i, end, body: text.slice(i + 2, close < 0 ? end : close) });
      i = end;
    } else {
      i++;
    }
  }
  return out;
}

const DIRECTIVE = /iomem-lens-disable-(next-line|line)(?![\w-])([^]*)$/;

/** The suppression comments of a file, each with the line it applies to. */
export function parseSuppressions(text: string): Suppression[] {
  if (!text.includes('iomem-lens-disable')) return [];
  const comments = scanComments(text);
  const starts = lineStarts(text);
  // A line is "comment only" when it holds comment text and no code: next-line skips those.
  const commentOnly = new Array<boolean>(starts.length).fill(false);
  const hasCode = new Array<boolean>(starts.length).fill(false);
  let ci = 0;
  for (let i = 0, line = 0; i < text.length; i++) {
    const comment = comments[ci];
    if (comment && i >= comment.start) {
      const last = lineOf(starts, comment.end - 1);
      for (let l = line; l <= last; l++) commentOnly[l] = true;
      line = last;
      i = comment.end - 1;
      ci++;
      continue;
    }
    const ch = text[i] as string;
    if (ch === '\n') line++;
    else if (!/\s/.test(ch)) hasCode[line] = true;
  }
  const out: Suppression[] = [];
  for (const c of comments) {
    const m = DIRECTIVE.exec(c.body);
    if (!m) continue;
    const line = lineOf(starts, c.start);
    const kind = m[1] === 'line' ? 'line' : 'next-line';
    let target = line;
    if (kind === 'next-line') {
      target = lineOf(starts, Math.max(c.start, c.end - 1)) + 1;
      while (target < starts.length && commentOnly[target] && !hasCode[target]) target++;
    }
    // Block comments spanning lines carry ` * ` prefixes: fold them into one line of text.
    const rest = (m[2] as string).replace(/\n\s*\*?/g, ' ');
    const colon = rest.indexOf(':');
    const names = (colon < 0 ? rest : rest.slice(0, colon)).split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    const reason = colon < 0 ? '' : rest.slice(colon + 1).replace(/\s+/g, ' ').trim();
    out.push({ kind, line, col: c.start - (starts[line] as number), target, rules: names, ...(reason ? { reason } : {}) });
  }
  return out;
}

const directive = (s: Suppression): string => `iomem-lens-disable-${s.kind}`;

/**
 * Hides the findings the file's suppression comments name, and lists what the comments got
 * wrong. `enabled` are the rules that ran: a suppression of a rule that did not run is not
 * "unused". Neither is one in a file whose analysis was cut short (partial or failed).
 */
export function applySuppressions(a: FileAnalysis, text: string, enabled: ReadonlySet<string>): FileAnalysis {
  const sups = parseSuppressions(text);
  const problems: SuppressionProblem[] = [];
  const used = new Set<string>();
  const suppressed: Finding[] = [];
  const findings: Finding[] = [];
  for (const f of a.findings) {
    const by = sups.filter((s) => s.target === f.line && s.rules.includes(f.rule));
    for (const s of by) used.add(`${s.line}:${s.col}:${f.rule}`);
    (by.length ? suppressed : findings).push(f);
  }
  const complete = a.partial.length === 0 && a.errors.length === 0;
  for (const s of sups) {
    const at = { line: s.line, col: s.col };
    if (s.rules.length === 0) {
      problems.push({ kind: 'unknown-rule', ...at, rule: '', message: `${directive(s)} names no rule (write \`${directive(s)} RULE: reason\`)` });
      continue;
    }
    if (!s.reason) {
      problems.push({ kind: 'no-reason', ...at, rule: s.rules.join(','), message: `${directive(s)} ${s.rules.join(', ')} gives no reason: add one after a colon (\`${s.rules[0]}: why\`)` });
    }
    for (const rule of s.rules) {
      if (!RULES_BY_ID.has(rule)) {
        problems.push({ kind: 'unknown-rule', ...at, rule, message: `${directive(s)}: unknown rule "${rule}" (see \`iomem-lens rules\`)` });
      } else if (complete && enabled.has(rule) && !used.has(`${s.line}:${s.col}:${rule}`)) {
        problems.push({ kind: 'unused', ...at, rule, message: `unused suppression: no ${rule} finding on line ${s.target + 1}` });
      }
    }
  }
  return { ...a, findings, silenced: { suppressed, baselined: a.silenced?.baselined ?? [], problems } };
}
