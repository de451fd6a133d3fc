// Checking one file from disk: read, refuse binary and oversized input, prefilter on raw
// bytes, parse with a time limit, analyze, and free the tree at once.

import { FunctionCache, analyzeTree } from '../analysis/analyze.js';
import { fingerprints } from '../analysis/baseline.js';
import { PREFILTER_WORDS, fileMentionsModel, givesFacts, mentionsCreator, mentionsModel, mentionsModelGiven, readByFacts, walkedCallers } from '../analysis/facts.js';
import { Focused, focusText, withOriginalOffsets } from '../analysis/focus.js';
import { FileAnalysis, Finding, emptyAnalysis } from '../analysis/finding.js';
import type { AnalysisOptions } from '../analysis/options.js';
import { PUBLISHING_CALLS, Publication, PublishIndex, mayPublish, scanPublications, viewWithFile } from '../analysis/publish.js';
import { WordScanner } from '../analysis/wordScan.js';
import { applySuppressions } from '../analysis/suppress.js';
import { failureNote } from '../analysis/limits.js';
import type { CParser } from '../syntax/parser.js';
import { readFailure, readRegularFile } from '../readFile.js';

export const MAX_FILE_BYTES = 8 << 20;
export const PARSE_TIMEOUT_MS = 20_000;

export interface FileResult {
  file: string;
  findings: Finding[];
  /** Baseline fingerprints of `findings`, index for index (they need the file's text). */
  fingerprints?: string[];
  /** How many findings suppression comments hid. */
  suppressed?: number;
  parsed: boolean;
  skipped?: string;
  notes: string[];
  /** Index and first pass only: the file's publications (seed 002). */
  pubs?: Publication[];
  /** First pass only: the check pass must look at the file (scanFile()). */
  candidate?: boolean;
  /** First pass only: the file was checked as it was scanned (scanFile()); the result is final. */
  checked?: boolean;
}

/**
 * Where a scan reads each file (larger ones get a buffer of their own). One per thread; a
 * result never keeps a view of it. Its pages are only backed once a file has reached them, so
 * its size costs nothing until a large file comes: 102 generated headers of Linux 6.12
 * (amdgpu's register masks, up to 24 MB) hold a third of the tree's bytes, and a fresh buffer
 * for each, faulted in page by page and then collected, cost more than reading them (whole
 * tree, 2 workers: system time 0.97 -> 0.83 s, wall 2 to 3% less, lower peak memory).
 */
const scratch = Buffer.allocUnsafe(32 << 20);

/** The index pass: a file's publications, from its raw bytes (no parse). */
export function indexFile(file: string): FileResult {
  try {
    const buf = readRegularFile(file, scratch);
    if (binary(buf) || !mayPublish(buf)) return { file, findings: [], parsed: false, notes: [] };
    return { file, findings: [], parsed: false, notes: [], pubs: scanPublications(buf.toString('latin1'), file) };
  } catch {
    return { file, findings: [], parsed: false, notes: [] };
  }
}

/** A NUL byte in the first 8 KiB: not C source. */
function binary(buf: Buffer): boolean {
  return buf.subarray(0, 8192).includes(0);
}

/** A file's bytes, or undefined with `res.skipped` saying why it cannot be checked. */
function readSource(file: string, res: FileResult): Buffer | undefined {
  let buf: Buffer;
  try {
    buf = readRegularFile(file, scratch);
  } catch (e) {
    res.skipped = `cannot read (${readFailure(e)})`;
    return undefined;
  }
  if (binary(buf)) {
    res.skipped = 'binary file (NUL bytes), not C source';
    return undefined;
  }
  return buf;
}

/**
 * The first pass of `check` (cli/firstPass.ts): one read of a file gives its publications and
 * whether the check pass must look at it: it names a modeled API, publishes something, or
 * names one of `known` (published globals the run has found so far). A file it does not mark
 * is one checkFile() would find nothing in, as long as `known` held every shared published
 * global of the run; firstPass.ts looks again for the ones found later.
 *
 * With `check`, a file that names a modeled API but publishes nothing and names none of
 * `known` is checked here, from the bytes just read (`checked` in the result): no publication
 * can pair with an access in it, so the run's index cannot change what checkFile() finds in it.
 */
export function scanFile(file: string, scanner: WordScanner, known: ReadonlySet<string>, check?: (res: FileResult, buf: Buffer) => void): FileResult {
  const res: FileResult = { file, findings: [], parsed: false, notes: [] };
  const buf = readSource(file, res);
  if (!buf) return res;
  const present = scanner.present(buf);
  if (!present.size) return res;
  let latin: string | undefined;
  const decoded = (): string => (latin ??= buf.toString('latin1'));
  let names = false;
  let model = false;
  try {
    if (PUBLISHING_CALLS.some((w) => present.has(w))) res.pubs = scanPublications(decoded(), file);
    for (const w of present) if (known.has(w)) names = true;
    model = mentionsModelGiven(present, decoded, () => buf);
    if (names || res.pubs?.length || model) res.candidate = true;
  } catch {
    // A text too long for a string (hundreds of MB): no publications, as indexFile() found
    // none; the check pass says what becomes of the file.
    res.candidate = true;
    return res;
  }
  if (check && model && !names && !res.pubs?.length) {
    latin = undefined; // the check decodes the text itself: let the scan's copy go
    check(res, buf);
    res.checked = true;
  }
  return res;
}

/** The words scanFile() looks for. */
export function firstPassScanner(known: readonly string[]): WordScanner {
  return new WordScanner([...PREFILTER_WORDS, ...PUBLISHING_CALLS, ...known]);
}

/**
 * The prefilter's scanner for a file: the model's words and the run's published globals that an
 * access in the file can pair with (the shared ones, and those published file-statically in it).
 */
const scanners = new WeakMap<PublishIndex, WordScanner>();
let modelOnly: WordScanner | undefined;
function scannerFor(index: PublishIndex | undefined, file: string): WordScanner {
  if (!index) return (modelOnly ??= new WordScanner(PREFILTER_WORDS));
  const own = index.staticNamesIn(file);
  if (own.length) return new WordScanner([...PREFILTER_WORDS, ...index.sharedNames(), ...own]);
  let s = scanners.get(index);
  if (!s) scanners.set(index, (s = new WordScanner([...PREFILTER_WORDS, ...index.sharedNames()])));
  return s;
}

/** The published globals focusing keeps the bodies of, besides the model's: those the file can pair with, and its own. */
const pubScanners = new WeakMap<PublishIndex, WordScanner>();
function publishedNames(index: PublishIndex | undefined, file: string, own: readonly Publication[]): WordScanner | undefined {
  const ownStatic = index?.staticNamesIn(file) ?? [];
  if (own.length || ownStatic.length) return new WordScanner([...(index?.sharedNames() ?? []), ...ownStatic, ...own.map((p) => p.name)]);
  if (!index) return undefined;
  let s = pubScanners.get(index);
  if (!s) pubScanners.set(index, (s = new WordScanner(index.sharedNames())));
  return s;
}

/**
 * The text to parse: the bodies of functions that neither the model nor the publication rules
 * can reach taken out (focus.ts). Bodies that access a published global are kept for
 * publish-unpaired, which reads every such function of the file.
 */
function focused(text: string, file: string, opts: AnalysisOptions): Focused {
  const own = scanPublications(text, file);
  const pubs = publishedNames(opts.publications, file, own);
  // What checkFileRules() asks of a body (of the focused text, whose publications are among these).
  const view = viewWithFile(opts.publications, file, own);
  return focusText(text, {
    relevant: mentionsModel, read: readByFacts, fileRule: (body) => pubs !== undefined && pubs.any(body),
    fileRuleFinds: (body) => view.plainAccessIn(body),
    direct: fileMentionsModel, creator: mentionsCreator, callers: (creators) => walkedCallers(text, creators), givesFacts,
  });
}

export function checkFile(file: string, parser: CParser, opts: AnalysisOptions, cache?: FunctionCache, focus = true): FileResult {
  const res: FileResult = { file, findings: [], parsed: false, notes: [] };
  const buf = readSource(file, res);
  if (buf) checkSource(res, buf, parser, opts, cache, focus);
  return res;
}

/** checkFile() of the bytes `buf` read from `res.file`: fills in `res`. */
export function checkSource(res: FileResult, buf: Buffer, parser: CParser, opts: AnalysisOptions, cache?: FunctionCache, focus = true): void {
  const file = res.file;
  // The raw bytes are scanned; the text is decoded only for the tests that then need it.
  // Identifiers are ASCII: latin1 decoding is exact for those and much cheaper.
  const present = scannerFor(opts.publications, file).present(buf);
  if (!present.size) return;
  let latin: string | undefined;
  const decoded = (): string => (latin ??= buf.toString('latin1'));
  if (!mentionsModelGiven(present, decoded, () => buf) && !opts.publications?.plainAccessGiven(present, decoded)) return;
  if (buf.length > MAX_FILE_BYTES) {
    res.skipped = `too large (${(buf.length / (1 << 20)).toFixed(1)} MiB, limit ${MAX_FILE_BYTES >> 20} MiB)`;
    return;
  }
  const text = buf.toString('utf8');
  // The same lines and columns as `text`; offsets are mapped back after the analysis.
  const f = focus ? focused(text, file, opts) : undefined;
  if (f?.nothing) {
    // No function to walk and no body publish-unpaired may report in (the model's words were
    // outside every body, or name nothing a walk acts on): nothing to parse. Its suppression
    // comments are still checked (one that silences nothing is a note).
    report(res, emptyAnalysis(), text, opts);
    return;
  }
  const parsedText = f?.text ?? text;
  const tree = parser.parse(parsedText, undefined, { timeoutMs: PARSE_TIMEOUT_MS, ...(f?.ranges ? { ranges: f.ranges } : {}) });
  if (!tree) {
    res.skipped = `parse did not finish in ${PARSE_TIMEOUT_MS / 1000} s`;
    return;
  }
  try {
    res.parsed = true;
    const analyzed = analyzeTree(tree, parsedText, opts, cache, {
      file,
      onError: (fn, err, rule) => res.notes.push(rule
        ? `${file}: internal error in rule ${rule} on ${fn}(), its findings there are lost: ${err instanceof Error ? err.message : String(err)}`
        : `${file}: ${failureNote(fn, err)}`),
    });
    report(res, f ? withOriginalOffsets(analyzed, f) : analyzed, text, opts);
  } finally {
    tree.delete();
  }
}

/** Fills in `res` from the analysis `a` of `text`: suppression comments applied, notes. */
function report(res: FileResult, a: FileAnalysis, text: string, opts: AnalysisOptions): void {
  const quiet = applySuppressions(a, text, opts.rules);
  res.findings = quiet.findings;
  res.fingerprints = fingerprints(quiet.findings, text);
  res.suppressed = quiet.silenced?.suppressed.length ?? 0;
  for (const p of quiet.silenced?.problems ?? []) res.notes.push(`${res.file}:${p.line + 1}:${p.col + 1}: ${p.message}`);
  for (const p of a.partial) res.notes.push(`${res.file}: ${p.function}(): ${p.reason}`);
}
