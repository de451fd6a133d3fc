// `iomem-lens check`: list files, scan them, print the report in the chosen format.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadLayout, resolveSettings, findKernelRoot } from '../settings.js';
import { CheckArgs, UsageError, settingsFromArgs } from './args.js';
import { listFiles } from './files.js';
import { formatJson } from './format/json.js';
import { formatSarif } from './format/sarif.js';
import { formatText } from './format/text.js';
import { CheckReport, FileFinding } from './report.js';
import { Publication, PublishIndex } from '../analysis/publish.js';
import { defaultJobs, scanFiles } from './scan.js';

export async function runCheck(args: CheckArgs): Promise<number> {
  const t0 = performance.now();
  const root = findKernelRoot(args.paths[0] as string);
  if (args.layout !== undefined) {
    const l = loadLayout(args.layout);
    if ('error' in l) throw new UsageError(`--layout ${args.layout}: ${l.error}`);
    args = { ...args, layout: path.resolve(args.layout) };
  }
  const settings = settingsFromArgs(args);
  const { options, problems } = resolveSettings(settings, root);
  const list = listFiles(args.paths);
  const progress = !args.quiet && process.stderr.isTTY
    ? (done: number, total: number): void => {
      if (done === total || done % 50 === 0) process.stderr.write(`\r\x1b[Kiomem-lens: ${done}/${total} files${done === total ? '\n' : ''}`);
    }
    : undefined;
  const jobs = args.jobs ?? defaultJobs();
  // Seed 002 pairs accesses across files: index every publication of the tree first.
  let publications: Publication[] | undefined;
  if (options.rules.has('publish-unpaired')) {
    const index = new PublishIndex();
    index.add((await scanFiles(list.files, { settings, root, mode: 'index' }, jobs)).flatMap((r) => r.pubs ?? []));
    // Only names whose publication pairs with ordered readers can be judged.
    publications = index.paired().toJSON();
  }
  const results = await scanFiles(list.files, { settings, root, mode: 'check', ...(publications ? { publications } : {}) }, jobs, progress);
  const findings: FileFinding[] = [];
  const skipped = [...list.missing, ...list.skipped];
  const notes = [...problems];
  let parsed = 0;
  for (const r of results) {
    if (r.parsed) parsed++;
    if (r.skipped) skipped.push({ file: r.file, reason: r.skipped });
    notes.push(...r.notes);
    for (const f of r.findings) findings.push({ ...f, file: r.file });
  }
  const report: CheckReport = { profile: options.profile, findings, stats: { files: list.files.length, parsed, skipped, ms: performance.now() - t0 }, notes };
  const text = args.format === 'json' ? formatJson(report) : args.format === 'sarif' ? formatSarif(report) : formatText(report, { trace: args.trace });
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
