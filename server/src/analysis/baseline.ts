// The baseline: findings accepted as they are, recorded in `.iomem-lens-baseline.json` so
// that only new ones are reported. An entry is keyed by the file (relative to the baseline's
// directory) and a fingerprint of the rule, the function and the code around the finding,
// never by line number: unrelated edits keep it matching, an edit near the finding does not.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileAnalysis, Finding } from './finding.js';
import { readFailure, readRegularFile } from '../readFile.js';

export const BASELINE_FILE = '.iomem-lens-baseline.json';
export const BASELINE_VERSION = 1;

/** Non-blank lines either side of the finding's line that its fingerprint covers. */
const CONTEXT_LINES = 2;
const FINGERPRINT = /^[0-9a-f]{16}$/;

export interface BaselineEntry {
  file: string;
  function: string;
  rule: string;
  fingerprint: string;
  /** For the reader of the file only: messages cite line numbers, so they are not matched. */
  message: string;
}

type Fingerprinted = Pick<Finding, 'rule' | 'function' | 'line'>;

const normalize = (line: string): string => line.trim().replace(/\s+/g, ' ');

/**
 * Fingerprints of findings in `text`: sha256 (16 hex digits) of rule, function and the
 * whitespace-normalized finding line with the 2 nearest non-blank lines before and after it
 * (so reindenting or adding blank lines does not count as a change to the code).
 */
export function fingerprints(findings: readonly Fingerprinted[], text: string): string[] {
  if (!findings.length) return []; // most files of a tree: no need to split them
  const raw = text.split('\n');
  // Normalized on demand: a finding reads five lines of a file of thousands.
  const at = (l: number): string => (l >= 0 && l < raw.length ? normalize(raw[l] as string) : '');
  return findings.map((f) => {
    const before: string[] = [];
    for (let l = f.line - 1; l >= 0 && before.length < CONTEXT_LINES; l--) if (at(l)) before.unshift(at(l));
    const after: string[] = [];
    for (let l = f.line + 1; l < raw.length && after.length < CONTEXT_LINES; l++) if (at(l)) after.push(at(l));
    const around = [...before, at(f.line), ...after];
    return createHash('sha256').update([f.rule, f.function, ...around].join('\n')).digest('hex').slice(0, 16);
  });
}

/** A file's path as baseline entries name it: relative to `dir`, with `/` separators. */
export function baselinePath(dir: string, file: string): string {
  return path.relative(dir, path.resolve(file)).split(path.sep).join('/');
}

const ORDER: (keyof BaselineEntry)[] = ['file', 'function', 'rule', 'fingerprint', 'message'];

/** The file's text: entries sorted, keys in a fixed order, one per line, for readable diffs. */
export function formatBaseline(entries: readonly BaselineEntry[]): string {
  const sorted = [...entries].sort((a, b) => {
    for (const k of ORDER) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
    return 0;
  });
  const findings = sorted.map((e) => Object.fromEntries(ORDER.map((k) => [k, e[k]])));
  return `${JSON.stringify({ version: BASELINE_VERSION, findings }, null, 2)}\n`;
}

/** Parses and validates a baseline's text; an error names the first bad field. */
export function parseBaseline(text: string): { entries: BaselineEntry[] } | { error: string } {
  let raw: unknown;
  try {
    // A byte order mark (editors on some systems write one) is not part of the JSON: refused, it
    // was reported as an unexpected token nobody could see (found in review).
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    return { error: `not valid JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { error: 'expected an object { "version": 1, "findings": [...] }' };
  const top = raw as Record<string, unknown>;
  if (top.version !== BASELINE_VERSION) return { error: `"version" is ${JSON.stringify(top.version)}, expected ${BASELINE_VERSION}` };
  if (!Array.isArray(top.findings)) return { error: '"findings" must be an array' };
  const entries: BaselineEntry[] = [];
  for (const [i, item] of top.findings.entries()) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return { error: `findings[${i}] must be an object` };
    const e = item as Record<string, unknown>;
    for (const k of ORDER) {
      if (typeof e[k] !== 'string' && !(k === 'message' && e[k] === undefined)) return { error: `findings[${i}].${k} must be a string` };
    }
    if (!FINGERPRINT.test(e.fingerprint as string)) return { error: `findings[${i}].fingerprint must be 16 hex digits` };
    entries.push({ file: e.file as string, function: e.function as string, rule: e.rule as string, fingerprint: e.fingerprint as string, message: (e.message as string | undefined) ?? '' });
  }
  return { entries };
}

/** The accepted findings, looked up by file. */
export class Baseline {
  private readonly byFile = new Map<string, BaselineEntry[]>();

  /** `dir`: what entries' paths are relative to (the baseline file's directory). */
  constructor(readonly dir: string, entries: readonly BaselineEntry[]) {
    for (const e of entries) this.byFile.set(e.file, [...(this.byFile.get(e.file) ?? []), e]);
  }

  get size(): number {
    let n = 0;
    for (const v of this.byFile.values()) n += v.length;
    return n;
  }

  /**
   * Which of a file's findings the baseline hides. Entries count: two identical findings need
   * two entries, so a copy of accepted code in the same function is still reported.
   */
  hidden(file: string, findings: readonly { rule: string; fingerprint: string }[]): boolean[] {
    const left = new Map<string, number>();
    for (const e of this.byFile.get(baselinePath(this.dir, file)) ?? []) {
      const k = `${e.rule}\0${e.fingerprint}`;
      left.set(k, (left.get(k) ?? 0) + 1);
    }
    return findings.map((f) => {
      const k = `${f.rule}\0${f.fingerprint}`;
      const n = left.get(k) ?? 0;
      if (n > 0) left.set(k, n - 1);
      return n > 0;
    });
  }
}

/** Reads a baseline file; errors (unreadable, malformed) come back as text naming the file. */
export function loadBaseline(file: string): { baseline: Baseline } | { error: string } {
  let text: string;
  try {
    text = readRegularFile(file).toString('utf8');
  } catch (e) {
    return { error: `${file}: cannot read the baseline (${readFailure(e)})` };
  }
  const parsed = parseBaseline(text);
  if ('error' in parsed) return { error: `${file}: malformed baseline: ${parsed.error}` };
  return { baseline: new Baseline(path.dirname(path.resolve(file)), parsed.entries) };
}

/** The baseline of a directory (`dir/.iomem-lens-baseline.json`), if it has one. */
export function findBaseline(dir: string): { baseline: Baseline } | { error: string } | undefined {
  const file = path.join(dir, BASELINE_FILE);
  return fs.existsSync(file) ? loadBaseline(file) : undefined;
}

/** Hides a file's baselined findings. `file`: the file's path (absolute, or relative to the cwd). */
export function applyBaseline(a: FileAnalysis, text: string, baseline: Baseline | undefined, file: string | undefined): FileAnalysis {
  if (!baseline || file === undefined || a.findings.length === 0) return a;
  const fps = fingerprints(a.findings, text);
  const hide = baseline.hidden(file, a.findings.map((f, i) => ({ rule: f.rule, fingerprint: fps[i] as string })));
  const baselined = a.findings.filter((_, i) => hide[i]);
  if (baselined.length === 0) return a;
  return {
    ...a,
    findings: a.findings.filter((_, i) => !hide[i]),
    silenced: { suppressed: a.silenced?.suppressed ?? [], problems: a.silenced?.problems ?? [], baselined },
  };
}
