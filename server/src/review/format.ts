// A review as text (a reply to the patch mail: introduced findings quoted with their hunk
// and trace, fixed ones named), JSON (`check`'s finding objects) and SARIF (baselineState:
// new, absent, unchanged). Markdown, with links to the lines, for the editor.

import { findingJson } from '../cli/format/json.js';
import { sarifLog, sarifResult } from '../cli/format/sarif.js';
import type { PatchReview, ReviewedFinding } from './review.js';

function title(r: PatchReview): string {
  return `${r.patch.prefix ? `${r.patch.prefix} ` : ''}${r.patch.subject}`;
}

function appliedNote(r: PatchReview): string | undefined {
  const parts = [
    ...r.applied.offsets.map((o) => `${o.file} hunk #${o.hunk} at offset ${o.lines > 0 ? '+' : ''}${o.lines} line${Math.abs(o.lines) === 1 ? '' : 's'}`),
    ...r.applied.fuzz.map((f) => `${f.file} hunk #${f.hunk} with fuzz ${f.fuzz}`),
  ];
  return parts.length ? `applied with ${parts.join(', ')}` : undefined;
}

/**
 * A gcc-style `file:line:col`, the column in bytes as check's text output counts it, from the
 * text the finding is in (found in review: UTF-16 units here, bytes there).
 */
function located(text: string | undefined): (file: string, line: number, col: number) => string {
  const lines = text?.split('\n');
  return (file, line, col) => `${file}:${line + 1}:${(lines?.[line] === undefined ? col : Buffer.byteLength((lines[line] as string).slice(0, col), 'utf8')) + 1}`;
}

export function formatReviewText(reviews: PatchReview[]): string {
  const out: string[] = [];
  for (const r of reviews) {
    out.push(`${title(r)}`);
    if (r.patch.author) out.push(`From: ${r.patch.author}`);
    out.push(`(${r.patch.source}; ${r.files.join(', ') || 'no files'})`, '');
    if (r.error) {
      out.push(`  error: does not apply: ${r.error}`, '');
      continue;
    }
    const note = appliedNote(r);
    if (note) out.push(`  ${note}`, '');
    if (!r.introduced.length && !r.fixed.length && !r.unchanged.length) out.push('  No findings in the functions this patch touches, before or after it.', '');
    for (const f of r.introduced) {
      out.push(`  Introduces ${f.rule} in ${f.function}():`, '');
      if (f.hunk) {
        out.push(`  > ${f.hunk.header}`);
        for (const l of quotedLines(f.hunk, f.line)) out.push(`  > ${l}`);
        out.push('');
      }
      const at = located(r.texts?.after.get(f.file));
      out.push(`  ${at(f.file, f.line, f.col)}: ${f.severity}: ${f.message} [${f.rule}]`);
      f.trace.forEach((t, i) => out.push(`  ${at(f.file, t.line, t.col)}: note: ${i + 1}.${t.actor === 'racer' ? ' (racing actor)' : ''} ${t.message}`));
      out.push('');
    }
    for (const f of r.fixed) out.push(`  Fixes ${f.rule} in ${f.function}() (was ${located(r.texts?.before.get(f.file))(f.file, f.line, f.col)}).`);
    if (r.fixed.length) out.push('');
    for (const f of r.unchanged) out.push(`  Still there: ${f.rule} in ${f.function}() at ${located(r.texts?.after.get(f.file))(f.file, f.line, f.col)}.`);
    if (r.unchanged.length) out.push('');
    for (const n of r.notes) out.push(`  note: ${n}`);
    if (r.notes.length) out.push('');
  }
  const introduced = reviews.reduce((n, r) => n + r.introduced.length, 0);
  const fixed = reviews.reduce((n, r) => n + r.fixed.length, 0);
  const failed = reviews.filter((r) => r.error).length;
  out.push(`${reviews.length} patch${reviews.length === 1 ? '' : 'es'}: ${introduced} finding${introduced === 1 ? '' : 's'} introduced, ${fixed} fixed` +
    `${failed ? `, ${failed} did not apply` : ''}.`);
  return `${out.join('\n')}\n`;
}

export function reviewJson(reviews: PatchReview[]): object {
  return {
    patches: reviews.map((r) => ({
      subject: r.patch.subject, prefix: r.patch.prefix, ...(r.patch.series ? { series: r.patch.series } : {}), source: r.patch.source,
      files: r.files,
      fixed: r.fixed.map(findingJson),
      introduced: r.introduced.map((f) => ({ ...findingJson(f), ...(f.hunk ? { hunk: { header: f.hunk.header, lines: f.hunk.lines } } : {}) })),
      unchanged: r.unchanged.map(findingJson),
      applied: r.applied,
      ...(r.error ? { error: r.error } : {}),
      ...(r.notes.length ? { notes: r.notes } : {}),
    })),
  };
}

export function reviewSarif(reviews: PatchReview[]): object {
  const results: object[] = [];
  for (const r of reviews) {
    const props = { properties: { patch: title(r) } };
    for (const f of r.introduced) results.push(sarifResult(f, { baselineState: 'new', ...props }));
    for (const f of r.unchanged) results.push(sarifResult(f, { baselineState: 'unchanged', ...props }));
    for (const f of r.fixed) results.push(sarifResult(f, { baselineState: 'absent', ...props }));
  }
  return sarifLog(results);
}

/** Markdown for the editor: `link(file, line)` makes the link to a line (0-based). */
export function formatReviewMarkdown(reviews: PatchReview[], link: (file: string, line: number) => string): string {
  const out: string[] = ['# iomem-lens review', ''];
  const at = (f: ReviewedFinding): string => `[${f.file}:${f.line + 1}](${link(f.file, f.line)})`;
  for (const r of reviews) {
    out.push(`## ${escapeMd(title(r))}`, '');
    if (r.error) {
      out.push(`**Does not apply:** ${escapeMd(r.error)}`, '');
      continue;
    }
    const note = appliedNote(r);
    if (note) out.push(`*${escapeMd(note)}*`, '');
    for (const f of r.introduced) {
      out.push(`### Introduces \`${f.rule}\` in \`${f.function}()\``, '', `${at(f)}: ${escapeMd(f.message)}`, '');
      if (f.hunk) out.push('```diff', f.hunk.header, ...quotedLines(f.hunk, f.line), '```', '');
      f.trace.forEach((t, i) => out.push(`${i + 1}. [line ${t.line + 1}](${link(f.file, t.line)})${t.actor === 'racer' ? ' *(racing actor)*' : ''}: ${escapeMd(t.message)}`));
      if (f.trace.length) out.push('');
    }
    if (r.fixed.length) out.push('**Fixes:**', '', ...r.fixed.map((f) => `- \`${f.rule}\` in \`${f.function}()\` (was ${at(f)})`), '');
    if (r.unchanged.length) out.push('**Still there:**', '', ...r.unchanged.map((f) => `- \`${f.rule}\` in \`${f.function}()\` at ${at(f)}`), '');
    if (!r.introduced.length && !r.fixed.length && !r.unchanged.length) out.push('No findings in the functions this patch touches, before or after it.', '');
  }
  return out.join('\n');
}

/** Text from a patch or the code, shown as text in markdown (no HTML, no emphasis). */
function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]<>#|]/g, (c) => `\\${c}`);
}

/** Hunk lines a reply quotes in full; a longer hunk is quoted around the finding. */
const QUOTE_MAX = 24;
const QUOTE_AROUND = 8;

/**
 * The lines of a finding's hunk a reply quotes: all of a short one; of a longer one (a new
 * driver's whole file), those around the finding's line, the rest cut as `[...]`, as a reviewer
 * trims a quote (found in review: a 790-line new file was quoted for one finding).
 */
export function quotedLines(hunk: { lines: string[]; newStart: number }, line: number): string[] {
  if (hunk.lines.length <= QUOTE_MAX) return hunk.lines;
  // The index of the finding's line among the hunk's lines (its new side), or the nearest end.
  let at = hunk.lines.length - 1;
  let next = hunk.newStart;
  for (let i = 0; i < hunk.lines.length; i++) {
    if ((hunk.lines[i] as string)[0] === '-') continue;
    if (next >= line) {
      at = i;
      break;
    }
    next++;
  }
  const from = Math.max(0, at - QUOTE_AROUND);
  const to = Math.min(hunk.lines.length, at + QUOTE_AROUND + 1);
  return [...(from > 0 ? ['[...]'] : []), ...hunk.lines.slice(from, to), ...(to < hunk.lines.length ? ['[...]'] : [])];
}
