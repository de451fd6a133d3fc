// `iomem-lens.server.review`: reviews patch text (a file the user picked, or the clipboard)
// against the workspace: open documents as the editor has them, other files from disk. The
// report is markdown with links to the lines, for the editor's markdown preview.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnalysisOptions } from '../../analysis/options.js';
import { readRegularFile } from '../../readFile.js';
import { formatReviewMarkdown } from '../../review/format.js';
import { readPatches, seriesOrder } from '../../review/patch.js';
import { reviewSeries } from '../../review/review.js';
import { CParser } from '../../syntax/parser.js';

export interface ReviewArgs {
  /** The patch text: an mbox, format-patch output or a plain diff. */
  text: string;
  /** Where it came from, for the report (a file name, "clipboard"). */
  source: string;
  /**
   * The folder the client writes the report to: links are made relative to it, since the
   * markdown preview follows relative links to files but not file: URIs.
   */
  reportDir?: string;
}

export type ReviewReply =
  | { ok: true; markdown: string; patches: number; introduced: number; fixed: number; failed: number }
  | { ok: false; error: string };

export function isReviewArgs(v: unknown): v is ReviewArgs {
  const a = v as Partial<ReviewArgs> | undefined;
  return typeof a?.text === 'string' && typeof a.source === 'string' && (a.reportDir === undefined || typeof a.reportDir === 'string');
}

export function reviewText(args: ReviewArgs, root: string | undefined, opts: AnalysisOptions, openText: (file: string) => string | undefined): ReviewReply {
  if (!root) return { ok: false, error: 'open the kernel tree as a workspace folder: patches apply to its files' };
  const parser = CParser.loaded();
  if (!parser) return { ok: false, error: 'the parser is not loaded yet' };
  const read0 = readPatches(args.text, args.source);
  const patches = seriesOrder(read0.patches);
  if (!patches.length) return { ok: false, error: read0.errors.join('\n') || `${args.source}: no patch in it (no unified diff hunks)` };
  const read = (p: string): string | undefined => {
    const full = path.resolve(root, p);
    if (path.relative(root, full).startsWith('..')) return undefined;
    const open = openText(full);
    if (open !== undefined) return open;
    try {
      return readRegularFile(full).toString('utf8');
    } catch {
      return undefined;
    }
  };
  const reviews = reviewSeries(patches, { read }, parser, opts);
  const link = (file: string, line: number): string => {
    const abs = path.join(root, file);
    if (!args.reportDir) return `${pathToFileURL(abs).href}#L${line + 1}`;
    return `${path.relative(args.reportDir, abs).split(path.sep).map(encodeURIComponent).join('/')}#L${line + 1}`;
  };
  // Messages of the series that could not be read are named above the report (the others are reviewed).
  const unread = read0.errors.map((e) => `> **Not reviewed:** ${e.replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`)}\n\n`).join('');
  const markdown = unread + formatReviewMarkdown(reviews, link);
  const count = (k: 'introduced' | 'fixed'): number => reviews.reduce((n, r) => n + r[k].length, 0);
  return { ok: true, markdown, patches: reviews.length, introduced: count('introduced'), fixed: count('fixed'), failed: reviews.filter((r) => r.error).length + read0.errors.length };
}
