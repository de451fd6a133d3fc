// `iomem-lens review PATCH... --tree DIR` and `iomem-lens review --git REV_RANGE`: what a
// patch series fixes and what it introduces, patch by patch.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readFailure, readRegularFile } from '../readFile.js';
import { formatReviewText, reviewJson, reviewSarif } from '../review/format.js';
import { Patch, PatchParseError, parsePatches, readPatches, seriesOrder } from '../review/patch.js';
import { PatchReview, ReviewSource, reviewSeries } from '../review/review.js';
import { FunctionCache } from '../analysis/analyze.js';
import { findKernelRoot, resolveSettings } from '../settings.js';
import { CParser } from '../syntax/parser.js';
import { AnalysisArgs, UsageError, forEachArg, formatOption, parseAnalysisOption, settingsFromArgs } from './args.js';
import { refuseInputAsOutput } from './outputs.js';

export const REVIEW_USAGE = `review PATCH... [--tree DIR] [options]
review --git REV_RANGE [options]
  apply each patch in memory (an mbox series, git format-patch files, a plain diff; - reads
  stdin) on top of the ones before it, and report per patch the findings it fixes and
  introduces in the files it touches, and leaves in the functions it touches; --git takes each
  commit of REV_RANGE (A..B, X^!, X^-1; a single revision is that one commit) from the git
  checkout (the current directory, or --tree) and applies it to its own parent (merge commits
  are not reviewed)
  --tree DIR                the tree the patches apply to (default: the current directory)
  --format text|json|sarif  output (default: text, a review reply)
  --kernel X.Y  --arch NAME  --layout FILE  --rule ID  --disable ID  --path-bound N   as for check
  -o, --output FILE         write the report to FILE
  -q, --quiet               no notes on stderr
exit status: 0 nothing introduced, 1 a patch introduces a finding, 2 usage error, no patch in
any input, or a patch that cannot be read or does not apply (the others are still reviewed)`;

export interface ReviewArgs extends AnalysisArgs {
  patches: string[];
  tree: string;
  git?: string;
  format: 'text' | 'json' | 'sarif';
  output?: string;
  quiet: boolean;
}

export function parseReviewArgs(argv: string[]): ReviewArgs {
  const a: ReviewArgs = { patches: [], tree: '.', format: 'text', only: [], disable: [], quiet: false };
  forEachArg(argv, ({ raw, opt, value }) => {
    switch (opt) {
      case '--tree': a.tree = value(); break;
      case '--git': a.git = value(); break;
      case '--format': a.format = formatOption(value(), ['text', 'json', 'sarif'] as const); break;
      case '-o': case '--output': a.output = value(); break;
      case '-q': case '--quiet': a.quiet = true; break;
      default:
        if (parseAnalysisOption(opt, value, a)) break;
        if (raw.startsWith('-') && raw !== '-') throw new UsageError(`review: unknown option ${raw}`);
        a.patches.push(raw);
    }
  });
  if (a.git !== undefined && a.patches.length) throw new UsageError('review takes patch files or --git REV_RANGE, not both');
  if (a.git === undefined && !a.patches.length) throw new UsageError('review needs patch files (or - for stdin), or --git REV_RANGE');
  // Handed to git as an argument: a range that starts with '-' would be an option of git's
  // (found in review: --output=FILE created or truncated a file).
  if (a.git !== undefined && (a.git === '' || a.git.startsWith('-'))) throw new UsageError(`--git ${a.git}: expected a revision range such as v6.11..v6.12`);
  refuseInputAsOutput('--output', a.output, [...a.patches, a.tree]);
  return a;
}

function git(dir: string, args: string[]): string {
  try {
    return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new UsageError(`git ${args.join(' ')}: ${(err.stderr ?? err.message).trim().split('\n')[0]}`);
  }
}

/** Files of a directory tree; a path that leaves it is refused. */
function dirSource(root: string): ReviewSource {
  return {
    read(p: string): string | undefined {
      const full = path.resolve(root, p);
      if (path.relative(root, full).startsWith('..')) return undefined;
      try {
        return readRegularFile(full).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}

/** Files as commit `rev` has them. */
function gitSource(dir: string, rev: string): ReviewSource {
  return {
    read(p: string): string | undefined {
      try {
        return execFileSync('git', ['-C', dir, 'show', `${rev}:${p}`], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
      } catch {
        return undefined;
      }
    },
  };
}

export async function runReview(a: ReviewArgs): Promise<number> {
  const notes: string[] = [];
  let patches: Patch[] = [];
  const tree = path.resolve(a.tree);
  let failed = false;
  const settings = resolveSettings(settingsFromArgs(a), findKernelRoot(tree));
  const parser = await CParser.load();
  let reviews: PatchReview[] = [];
  if (a.git !== undefined) {
    // A range as git writes one (A..B, A...B, X^!, X^-1, X^@) goes to rev-list as it is; a single
    // revision is that one commit, X^! (found in review: X^! was made X^!^..X^!, an error).
    const isRange = /\.\.|\^[!@-]/.test(a.git);
    // A single revision must name a commit (found in review: `HEAD:x.c` was answered about a path `x.c^!`).
    if (!isRange) {
      try {
        git(tree, ['rev-parse', '--verify', '--quiet', `${a.git}^{commit}`]);
      } catch (e) {
        if (/not a git repository/.test(e instanceof Error ? e.message : String(e))) throw e;
        throw new UsageError(`--git ${a.git}: not a commit or a range of commits`);
      }
    }
    const range = isRange ? a.git : `${a.git}^!`;
    const all = git(tree, ['rev-list', '--reverse', range]).split('\n').filter(Boolean);
    if (!all.length) throw new UsageError(`--git ${a.git}: no commits in that range`);
    // Each commit against its own parent: a range with merges is no linear series, and applying
    // it on its oldest commit's parent took in commits outside the range (found in review).
    const commits = git(tree, ['rev-list', '--reverse', '--no-merges', range]).split('\n').filter(Boolean);
    const merges = all.length - commits.length;
    if (merges) notes.push(`--git ${a.git}: ${merges} merge commit${merges === 1 ? '' : 's'} not reviewed (each other commit is reviewed against its own parent)`);
    // Nothing reviewed is no clean review (found in review: a lone merge commit exited 0).
    if (!commits.length) failed = true;
    const cache = new FunctionCache();
    commits.forEach((sha, i) => {
      const where = `git ${sha.slice(0, 12)}`;
      let found: Patch[];
      try {
        found = parsePatches(git(tree, ['format-patch', '-1', '--stdout', '--no-signature', sha]), where);
      } catch (e) {
        if (!(e instanceof PatchParseError)) throw e;
        notes.push(e.message);
        failed = true;
        return;
      }
      const prefix = commits.length > 1 ? `[PATCH ${i + 1}/${commits.length}]` : '[PATCH]';
      // A commit with no hunks (a mode change, an empty commit) keeps its place in the numbering,
      // said (found in review: it vanished, 1, 2, 4, 5 of 5).
      if (!found.length) notes.push(`${prefix} ${git(tree, ['log', '-1', '--format=%s', sha]).trim()}: no diff hunks (a mode change, a binary file or an empty commit): nothing to review`);
      for (const p of found) {
        p.prefix = prefix;
        p.series = { index: i + 1, total: commits.length };
      }
      reviews.push(...reviewSeries(found, gitSource(tree, `${sha}^`), parser, settings.options, cache));
    });
  } else {
    if (!fs.existsSync(tree) || !fs.statSync(tree).isDirectory()) throw new UsageError(`--tree ${a.tree}: not a directory`);
    for (const file of a.patches) {
      let text: string;
      try {
        text = file === '-' ? fs.readFileSync(0, 'utf8') : readRegularFile(file).toString('utf8');
      } catch (e) {
        notes.push(`${file}: cannot read (${readFailure(e)})`);
        failed = true;
        continue;
      }
      const found = readPatches(text, file === '-' ? '<stdin>' : file);
      notes.push(...found.errors);
      if (found.errors.length) failed = true;
      // A cover letter has no diff by design; anything else with none is the wrong file.
      if (!found.patches.length && !found.errors.length && !found.covers) notes.push(`${file}: no patch in it (no unified diff hunks)`);
      patches.push(...found.patches);
    }
    // Input with no patch at all is a mistake (a wrong file), not a clean review.
    if (!patches.length) failed = true;
    patches = seriesOrder(patches);
    notes.push(...seriesGaps(patches));
    reviews = reviewSeries(patches, dirSource(tree), parser, settings.options);
  }
  notes.unshift(...settings.problems.map((p) => `settings: ${p}`));
  for (const r of reviews) {
    if (r.error) {
      failed = true;
      notes.push(`${r.patch.source}: "${r.patch.subject}" does not apply: ${r.error}`);
    }
    for (const n of r.notes) notes.push(`${r.patch.source}: ${n}`);
  }
  const out = a.format === 'json' ? `${JSON.stringify(reviewJson(reviews), null, 2)}\n`
    : a.format === 'sarif' ? `${JSON.stringify(reviewSarif(reviews), null, 2)}\n`
      : formatReviewText(reviews);
  if (a.output) fs.writeFileSync(a.output, out);
  else process.stdout.write(out);
  if (!a.quiet) for (const n of notes) process.stderr.write(`iomem-lens: ${n}\n`);
  if (reviews.some((r) => r.introduced.length)) return 1;
  return failed ? 2 : 0;
}

/**
 * The patches a numbered series is missing (`[PATCH 2/3]` absent from 1/3 and 3/3): the later
 * ones are reviewed on a tree without it (found in review: said nothing). Per version, as a
 * thread may carry a v2 reply to a v1 series.
 */
export function seriesGaps(patches: readonly Patch[]): string[] {
  const byVersion = new Map<string, { total: number; have: Set<number> }>();
  for (const p of patches) {
    if (!p.series) continue;
    const key = `${p.series.version ?? 1}/${p.series.total}`;
    const v = byVersion.get(key) ?? { total: p.series.total, have: new Set<number>() };
    v.have.add(p.series.index);
    byVersion.set(key, v);
  }
  const out: string[] = [];
  for (const [key, v] of byVersion) {
    const missing = Array.from({ length: v.total }, (_, i) => i + 1).filter((n) => !v.have.has(n));
    if (!missing.length) continue;
    const version = key.split('/')[0] === '1' ? '' : ` (v${key.split('/')[0]})`;
    out.push(`the series${version} is missing patch${missing.length === 1 ? '' : 'es'} ${missing.map((n) => `${n}/${v.total}`).join(', ')}: the patches after ${missing.length === 1 ? 'it' : 'them'} are reviewed on a tree without ${missing.length === 1 ? 'it' : 'them'}`);
  }
  return out;
}
