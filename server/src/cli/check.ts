// `iomem-lens check`: list files, scan them, print the report in the chosen format.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadLayout, resolveSettings, findKernelRoot } from '../settings.js';
import { CheckArgs, UsageError, settingsFromArgs } from './args.js';
import { BASELINE_FILE, Baseline, BaselineEntry, baselinePath, findBaseline, formatBaseline, loadBaseline } from '../analysis/baseline.js';
import { FileList, listFiles } from './files.js';
import { formatJson } from './format/json.js';
import { formatSarif } from './format/sarif.js';
import { fileLines, formatText } from './format/text.js';
import { CheckReport, FileFinding } from './report.js';
import { Publication, PublishIndex } from '../analysis/publish.js';
import { FileResult } from './checkFile.js';
import { ScanCache, sha1 } from './scanCache.js';
import { StatHelper } from './statFiles.js';
import { EarlyCore, FirstPass, firstPass, startCore } from './firstPass.js';
import { ScanProgress, checkPool, defaultJobs, scanFiles } from './scan.js';
import type { WorkerPool } from './pool.js';
import { optionsKey } from '../analysis/options.js';

export async function runCheck(args: CheckArgs): Promise<number> {
  const t0 = performance.now();
  const root = findKernelRoot(args.paths[0] as string);
  if (args.layout !== undefined) {
    const l = loadLayout(args.layout);
    if ('error' in l) throw new UsageError(`--layout ${args.layout}: ${l.error}`);
    args = { ...args, layout: path.resolve(args.layout) };
  }
  // Read before the scan: a malformed baseline stops the run at once.
  const baseline = args.writeBaseline === undefined ? readBaseline(args) : undefined;
  const settings = settingsFromArgs(args);
  const { options, problems } = resolveSettings(settings, root);
  const progressOf = (what: string): ScanProgress | undefined => (!args.quiet && process.stderr.isTTY
    ? (done, total): void => {
      if (done === total || done % 50 === 0) process.stderr.write(`\r\x1b[Kiomem-lens: ${what} ${done}/${total} files${done === total ? '\n' : ''}`);
    }
    : undefined);
  const pool = checkPool(args.jobs ?? defaultJobs());
  let list: FileList;
  let results: FileResult[];
  let reused: number;
  let helper: StatHelper | undefined;
  try {
    // A re-scan stats every file the index holds: a helper thread of its own does while this
    // one lists the tree, and this thread joins it after (statFiles.ts). It is started before the
    // index is read, which its start (a tenth of a second here) then overlaps; a first run has
    // it stat the files it records, with this thread, while the workers wait between passes.
    helper = pool && args.cache && args.paths.some(isDirectory) ? StatHelper.start() : undefined;
    // Files unchanged since the last run of the same options keep their publications and results.
    const cache = args.cache ? ScanCache.open(args.paths, settings, optionsKey(options)) : undefined;
    // A tree or a directory is many files: the workers start while it is listed. Not with a saved
    // index: a re-scan reads only what changed, often nothing, and two workers loading the
    // bundle competed with the listing and the stat() of every file for the two cores (a
    // re-scan of Linux 6.12 with nothing changed: 1.1 s, of which the workers' start 0.3 s of CPU).
    if (pool && (!cache || cache.empty) && args.paths.some(isDirectory)) pool.warm();
    if (cache && !cache.empty) cache.startStats(helper);
    const publishRule = options.rules.has('publish-unpaired');
    // A whole kernel tree with nothing saved: its core is scanned while the rest is listed.
    const operand = args.paths.length === 1 ? (args.paths[0] as string) : undefined;
    const early = pool && publishRule && root !== undefined && operand !== undefined && (!cache || cache.empty) && isDirectory(operand) &&
      path.resolve(operand) === path.resolve(root) ? startCore(operand, { settings, root, focus: args.focus, check: true }, pool) : undefined;
    list = listFiles(args.paths, cache);
    ({ results, reused } = await checkFiles(list.files, { args, settings, root, publishRule, cache, pool, progressOf, early, helper }));
  } finally {
    void pool?.close();
    helper?.close();
  }
  const findings: FileFinding[] = [];
  const skipped = [...list.missing, ...list.skipped];
  const notes = [...problems];
  let parsed = 0;
  let suppressed = 0;
  let baselined = 0;
  for (const r of results) {
    if (r.parsed) parsed++;
    if (r.skipped) skipped.push({ file: r.file, reason: r.skipped });
    notes.push(...r.notes);
    suppressed += r.suppressed ?? 0;
    const hide = baseline ? baseline.baseline.hidden(r.file, withFingerprints(r)) : [];
    r.findings.forEach((f, i) => {
      if (hide[i]) baselined++;
      else findings.push({ ...f, file: r.file });
    });
  }
  if (baselined && baseline) notes.push(`${baseline.file}: the baseline hid ${baselined} finding${baselined === 1 ? '' : 's'} (--no-baseline shows them)`);
  if (args.writeBaseline !== undefined) return writeBaseline(args, args.writeBaseline, results, notes, list.missing);
  const report: CheckReport = { profile: options.profile, findings, stats: { files: list.files.length, parsed, reused, skipped, suppressed, baselined, ms: performance.now() - t0 }, notes };
  const text = args.format === 'json' ? formatJson(report) : args.format === 'sarif' ? formatSarif(report) : formatText(report, { trace: args.trace, lineText: fileLines((f) => fs.readFileSync(f)) });
  if (args.output) fs.writeFileSync(args.output, text);
  else process.stdout.write(text);
  if (!args.quiet) {
    for (const m of list.missing) process.stderr.write(`iomem-lens: ${m.file}: ${m.reason}\n`);
    for (const s of list.skipped.concat(results.filter((r) => r.skipped).map((r) => ({ file: r.file, reason: r.skipped as string })))) {
      process.stderr.write(`iomem-lens: ${s.file}: skipped: ${s.reason}\n`);
    }
    for (const n of notes) process.stderr.write(`iomem-lens: note: ${n}\n`);
  }
  if (list.missing.length) return 2;
  return findings.length ? 1 : 0;
}

/**
 * The passes over `files`: their results in the order of `files` (the cache updated and saved),
 * and how many of them the saved index gave back without the file being read.
 */
async function checkFiles(files: readonly string[], run: {
  args: CheckArgs; settings: Record<string, unknown>; root: string | undefined; publishRule: boolean;
  cache: ScanCache | undefined; pool: WorkerPool | undefined; progressOf: (what: string) => ScanProgress | undefined;
  /** The core's scan, started before the listing (firstPass.ts startCore()). */
  early?: EarlyCore;
  /** The thread that stats files with this one for the index (statFiles.ts). */
  helper?: StatHelper;
}): Promise<{ results: FileResult[]; reused: number }> {
  const { args, settings, root, cache, pool, progressOf } = run;
  await cache?.settleStats();
  const jobs = pool?.size ?? 0;
  // Seed 002 pairs accesses across files: index every publication of the tree first. That
  // pass also checks the files the index cannot matter to, and tells which of the others the
  // check pass need not read again.
  let publications: Publication[] | undefined;
  let first: FirstPass | undefined;
  if (run.publishRule) {
    // The files without saved publications are scanned; the others' saved ones go in the index.
    let todo: readonly string[] = files;
    const saved: Publication[] = [];
    if (cache) {
      const stale: string[] = [];
      for (const f of files) {
        const p = cache.publications(f);
        if (!p) stale.push(f);
        else for (const x of p) saved.push(x);
      }
      todo = stale;
    }
    first = await firstPass(todo, saved, { settings, root, focus: args.focus, check: true }, jobs, (pubs) => {
      const index = new PublishIndex();
      const all: Publication[] = [];
      for (const f of files) {
        const p = pubs.get(f) ?? cache?.publications(f);
        if (p?.length) all.push(...p);
      }
      index.add(all);
      // Only names whose publication pairs with ordered readers can be judged.
      return index.paired();
    }, progressOf('scanned'), pool, run.early);
    publications = first.index.toJSON();
  }
  const indexHash = sha1(JSON.stringify(publications ?? []));
  // Each file's result where the check pass need not read it: settled by the first pass, or
  // given back by the saved index.
  let fromIndex = 0;
  const known = files.map((f): FileResult | undefined => {
    const settled = first?.settled.get(f);
    if (settled) return settled;
    const saved = cache?.result(f, indexHash);
    if (!saved) return undefined;
    // Given back unread: not parsed in this run (found in review: counted as parsed too).
    fromIndex++;
    return { ...saved, parsed: false };
  });
  const todo = files.filter((_, i) => known[i] === undefined);
  // The first pass's files go in the index before the check pass starts, while the workers wait
  // (a first run stat()s every file: 0.35 s of Linux 6.12's). Run alongside the check pass, on
  // the cores its workers use, it made the run 0.1 s slower.
  if (first && cache) {
    await cache.recordFiles([...first.fresh.keys()], run.helper);
    for (const [f, pubs] of first.fresh) cache.setPublications(f, pubs);
  }
  const checked = await scanFiles(todo, { settings, root, mode: 'check', focus: args.focus, ...(publications ? { publications } : {}) }, jobs, progressOf('checked'), undefined, pool);
  await cache?.recordFiles(checked.map((r) => r.file), run.helper);
  for (const r of first?.settled.values() ?? []) cache?.setResult(r, indexHash);
  for (const r of checked) cache?.setResult(r, indexHash);
  cache?.save(files);
  const byFile = new Map(checked.map((r) => [r.file, r]));
  return { results: files.map((f, i) => known[i] ?? byFile.get(f)).filter((r): r is FileResult => r !== undefined), reused: fromIndex };
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false; // listFiles() says what is wrong with it
  }
}

function withFingerprints(r: FileResult): { rule: string; fingerprint: string }[] {
  return r.findings.map((f, i) => ({ rule: f.rule, fingerprint: r.fingerprints?.[i] ?? '' }));
}

/** --baseline FILE, else the current directory's baseline if there is one (--no-baseline: none). */
function readBaseline(args: CheckArgs): { baseline: Baseline; file: string } | undefined {
  if (args.noBaseline) return undefined;
  const file = args.baseline ?? BASELINE_FILE;
  const r = args.baseline !== undefined ? loadBaseline(file) : findBaseline('.');
  // Fatal, not a usage error: the command line is fine, the file is not.
  if (r && 'error' in r) throw new Error(r.error);
  return r ? { baseline: r.baseline, file } : undefined;
}

/** --write-baseline: records every finding (after suppression comments) and exits 0. */
function writeBaseline(args: CheckArgs, file: string, results: FileResult[], notes: string[], missing: { file: string; reason: string }[]): number {
  const print = (m: string): void => {
    if (!args.quiet) process.stderr.write(`iomem-lens: ${m}\n`);
  };
  for (const n of notes) print(`note: ${n}`);
  // An incomplete run would drop the findings of the missing paths from the baseline.
  for (const m of missing) print(`${m.file}: ${m.reason}`);
  if (missing.length) {
    print(`${file}: not written: some paths are missing`);
    return 2;
  }
  const dir = path.dirname(path.resolve(file));
  const entries: BaselineEntry[] = results.flatMap((r) => r.findings.map((f, i) => ({
    file: baselinePath(dir, r.file), function: f.function, rule: f.rule, fingerprint: r.fingerprints?.[i] ?? '', message: f.message,
  })));
  try {
    fs.writeFileSync(file, formatBaseline(entries));
  } catch (e) {
    throw new Error(`${file}: cannot write the baseline (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  print(`wrote ${entries.length} finding${entries.length === 1 ? '' : 's'} to ${file}`);
  return 0;
}
