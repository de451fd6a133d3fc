// `npm run bench`: the performance figures of iomem-lens, measured in one run against floors
// measured in the same run (the machine is shared and noisy: ratios matter more than seconds).
//
//   npm run bench                       # everything (about 20 minutes on 2 cores)
//   npm run bench -- --runs 1 --no-peer # one run each, without Coccinelle
//   npm run bench -- --only editor      # tree | editor | memory | soak | vscode
//
// Never part of the tests. Prints markdown tables; README's Performance section quotes them.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GOAL_X_FLOOR, SERVER_NODE_ARGS, benchEditor, benchServerMemory } from './bench/editor.mjs';
import { benchSoak, secondHalfSlope } from './bench/soak.mjs';
import { benchTree } from './bench/tree.mjs';
import { fmt, machine, median } from './bench/util.mjs';
import { ensureTree } from './lib/trees.mjs';
import { ensureAptPackages, which } from './e2e/tools.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const runs = Number(opt('--runs', '3'));
const only = opt('--only', undefined);
const want = (s) => !only || only === s;
const EDITOR_FILES = ['drivers/md/dm.c', 'mm/memory_hotplug.c', 'kernel/resource.c', 'drivers/nvdimm/pmem.c'];

execFileSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
const tree = ensureTree('6.12');
const out = [`# iomem-lens benchmark\n`, `Machine: ${machine()}. Linux 6.12 (Debian linux-source-6.12). Medians of ${runs} runs.\n`];

if (want('tree')) {
  const wantPeer = !argv.includes('--no-peer');
  // The floor and the peer are Debian's ripgrep and Coccinelle: installed on a machine that
  // lacks them, and a row left out says why (a table without them reads as if they were slower).
  const aptTools = [{ pkg: 'ripgrep', bin: 'rg', row: 'the ripgrep floor' }, ...(wantPeer ? [{ pkg: 'coccinelle', bin: 'spatch', row: 'the Coccinelle peer' }] : [])];
  let installNote = '';
  try {
    ensureAptPackages(aptTools);
  } catch (e) {
    installNote = ` (apt-get: ${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
  }
  const missing = aptTools.filter((t) => !which(t.bin));
  const rows = await benchTree(tree, { runs, peer: wantPeer });
  const rg = rows.find((r) => r.floor === 'rg');
  const parse = rows.find((r) => r.floor === 'parse');
  const peer = rows.find((r) => r.peer);
  out.push('## Whole tree (all .c and .h files)\n', '| what | wall s | CPU s | peak RSS MB | × rg | × parse floor | × Coccinelle |', '|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const ratio = (base) => (base && r.tool !== undefined ? fmt(r.wall / base.wall, 2) : '');
    out.push(`| ${r.what} | ${fmt(r.wall)} | ${fmt(r.cpu)} | ${fmt(r.rssMb, 0)} | ${ratio(rg)} | ${ratio(parse)} | ${ratio(peer)} |`);
  }
  const paired = [rows.paired.rg !== undefined ? `${fmt(rows.paired.rg, 2)}× ripgrep` : '', rows.paired.peer !== undefined ? `${fmt(rows.paired.peer, 2)}× Coccinelle` : ''].filter(Boolean);
  const tools = [rg && 'ripgrep', 'the checks', peer && 'Coccinelle'].filter(Boolean);
  const timedTools = tools.length > 1 ? `${tools.slice(0, -1).join(', ')} and ${tools[tools.length - 1]}` : tools[0];
  if (missing.length) out.push('', `Not measured: ${missing.map((t) => `${t.row} (\`${t.bin}\` is not installed: Debian's ${t.pkg})`).join(', ')}${installNote}.`);
  out.push('', `${timedTools[0].toUpperCase()}${timedTools.slice(1)} ran in ${runs} round${runs === 1 ? '' : 's'}, each once per round.${paired.length ? ` Paired by round (the median of each round's own ratio), the 2-worker check took ${paired.join(' and ')}.` : ''}`, '');
}

if (want('editor')) {
  // A session per run, each with a server of its own: a p95 of 200 edits moves from run to run.
  const sessions = [];
  for (let i = 0; i < runs; i++) sessions.push(await benchEditor(tree, EDITOR_FILES, { edits: 200 }));
  const rows = editorMedians(sessions);
  out.push(`## Editor latency through the server over stdio (200 one-character edits per file, medians of ${runs} session${runs === 1 ? '' : 's'})\n`,
    `The server runs as editors start it: \`node ${[...SERVER_NODE_ARGS, 'dist/cli.js', 'lsp', '--stdio'].join(' ')}\`.\n`,
    `| file | KiB | first open ms | diagnostics p50 / p95 ms | incremental reparse p50 / p95 ms (floor) | p95 × floor | edits over ${GOAL_X_FLOOR} × the floor's p95 | of which inside the server p50 / p95 ms | hover p50 / p95 ms |`, '|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const range = r.ratios.length > 1 ? ` (${fmt(Math.min(...r.ratios), 2)} to ${fmt(Math.max(...r.ratios), 2)})` : '';
    const over = r.overs.length > 1 ? `${fmt(r.over, 0)} (${Math.min(...r.overs)} to ${Math.max(...r.overs)})` : fmt(r.over, 0);
    out.push(`| ${r.file} | ${fmt(r.kib, 0)} | ${fmt(r.open, 0)} | ${fmt(r.diagP50)} / ${fmt(r.diagP95)} | ${fmt(r.floorP50)} / ${fmt(r.floorP95)} | ${fmt(r.ratio, 2)}${range} | ${over} | ${fmt(r.serverP50)} / ${fmt(r.serverP95)} | ${fmt(r.hoverP50, 2)} / ${fmt(r.hoverP95, 2)} |`);
  }
  const built = sessions.map((s) => s.index).filter(Boolean);
  out.push('', runs > 1 ? 'Each column is the median over the sessions; the p95 × floor column is the median of each session\'s own ratio, with their range, and so is the count of edits over the goal.\n' : '',
    `Edits over the goal: of each session's 200, those whose diagnostics took longer than ${GOAL_X_FLOOR} × that session's floor p95. The p95 is the 191st fastest of 200, so a session meets the goal while at most 9 are.\n`,
    'Inside the server: from the change notification (before the reparse) to the answer of the pull, as the server itself times it (its status command); the rest of the diagnostics time is the two pipe hops and the scheduling of the two processes.\n',
    built.length === sessions.length
      ? `The server indexed the tree's ${built[0].files} files for published globals in ${fmt(median(built.map((b) => b.ms)) / 1000)} s on a worker thread after it started (median); the edits above were timed after that.\n`
      : 'The server did not report its workspace index within 120 s in some session: its edits ran while it was being built.\n');
}

/** Per file, the median of each figure over editor sessions, and each session's own p95 × floor. */
function editorMedians(sessions) {
  return sessions[0].map((first) => {
    const same = sessions.map((rows) => rows.find((r) => r.file === first.file)).filter(Boolean);
    const med = (k) => median(same.map((r) => r[k]));
    const ratios = same.map((r) => r.diagP95 / r.floorP95);
    const overs = same.map((r) => r.overGoal);
    return {
      file: first.file, kib: first.kib, open: med('open'), diagP50: med('diagP50'), diagP95: med('diagP95'), floorP50: med('floorP50'),
      floorP95: med('floorP95'), hoverP50: med('hoverP50'), hoverP95: med('hoverP95'), serverP50: med('serverP50'), serverP95: med('serverP95'), ratio: median(ratios), ratios, over: median(overs), overs,
    };
  });
}

if (want('memory')) {
  // 50 real kernel files that name the modeled APIs (the ones the server analyzes in full).
  const list = spawnSync('rg', ['-l', '-w', '-e', 'request_mem_region', '-e', 'pfn_to_online_page', '-e', 'alloc_dax', '-g', '*.c', 'drivers', 'mm', 'arch/x86'], { cwd: tree, encoding: 'utf8' })
    .stdout.trim().split('\n').filter(Boolean).sort().slice(0, 50);
  const m = await benchServerMemory(tree, list);
  out.push('## Memory\n', '| what | MB |', '|---|---|', `| language server, idle | ${fmt(m.idleMb, 0)} |`, `| language server, ${m.files} kernel files open and analyzed | ${fmt(m.openMb, 0)} |`, '');
}

if (want('soak')) {
  const edits = Number(opt('--soak-edits', '10000'));
  const s = await benchSoak(tree, 'mm/memory_hotplug.c', { edits });
  const first = s.series[0].mb;
  const peak = Math.max(...s.series.map((x) => x.mb));
  const last = s.series[s.series.length - 1].mb;
  out.push(`## Soak: ${s.edits} edits to ${s.file} in one session, a diagnostic pull after each\n`,
    `${fmt(s.seconds, 0)} s; server ${s.alive ? 'still up' : 'DIED'}. RSS after open ${fmt(first, 0)} MB, peak ${fmt(peak, 0)} MB, at the end ${fmt(last, 0)} MB; ` +
    `growth over the second half: RSS ${fmt(secondHalfSlope(s.series), 2)} MB, JS heap in use ${fmt(secondHalfSlope(s.series, 'heap'), 2)} MB, ` +
    `external (WebAssembly) ${fmt(secondHalfSlope(s.series, 'external'), 2)} MB per 1,000 edits.\n`,
    '| edits | ' + s.series.map((x) => x.edits).join(' | ') + ' |', '|---|' + s.series.map(() => '---|').join(''),
    '| RSS MB | ' + s.series.map((x) => fmt(x.mb, 0)).join(' | ') + ' |',
    '| JS heap in use MB | ' + s.series.map((x) => fmt(x.heap, 0)).join(' | ') + ' |',
    '| external MB | ' + s.series.map((x) => fmt(x.external, 0)).join(' | ') + ' |',
    '| cached function results | ' + s.series.map((x) => x.cached).join(' | ') + ' |', '');
}

if (want('vscode') && fs.existsSync(path.join(root, 'scripts', 'e2e', 'measure.mjs')) && only === 'vscode') {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'e2e', 'measure.mjs'), tree], { cwd: root, encoding: 'utf8' });
  out.push('## VS Code (code-server) on the whole tree as the workspace\n', '```', r.stdout.trim() || r.stderr.trim(), '```', '');
}

const text = out.join('\n');
process.stdout.write(`${text}\n`);
fs.mkdirSync(path.join(root, 'test-results'), { recursive: true });
fs.writeFileSync(path.join(root, 'test-results', 'bench.md'), `${text}\n`);
