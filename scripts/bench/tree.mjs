// Whole-tree scan: iomem-lens with 1 and 2 workers against the floors measured in the same run
// (reading every byte, a ripgrep identifier prefilter, tree-sitter parsing of the files the
// prefilter keeps) and the peer (Coccinelle with one semantic patch).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Language, Parser } from 'web-tree-sitter';
import { has, median, medianOf, medianOfRuns, timed } from './util.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');

function sourceFiles(tree) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.[ch]$/.test(e.name)) out.push(p);
    }
  };
  walk(tree);
  return out;
}

/** The identifiers the CLI's prefilter looks for, from the CLI itself. */
function triggers() {
  return spawnSync(process.execPath, [cli, 'triggers'], { encoding: 'utf8' }).stdout.trim().split('\n');
}

/**
 * The rows of the whole-tree table. The timed commands (ripgrep, the check with 1 and 2
 * workers, Coccinelle) run in rounds, each once per round, so that a machine that slows down or
 * speeds up during the bench moves them alike; `paired` holds, for the 2-worker check, the
 * median over rounds of its ratio to ripgrep and to Coccinelle in the same round.
 */
export async function benchTree(tree, { runs, peer = true }) {
  const rows = [];
  const files = sourceFiles(tree);
  const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  // Floor 1: read every byte (warm page cache: the same files the scan reads).
  const readRuns = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    for (const f of files) fs.readFileSync(f);
    readRuns.push((performance.now() - t) / 1000);
  }
  readRuns.sort((a, b) => a - b);
  rows.push({ what: `read every byte (${files.length} files, ${(bytes / 2 ** 20).toFixed(0)} MiB), 1 thread`, wall: readRuns[runs >> 1] });
  // Floor 2 (timed in the rounds below): ripgrep prefilter on the identifiers.
  const names = triggers();
  const list = path.join(fs.mkdtempSync('/tmp/iomem-lens-bench-'), 'names');
  fs.writeFileSync(list, `${names.join('\n')}\n`);
  const rgArgs = ['-l', '-F', '-w', '-f', list, '-g', '*.c', '-g', '*.h', tree];
  const kept = has('rg') ? spawnSync('rg', rgArgs, { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout.trim().split('\n').filter(Boolean) : [];
  // Floor 3: tree-sitter parsing of the kept files, one thread.
  await Parser.init();
  const parser = new Parser();
  parser.setLanguage(await Language.load(fs.readFileSync(path.join(root, 'grammars', 'tree-sitter-c.wasm'))));
  const parseRuns = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    for (const f of kept) parser.parse(fs.readFileSync(f, 'utf8'))?.delete();
    parseRuns.push((performance.now() - t) / 1000);
  }
  parseRuns.sort((a, b) => a - b);
  const parseRow = { what: `tree-sitter parse of the ${kept.length} kept files, 1 thread`, wall: parseRuns[runs >> 1], floor: 'parse' };

  const check = (jobs) => [process.execPath, [cli, 'check', '-q', '--no-baseline', '--no-cache', '-j', String(jobs), '--format', 'json', '.'], { cwd: tree }];
  const commands = {
    ...(has('rg') ? { rg: ['rg', rgArgs, {}] } : {}),
    j1: check(1),
    j2: check(2),
    // The peer: Coccinelle with the busy-window semantic patch.
    ...(peer && has('spatch') ? { peer: ['spatch', ['--sp-file', path.join(here, 'busy-window.cocci'), '--dir', tree, '--jobs', '2', '--very-quiet'], { timeout: 3 * 3600 * 1000 }] } : {}),
  };
  const samples = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) {
    for (const [k, [cmd, args, opts]] of Object.entries(commands)) samples[k].push(timed(cmd, args, opts));
  }
  const rounds = (k) => samples[k] ?? [];
  if (samples.rg) rows.push({ what: `ripgrep prefilter, ${names.length} identifiers (rg -l -F -w), keeps ${kept.length} files`, ...medianOfRuns(samples.rg), floor: 'rg' });
  rows.push(parseRow);
  for (const jobs of [1, 2]) rows.push({ what: `iomem-lens check, all rules, ${jobs} worker${jobs > 1 ? 's' : ''}`, ...medianOfRuns(samples[`j${jobs}`]), tool: jobs });
  // One run (untimed) saves the index; the timed runs re-scan with it.
  const cached = [cli, 'check', '-q', '--no-baseline', '-j', '2', '--format', 'json', '.'];
  timed(process.execPath, cached, { cwd: tree });
  const warm = medianOf(runs, () => timed(process.execPath, cached, { cwd: tree }));
  rows.push({ what: 'iomem-lens check, 2 workers, re-scan with the saved index (nothing changed)', ...warm, tool: 'cached' });
  if (samples.peer) rows.push({ what: 'Coccinelle (spatch --jobs 2), one semantic patch (busy-window), default prefilter', ...medianOfRuns(samples.peer), peer: true });
  const pairedTo = (k) => (samples[k] ? median(rounds('j2').map((r, i) => r.wall / rounds(k)[i].wall)) : undefined);
  rows.paired = { rg: pairedTo('rg'), peer: pairedTo('peer') };
  return rows;
}
