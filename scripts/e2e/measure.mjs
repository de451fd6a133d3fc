// Measures the extension in a real VS Code (code-server + Chromium, the e2e launcher) on a whole
// kernel tree: not a test, numbers for the benchmark. Prints one JSON object on stdout:
//
//   activationMs        from opening the first C file (Enter pressed in Quick Open: the editor
//                       opens and fires the onLanguage:c activation event) to the language server's first log line in the
//                       iomem-lens output channel ("iomem-lens: kernel 6.12 x86_64 (Makefile)...",
//                       logged once it is initialized and has read its settings), by the log's
//                       timestamp: extension activation + server process start + initialize
//   activateEventMs     the same start to the extension host's "_doActivateExtension" log line
//   firstDiagnosticMs   the same start to the first finding of that file shown by VS Code (the
//                       extension's status bar item counting >= 1 finding; polled every 50 ms)
//   indexMs, indexedFiles  the server's background publication index of the tree (its log line)
//   serverRssMb         VmRSS of the language server (node .../dist/server.js) once the files are
//                       open, the index is built and the server has been idle (no CPU) for 2 s
//   serverHwmMb         its peak RSS (VmHWM) by then
//   workbenchMs         page load to the workbench and explorer shown
//   files               the files opened, in order (the first one is timed)
//
//   node scripts/e2e/measure.mjs [--tree DIR] [--vsix FILE] [--files a.c,b.c,...]
//
// Default tree: Linux 6.12 from the corpus cache (scripts/lib/trees.mjs fetches and unpacks it
// when missing). Without --vsix the extension is packaged first (as `npm run test:e2e` does).
// Progress goes to stderr.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureTree } from '../lib/trees.mjs';
import { findLogs, installVsix, makeProfile, openFile, openWorkbench, packageExtension, processesMentioning, say, startSession, tempBase, until } from './launch.mjs';
import { ensureTools } from './tools.mjs';

const DEFAULT_FILES = ['drivers/dax/kmem.c', 'drivers/nvdimm/pmem.c', 'mm/memory_hotplug.c', 'kernel/resource.c', 'drivers/dax/bus.c'];

const { values: args } = parseArgs({
  options: {
    tree: { type: 'string' },
    vsix: { type: 'string' },
    files: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});

/** "2026-11-22 02:45:02.385 [info] ..." -> epoch ms (the log is in local time). */
function logTime(line) {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})/.exec(line);
  return m ? new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]).getTime() : undefined;
}

/** The first line matching `re` in the log files matching `fileRe`, with its time. */
function logLine(profile, fileRe, re) {
  for (const f of findLogs(profile, fileRe)) {
    for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
      if (re.test(line)) return { line, t: logTime(line) };
    }
  }
  return undefined;
}

function procStatus(pid) {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
  return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
}

function cpuTicks(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]); // utime + stime
}

async function main() {
  const tools = ensureTools({ apt: [{ pkg: 'chromium', bin: 'chromium' }, { pkg: 'ripgrep', bin: 'rg' }] });
  const tree = path.resolve(args.tree ?? ensureTree('6.12'));
  const files = args.files ? args.files.split(',') : DEFAULT_FILES;
  for (const f of files) if (!fs.existsSync(path.join(tree, f))) throw new Error(`${f} is not in ${tree}`);
  const vsix = args.vsix ? path.resolve(args.vsix) : packageExtension().vsix;
  const base = tempBase('iomem-lens-measure-');
  const profile = makeProfile(path.join(base, 'vscode'));
  installVsix(tools, profile, vsix);
  const session = await startSession(tools, profile);
  const cleanup = () => session.close();
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => void cleanup().finally(() => process.exit(130)));
  try {
    const { page } = session;
    const tPage = Date.now();
    await openWorkbench(session, tree, { timeout: 120_000 });
    const workbenchMs = Date.now() - tPage;
    say(`workbench on ${tree} in ${workbenchMs} ms`);

    const tOpen = await openFile(page, files[0], { timeout: 60_000 });
    const firstDiag = await until('the first finding in the status bar', async () => {
      const texts = await page.$$eval('.statusbar-item', (els) => els.map((e) => (e.textContent ?? '').trim()));
      return texts.some((t) => /· [1-9]\d* findings?/.test(t)) ? Date.now() : undefined;
    }, { timeout: 120_000, interval: 50 });
    const firstDiagnosticMs = firstDiag - tOpen;
    say(`first finding after ${firstDiagnosticMs} ms`);
    const ready = await until('the server\'s first log line', () => logLine(profile, /iomem-lens\.log$/, /iomem-lens: kernel /), { timeout: 60_000, interval: 100 });
    const activated = logLine(profile, /exthost\.log$/, /_doActivateExtension iomem-lens\./);
    const activationMs = ready.t - tOpen;
    const activateEventMs = activated?.t !== undefined ? activated.t - tOpen : null;

    for (const f of files.slice(1)) await openFile(page, f, { timeout: 60_000 });
    const server = await until('the language server process', () => processesMentioning(profile.extensions).find((p) => /dist\/server\.js/.test(p.cmd)), { timeout: 10_000 });
    const indexed = await until('the workspace index', () => logLine(profile, /iomem-lens\.log$/, /iomem-lens: indexed \d+ files/), { timeout: 300_000, interval: 250 });
    const [, indexedFiles, indexMs] = /indexed (\d+) files for publications in (\d+) ms/.exec(indexed.line) ?? [];
    say(`index: ${indexed.line.replace(/^.*?iomem-lens: /, '')}`);
    // The Node options the extension started it with (package.json's iomemLens.serverNodeArgs).
    say(`server: ${server.cmd.replace(/\S*\/(dist\/server\.js)/, '$1')}`);
    // Settled: no CPU time used for 2 s (the re-analysis after the index included).
    let last = cpuTicks(server.pid);
    let quietSince = Date.now();
    await until('the language server to go idle', () => {
      const now = cpuTicks(server.pid);
      if (now !== last) {
        last = now;
        quietSince = Date.now();
      }
      return Date.now() - quietSince >= 2_000;
    }, { timeout: 120_000, interval: 250 });
    const mem = procStatus(server.pid);
    await page.screenshot({ path: path.join(base, 'measure.png') }).catch(() => undefined);
    const result = {
      activationMs,
      firstDiagnosticMs,
      serverRssMb: Math.round(mem.rssKb / 102.4) / 10,
      files,
      activateEventMs,
      serverHwmMb: Math.round(mem.hwmKb / 102.4) / 10,
      indexedFiles: Number(indexedFiles),
      indexMs: Number(indexMs),
      workbenchMs,
      tree,
    };
    console.log(JSON.stringify(result));
  } finally {
    await cleanup();
    if (!args.keep) fs.rmSync(base, { recursive: true, force: true });
    else say(`kept ${base}`);
  }
}

main().catch((e) => {
  console.error(`measure: ${e.stack ?? e}`);
  process.exit(1);
});
